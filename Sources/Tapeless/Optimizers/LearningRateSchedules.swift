import Foundation

/// Multiplies the learning rate by `gamma` every `stepSize` epochs (PyTorch's `StepLR`):
/// `initial * gamma^⌊count / stepSize⌋`.
public struct StepDecay: LearningRateSchedule {
    /// How many epochs (or steps) pass between two decays.
    public var stepSize: Int
    /// The factor applied at each decay.
    public var gamma: Float

    /// Creates a step decay.
    ///
    /// - Precondition: `stepSize` is positive.
    public init(stepSize: Int, gamma: Float = 0.1) {
        precondition(stepSize > 0, "StepDecay's step size must be positive (got \(stepSize)).")
        self.stepSize = stepSize
        self.gamma = gamma
    }

    /// The learning rate after `count / stepSize` decays.
    public func learningRate(at count: Int, initial: Float) -> Float {
        initial * Float(pow(Double(gamma), Double(count / stepSize)))
    }
}

/// Multiplies the learning rate by `gamma` every epoch (PyTorch's `ExponentialLR`):
/// `initial * gamma^count`.
public struct ExponentialDecay: LearningRateSchedule {
    /// The factor applied every epoch (or step).
    public var gamma: Float

    /// Creates an exponential decay.
    public init(gamma: Float) {
        self.gamma = gamma
    }

    /// The learning rate after `count` decays.
    public func learningRate(at count: Int, initial: Float) -> Float {
        initial * Float(pow(Double(gamma), Double(count)))
    }
}

/// Anneals the learning rate from its initial value to `minimum` along half a cosine wave
/// over `period` epochs (the closed form of PyTorch's `CosineAnnealingLR`, Loshchilov &
/// Hutter 2017): `minimum + (initial - minimum) * (1 + cos(π * count / period)) / 2`.
///
/// Past `period` the closed form keeps following the cosine, so the rate rises again.
public struct CosineAnnealing: LearningRateSchedule {
    /// The number of epochs (or steps) from the initial rate to the minimum (`T_max`).
    public var period: Int
    /// The lowest learning rate (`eta_min`).
    public var minimum: Float

    /// Creates a cosine annealing schedule.
    ///
    /// - Precondition: `period` is positive.
    public init(period: Int, minimum: Float = 0) {
        precondition(period > 0, "CosineAnnealing's period must be positive (got \(period)).")
        self.period = period
        self.minimum = minimum
    }

    /// The learning rate `count` epochs into the annealing.
    public func learningRate(at count: Int, initial: Float) -> Float {
        let phase = Double.pi * Double(count) / Double(period)
        return Float(Double(minimum) + Double(initial - minimum) * (1 + cos(phase)) / 2)
    }
}

/// Raises the learning rate linearly over the first `steps` epochs or steps, then hands over
/// to another schedule.
///
/// Count `k < steps` gets `initial * (k + 1) / steps`, so the last warm-up count reaches
/// `initial`; from count `steps` on, the rate is `next`'s rate at `count - steps`.
public struct LinearWarmup<Next: LearningRateSchedule>: LearningRateSchedule {
    /// The length of the warm-up.
    public var steps: Int
    /// The schedule that follows the warm-up, counting from zero when the warm-up ends.
    public var next: Next

    /// Creates a warm-up followed by `next`.
    ///
    /// - Precondition: `steps` is not negative.
    public init(steps: Int, then next: Next) {
        precondition(steps >= 0, "LinearWarmup's length must not be negative (got \(steps)).")
        self.steps = steps
        self.next = next
    }

    /// The warm-up rate at `count`, or `next`'s rate once the warm-up is over.
    public func learningRate(at count: Int, initial: Float) -> Float {
        count < steps
            ? initial * Float(count + 1) / Float(steps)
            : next.learningRate(at: count - steps, initial: initial)
    }
}

extension LinearWarmup where Next == ConstantLearningRate {
    /// Creates a warm-up that holds the initial rate once it is over.
    public init(steps: Int) {
        self.init(steps: steps, then: ConstantLearningRate())
    }
}
