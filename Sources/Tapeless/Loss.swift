/// A loss function of a batch of predictions and their targets.
///
/// The value and its gradient with respect to the predictions are computed in one pass.
/// Semantics (reductions, conventions at kinks) are those of `torch.nn.functional`.
public protocol Loss: Sendable {
    /// What a prediction is compared with: a ``Tensor`` of values or an ``IntTensor`` of labels.
    associatedtype Target: Batchable
    /// The loss of `predicted` against `target`.
    func callAsFunction(_ predicted: Tensor, _ target: Target) -> Float
    /// The loss and its gradient with respect to `predicted` (same shape as `predicted`).
    func valueWithGradient(_ predicted: Tensor, _ target: Target) -> (value: Float, gradient: Tensor)
}

/// A measure of prediction quality, reported during training but not differentiated.
public protocol Metric<Target>: Sendable {
    /// What a prediction is compared with.
    associatedtype Target: Batchable
    /// A short name shown in progress output and history, such as `accuracy` or `mae`.
    var name: String { get }
    /// The metric of one batch; ``Module/fit(x:y:loss:optimizer:epochs:batchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:)``
    /// averages batch values weighted by batch size.
    func callAsFunction(_ predicted: Tensor, _ target: Target) -> Float
}

/// A collection of examples along its first dimension that can be split into batches.
public protocol Batchable: Sendable {
    /// The number of examples (the size of the first dimension).
    var exampleCount: Int { get }
    /// The examples at `indices`, in that order, as a new value of the same kind.
    func gathering(examples indices: some Collection<Int>) -> Self
}
