/// Adagrad: gradient descent divided by the root of the sum of all past squared gradients
/// (Duchi et al. 2011), with the update rule of `torch.optim.Adagrad`.
///
/// Each step `t` (counting from 1), for every trainable parameter `p` with gradient `g`:
/// ```
/// g = g + weightDecay * p
/// sum = sum + g * g
/// p = p - learningRate / (1 + (t - 1) * learningRateDecay) * g / (sqrt(sum) + epsilon)
/// ```
/// The state keeps `sum`, which starts at `initialAccumulatorValue`.
public struct Adagrad: Optimizer {
    /// The step size before decay.
    public var learningRate: Float
    /// How fast the step size shrinks with the step count.
    public var learningRateDecay: Float
    /// The L2 penalty, added to the gradient as `weightDecay * p`.
    public var weightDecay: Float
    /// The starting value of every element of the `sum` accumulator.
    public var initialAccumulatorValue: Float
    /// The term added to the denominator for numerical stability.
    public var epsilon: Float

    private var step = 0
    private var sum = StateBuffer(name: "sum")

    /// Creates an Adagrad optimizer with PyTorch's hyperparameters and defaults.
    ///
    /// - Precondition: no hyperparameter is negative.
    public init(
        learningRate: Float = 1e-2, learningRateDecay: Float = 0, weightDecay: Float = 0,
        initialAccumulatorValue: Float = 0, epsilon: Float = 1e-10
    ) {
        precondition(learningRate >= 0, "Adagrad's learning rate must not be negative (got \(learningRate)).")
        precondition(learningRateDecay >= 0, "Adagrad's learning rate decay must not be negative (got \(learningRateDecay)).")
        precondition(weightDecay >= 0, "Adagrad's weight decay must not be negative (got \(weightDecay)).")
        precondition(
            initialAccumulatorValue >= 0,
            "Adagrad's initial accumulator value must not be negative (got \(initialAccumulatorValue)).")
        precondition(epsilon >= 0, "Adagrad's epsilon must not be negative (got \(epsilon)).")
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
    }

    /// The step count and the `sum` accumulator.
    public var state: OptimizerState {
        get { OptimizerState(step: step, buffers: [sum]) }
        set {
            newValue.requireOnlyBuffers(of: [sum], optimizer: "Adagrad")
            step = newValue.step
            sum.restore(from: newValue)
        }
    }

    /// Updates `model`'s trainable parameters one step along `gradient`.
    public mutating func update<M: Model>(_ model: inout M, along gradient: M.Gradient) {
        sum.prepare(
            count: M.parameterCount, initialValue: initialAccumulatorValue, step: step,
            isRequired: true, optimizer: "Adagrad")
        let stepSize = learningRate / (1 + Float(step) * learningRateDecay)
        step += 1
        let (weightDecay, epsilon) = (weightDecay, epsilon)
        sum.scalars.withUnsafeMutableBufferPointer { sum in
            guard let sum = sum.baseAddress else { return }
            let update = AdagradStep(stepSize: stepSize, weightDecay: weightDecay, epsilon: epsilon, sum: sum)
            model.forEachTrainableRange(along: gradient, updatedBy: "Adagrad", update)
        }
    }
}

/// One step of ``Adagrad`` with its decayed step size.
private struct AdagradStep: ElementwiseUpdate {
    let stepSize: Float, weightDecay: Float, epsilon: Float
    let sum: UnsafeMutablePointer<Float>

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>) {
        for i in range {
            let d = g[i] + weightDecay * p[i]
            let total = sum[i] + d * d
            sum[i] = total
            p[i] -= stepSize * d / (nonnegativeSquareRoot(total) + epsilon)
        }
    }
}

extension Adagrad: FollowsStateRules {
    var stateRules: StateRules { StateRules(kept: [sum.name], required: [sum.name]) }
}
