/// Stochastic gradient descent, optionally with momentum, Nesterov momentum and L2 weight
/// decay: the update rule of `torch.optim.SGD`.
///
/// Each step, for every trainable parameter `p` with gradient `g`:
/// ```
/// g = g + weightDecay * p
/// v = g                                   (first step)
/// v = momentum * v + (1 - dampening) * g  (later steps)
/// g = nesterov ? g + momentum * v : v     (when momentum != 0)
/// p = p - learningRate * g
/// ```
/// The state keeps `momentum_buffer` (only when `momentum` is not zero).
public struct SGD: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// The momentum factor; zero for plain gradient descent.
    public var momentum: Float
    /// How much of each new gradient the momentum buffer leaves out.
    public var dampening: Float
    /// Whether to use Nesterov momentum.
    public var nesterov: Bool
    /// The L2 penalty, added to the gradient as `weightDecay * p`.
    public var weightDecay: Float

    private var step = 0
    private var momentumBuffer = StateBuffer(name: "momentum_buffer")

    /// Creates an SGD optimizer with PyTorch's hyperparameters and defaults.
    ///
    /// - Precondition: the rates are not negative; Nesterov momentum needs a positive
    ///   `momentum` and zero `dampening` (as in PyTorch).
    public init(
        learningRate: Float, momentum: Float = 0, dampening: Float = 0,
        nesterov: Bool = false, weightDecay: Float = 0
    ) {
        precondition(learningRate >= 0, "SGD's learning rate must not be negative (got \(learningRate)).")
        precondition(momentum >= 0, "SGD's momentum must not be negative (got \(momentum)).")
        precondition(weightDecay >= 0, "SGD's weight decay must not be negative (got \(weightDecay)).")
        precondition(
            !nesterov || (momentum > 0 && dampening == 0),
            "Nesterov momentum needs a positive momentum and zero dampening (got momentum \(momentum), dampening \(dampening))."
        )
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// The step count and the `momentum_buffer` (once momentum has been used).
    public var state: OptimizerState {
        get { OptimizerState(step: step, buffers: [momentumBuffer]) }
        set {
            newValue.requireOnlyBuffers(of: [momentumBuffer], optimizer: "SGD")
            step = newValue.step
            momentumBuffer.restore(from: newValue)
        }
    }

    /// Updates `model`'s trainable parameters one step along `gradient`.
    public mutating func update<M: Model>(_ model: inout M, along gradient: M.Gradient) {
        defer { step += 1 }
        guard momentum != 0 else {
            let update = SGDStep(learningRate: learningRate, weightDecay: weightDecay)
            return model.forEachTrainableRange(along: gradient, updatedBy: "SGD", update)
        }
        // PyTorch starts the buffer as a copy of the first gradient, not as zeros.
        let isFirst = momentumBuffer.prepare(
            count: M.parameterCount, initialValue: 0, step: step, isRequired: false, optimizer: "SGD")
        let (keep, add) = isFirst ? (Float(0), Float(1)) : (momentum, 1 - dampening)
        let (learningRate, weightDecay, momentum, nesterov) = (learningRate, weightDecay, momentum, nesterov)
        momentumBuffer.scalars.withUnsafeMutableBufferPointer { v in
            guard let velocity = v.baseAddress else { return }
            let update = SGDMomentumStep(
                learningRate: learningRate, weightDecay: weightDecay, momentum: momentum, nesterov: nesterov,
                keep: keep, add: add, velocity: velocity)
            model.forEachTrainableRange(along: gradient, updatedBy: "SGD", update)
        }
    }
}

/// One step of plain ``SGD``: `p = p - learningRate * (g + weightDecay * p)`.
private struct SGDStep: ElementwiseUpdate {
    let learningRate: Float, weightDecay: Float

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>) {
        for i in range {
            let d = g[i] + weightDecay * p[i]
            p[i] -= learningRate * d
        }
    }
}

/// One step of ``SGD`` with momentum: the velocity `v` keeps `keep` of itself and adds `add`
/// of the decayed gradient (`keep` is 0 and `add` is 1 on the first step).
private struct SGDMomentumStep: ElementwiseUpdate {
    let learningRate: Float, weightDecay: Float, momentum: Float, nesterov: Bool
    let keep: Float, add: Float
    let velocity: UnsafeMutablePointer<Float>

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>) {
        for i in range {
            let d = g[i] + weightDecay * p[i]
            let v = keep * velocity[i] + add * d
            velocity[i] = v
            p[i] -= learningRate * (nesterov ? d + momentum * v : v)
        }
    }
}

extension SGD: FollowsStateRules {
    // The momentum buffer may start late: the first update copies the gradient into it.
    var stateRules: StateRules { StateRules(kept: [momentumBuffer.name], required: []) }
}
