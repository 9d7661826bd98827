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
    /// The loss, with its gradient with respect to `predicted` written into `gradient`, whose
    /// storage is reused when it already has `predicted`'s shape and is not shared: a training
    /// loop that keeps one gradient tensor allocates nothing per step.
    func value(_ predicted: Tensor, _ target: Target, gradientInto gradient: inout Tensor) -> Float
}

extension Loss {
    /// Stores ``valueWithGradient(_:_:)``'s gradient in `gradient`; the built-in losses write
    /// in place instead.
    public func value(_ predicted: Tensor, _ target: Target, gradientInto gradient: inout Tensor) -> Float {
        let (value, newGradient) = valueWithGradient(predicted, target)
        gradient = newGradient
        return value
    }

    /// ``value(_:_:gradientInto:)`` with a new gradient tensor.
    func valueWithNewGradient(_ predicted: Tensor, _ target: Target) -> (value: Float, gradient: Tensor) {
        var gradient = Tensor(shape: [0], scalars: [])
        let value = value(predicted, target, gradientInto: &gradient)
        return (value, gradient)
    }
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
    /// Writes the examples at `indices` into `batch`, reusing its storage where it can, so a
    /// training loop that keeps its batch allocates nothing per step.
    func gather(examples indices: some Collection<Int>, into batch: inout Self)
}

extension Batchable {
    /// Replaces `batch` with ``gathering(examples:)``; ``Tensor`` and ``IntTensor`` reuse
    /// the batch's storage instead.
    public func gather(examples indices: some Collection<Int>, into batch: inout Self) {
        batch = gathering(examples: indices)
    }
}
