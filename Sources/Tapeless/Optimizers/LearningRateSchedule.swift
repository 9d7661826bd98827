/// A rule that gives the learning rate for each epoch or step of training.
///
/// A schedule is a pure function of a count, so the caller chooses the unit: with `fit`, a
/// ``LearningRateScheduler`` callback applies it once per epoch, and a custom loop may apply
/// it once per step:
/// ```swift
/// let schedule = LinearWarmup(steps: 100, then: CosineAnnealing(period: 900))
/// for step in 0..<1000 {
///     optimizer.learningRate = schedule.learningRate(at: step, initial: 0.1)
///     // compute the gradient, then optimizer.update(&model, along: gradient)
/// }
/// ```
/// The formulas are the closed forms of PyTorch's `torch.optim.lr_scheduler`.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for epoch or step `count` (0 for the first) when training starts at `initial`.
    func learningRate(at count: Int, initial: Float) -> Float
}

/// A learning rate that never changes.
public struct ConstantLearningRate: LearningRateSchedule {
    /// Creates a constant schedule.
    public init() {}

    /// Returns `initial`.
    public func learningRate(at count: Int, initial: Float) -> Float { initial }
}
