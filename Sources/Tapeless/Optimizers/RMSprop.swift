/// RMSprop: gradient descent divided by a running root mean square of the gradient
/// (Hinton's lecture notes, 2012), with the update rule of `torch.optim.RMSprop`.
///
/// Each step, for every trainable parameter `p` with gradient `g`:
/// ```
/// g = g + weightDecay * p
/// s = alpha * s + (1 - alpha) * g * g
/// a = alpha * a + (1 - alpha) * g,  avg = sqrt(s - a * a) + eps   (centered)
/// avg = sqrt(s) + eps                                              (otherwise)
/// b = momentum * b + g / avg,  p = p - lr * b                      (momentum > 0)
/// p = p - lr * g / avg                                             (otherwise)
/// ```
/// The state keeps `square_avg`, and `grad_avg` (centered) and `momentum_buffer` (momentum > 0).
public struct RMSprop: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// The smoothing constant of the running averages.
    public var alpha: Float
    /// The term added to the denominator for numerical stability.
    public var epsilon: Float
    /// The L2 penalty, added to the gradient as `weightDecay * p`.
    public var weightDecay: Float
    /// The momentum factor; zero for none.
    public var momentum: Float
    /// Whether to normalize by an estimate of the gradient's variance instead of its second moment.
    public var centered: Bool

    private var step = 0
    private var squareAverage = StateBuffer(name: "square_avg")
    private var gradientAverage = StateBuffer(name: "grad_avg")
    private var momentumBuffer = StateBuffer(name: "momentum_buffer")

    /// Creates an RMSprop optimizer with PyTorch's hyperparameters and defaults.
    ///
    /// - Precondition: the rates are not negative and `alpha` lies in `[0, 1]`.
    public init(
        learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) {
        precondition(learningRate >= 0, "RMSprop's learning rate must not be negative (got \(learningRate)).")
        precondition((0...1).contains(alpha), "RMSprop's alpha must lie in [0, 1] (got \(alpha)).")
        precondition(epsilon >= 0, "RMSprop's epsilon must not be negative (got \(epsilon)).")
        precondition(weightDecay >= 0, "RMSprop's weight decay must not be negative (got \(weightDecay)).")
        precondition(momentum >= 0, "RMSprop's momentum must not be negative (got \(momentum)).")
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }

    /// The step count and the running averages.
    public var state: OptimizerState {
        get { OptimizerState(step: step, buffers: [squareAverage, gradientAverage, momentumBuffer]) }
        set {
            newValue.requireOnlyBuffers(of: [squareAverage, gradientAverage, momentumBuffer], optimizer: "RMSprop")
            step = newValue.step
            squareAverage.restore(from: newValue)
            gradientAverage.restore(from: newValue)
            momentumBuffer.restore(from: newValue)
        }
    }

    /// Updates `model`'s trainable parameters one step along `gradient`.
    public mutating func update<M: Model>(_ model: inout M, along gradient: M.Gradient) {
        let count = M.parameterCount
        let usesMomentum = momentum > 0
        squareAverage.prepare(count: count, initialValue: 0, step: step, isRequired: true, optimizer: "RMSprop")
        if centered {
            gradientAverage.prepare(count: count, initialValue: 0, step: step, isRequired: true, optimizer: "RMSprop")
        }
        if usesMomentum {
            // A zero buffer gives the same first step as PyTorch's, so it may start late.
            momentumBuffer.prepare(count: count, initialValue: 0, step: step, isRequired: false, optimizer: "RMSprop")
        }
        step += 1
        // Copies, as `self` is being modified while the buffers are open.
        let (learningRate, alpha, epsilon, weightDecay, momentum, centered) =
            (learningRate, alpha, epsilon, weightDecay, momentum, centered)
        squareAverage.scalars.withUnsafeMutableBufferPointer { s in
            gradientAverage.scalars.withUnsafeMutableBufferPointer { a in
                momentumBuffer.scalars.withUnsafeMutableBufferPointer { b in
                    guard let s = s.baseAddress else { return }
                    // Buffers the hyperparameters leave unused may be empty; they are never read then.
                    let update = RMSpropStep(
                        learningRate: learningRate, alpha: alpha, epsilon: epsilon, weightDecay: weightDecay,
                        momentum: momentum, centered: centered, usesMomentum: usesMomentum,
                        s: s, a: a.baseAddress ?? s, b: b.baseAddress ?? s)
                    model.forEachTrainableRange(along: gradient, updatedBy: "RMSprop", update)
                }
            }
        }
    }
}

/// One step of ``RMSprop``: `s` is the square average, `a` the gradient average (centered)
/// and `b` the momentum buffer.
private struct RMSpropStep: ElementwiseUpdate {
    let learningRate: Float, alpha: Float, epsilon: Float, weightDecay: Float, momentum: Float
    let centered: Bool, usesMomentum: Bool
    let s: UnsafeMutablePointer<Float>, a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>) {
        /// One loop with the options fixed, so that each of the four inlined copies is free of
        /// per-element branches and vectorizes.
        @inline(__always) func run(centered: Bool, usesMomentum: Bool) {
            for i in range {
                let d = g[i] + weightDecay * p[i]
                let si = alpha * s[i] + (1 - alpha) * d * d
                s[i] = si
                var variance = si
                if centered {
                    let ai = alpha * a[i] + (1 - alpha) * d
                    a[i] = ai
                    variance = si - ai * ai
                }
                let step = d / (nonnegativeSquareRoot(variance) + epsilon)
                if usesMomentum {
                    let bi = momentum * b[i] + step
                    b[i] = bi
                    p[i] -= learningRate * bi
                } else {
                    p[i] -= learningRate * step
                }
            }
        }
        switch (centered, usesMomentum) {
        case (false, false): run(centered: false, usesMomentum: false)
        case (false, true): run(centered: false, usesMomentum: true)
        case (true, false): run(centered: true, usesMomentum: false)
        case (true, true): run(centered: true, usesMomentum: true)
        }
    }
}

extension RMSprop: FollowsStateRules {
    var stateRules: StateRules {
        StateRules(
            kept: [squareAverage.name, gradientAverage.name, momentumBuffer.name],
            required: [squareAverage.name] + (centered ? [gradientAverage.name] : []))
    }
}
