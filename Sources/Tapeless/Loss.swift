/// A loss function of a batch of predictions and their targets.
///
/// The value and its gradient with respect to the predictions are computed in one pass.
/// Semantics (reductions, conventions at kinks) are those of `torch.nn.functional`.
///
/// Every requirement throws ``TrainingError`` for data it cannot compare, such as targets of
/// another shape or labels outside the classes, after checking the shapes once per call and
/// before writing anything. A conforming type of your own should do the same, so `fit` and
/// `evaluate` report the mistake instead of trapping.
public protocol Loss: Sendable {
    /// What a prediction is compared with: a ``Tensor`` of values or an ``IntTensor`` of labels.
    associatedtype Target: Batchable
    /// The loss of `predicted` against `target`.
    func callAsFunction(_ predicted: Tensor, _ target: Target) throws -> Float
    /// The loss and its gradient with respect to `predicted` (same shape as `predicted`).
    func valueWithGradient(_ predicted: Tensor, _ target: Target) throws -> (value: Float, gradient: Tensor)
    /// The loss, with its gradient with respect to `predicted` written into `gradient`, whose
    /// storage is reused when it already has `predicted`'s shape and is not shared: a training
    /// loop that keeps one gradient tensor allocates nothing per step.
    func value(_ predicted: Tensor, _ target: Target, gradientInto gradient: inout Tensor) throws -> Float
}

extension Loss {
    /// Stores ``valueWithGradient(_:_:)``'s gradient in `gradient`; the built-in losses write
    /// in place instead.
    public func value(_ predicted: Tensor, _ target: Target, gradientInto gradient: inout Tensor) throws -> Float {
        let (value, newGradient) = try valueWithGradient(predicted, target)
        gradient = newGradient
        return value
    }

    /// ``value(_:_:gradientInto:)`` with a new gradient tensor.
    func valueWithNewGradient(_ predicted: Tensor, _ target: Target) throws -> (value: Float, gradient: Tensor) {
        var gradient = Tensor(shape: [0], scalars: [])
        let value = try value(predicted, target, gradientInto: &gradient)
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
    ///
    /// Throws ``TrainingError`` for data it cannot compare, like a ``Loss``.
    func callAsFunction(_ predicted: Tensor, _ target: Target) throws -> Float
}

/// A collection of examples along its first dimension that can be split into batches.
public protocol Batchable: Sendable {
    /// Whether the value has a first dimension to hold its examples, which ``exampleCount``
    /// requires; `fit` and `evaluate` check it first, to throw instead of trapping.
    var hasExampleDimension: Bool { get }
    /// The number of examples (the size of the first dimension).
    var exampleCount: Int { get }
    /// The examples at `indices`, in that order, as a new value of the same kind.
    func gathering(examples indices: some Collection<Int>) -> Self
    /// Writes the examples at `indices` into `batch`, reusing its storage where it can, so a
    /// training loop that keeps its batch allocates nothing per step.
    func gather(examples indices: some Collection<Int>, into batch: inout Self)
}

extension Batchable {
    /// `true`: a conforming type whose values can lack the example dimension says so itself.
    public var hasExampleDimension: Bool { true }

    /// Replaces `batch` with ``gathering(examples:)``; ``Tensor`` and ``IntTensor`` reuse
    /// the batch's storage instead.
    public func gather(examples indices: some Collection<Int>, into batch: inout Self) {
        batch = gathering(examples: indices)
    }
}
