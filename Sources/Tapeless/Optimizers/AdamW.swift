/// AdamW: ``Adam`` with decoupled weight decay (Loshchilov & Hutter 2019), with the update
/// rule of `torch.optim.AdamW`.
///
/// Each step first shrinks every trainable parameter by `1 - learningRate * weightDecay`,
/// then takes an Adam step on the plain gradient. The state keeps `exp_avg`, `exp_avg_sq`
/// and, with AMSGrad, `max_exp_avg_sq`.
public struct AdamW: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// The decay rate of the running mean of gradients.
    public var beta1: Float
    /// The decay rate of the running mean of squared gradients.
    public var beta2: Float
    /// The term added to the denominator for numerical stability.
    public var epsilon: Float
    /// The decoupled weight decay: each step multiplies parameters by `1 - learningRate * weightDecay`.
    public var weightDecay: Float
    /// Whether to divide by the running maximum of the second moment (AMSGrad, Reddi et al. 2018).
    public var amsgrad: Bool

    private var moments = AdaptiveMoments()

    /// Creates an AdamW optimizer with PyTorch's hyperparameters and defaults.
    ///
    /// - Precondition: the rates are not negative and the betas lie in `[0, 1)`.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 1e-2, amsgrad: Bool = false
    ) {
        validateAdaptiveMoments(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            weightDecay: weightDecay, optimizer: "AdamW")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
    }

    /// The step count and the moment buffers.
    public var state: OptimizerState {
        get { moments.state() }
        set { moments.restore(newValue, optimizer: "AdamW") }
    }

    /// Updates `model`'s trainable parameters one step along `gradient`.
    public mutating func update<M: Model>(_ model: inout M, along gradient: M.Gradient) {
        let hyperparameters = AdaptiveMoments.Hyperparameters(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            gradientDecay: 0, parameterDecay: weightDecay, amsgrad: amsgrad)
        moments.update(&model, along: gradient, hyperparameters, optimizer: "AdamW")
    }
}

extension AdamW: FollowsStateRules {
    var stateRules: StateRules { moments.stateRules(amsgrad: amsgrad) }
}
