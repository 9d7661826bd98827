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
        let (learningRate, weightDecay, momentum) = (learningRate, weightDecay, momentum)
        defer { step += 1 }
        guard momentum != 0 else {
            model.forEachTrainableRange(along: gradient, updatedBy: "SGD") { p, g, range in
                for i in range {
                    let d = g[i] + weightDecay * p[i]
                    p[i] -= learningRate * d
                }
            }
            return
        }
        // PyTorch starts the buffer as a copy of the first gradient, not as zeros.
        let isFirst = momentumBuffer.prepare(
            count: M.parameterCount, initialValue: 0, step: step, isRequired: false, optimizer: "SGD")
        let (keep, add) = isFirst ? (Float(0), Float(1)) : (momentum, 1 - dampening)
        let nesterov = nesterov
        momentumBuffer.scalars.withUnsafeMutableBufferPointer { v in
            guard let v = v.baseAddress else { return }
            model.forEachTrainableRange(along: gradient, updatedBy: "SGD") { p, g, range in
                for i in range {
                    let d = g[i] + weightDecay * p[i]
                    let velocity = keep * v[i] + add * d
                    v[i] = velocity
                    p[i] -= learningRate * (nesterov ? d + momentum * velocity : velocity)
                }
            }
        }
    }
}
