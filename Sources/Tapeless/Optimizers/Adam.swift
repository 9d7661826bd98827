/// Adam: gradient descent scaled by bias-corrected running estimates of the gradient's first
/// and second moments (Kingma & Ba 2015), with the update rule of `torch.optim.Adam`.
///
/// `weightDecay` is an L2 penalty added to the gradient, as in PyTorch's `Adam`; for
/// decoupled weight decay use ``AdamW``. The state keeps `exp_avg`, `exp_avg_sq` and, with
/// AMSGrad, `max_exp_avg_sq`.
public struct Adam: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// The decay rate of the running mean of gradients.
    public var beta1: Float
    /// The decay rate of the running mean of squared gradients.
    public var beta2: Float
    /// The term added to the denominator for numerical stability.
    public var epsilon: Float
    /// The L2 penalty, added to the gradient as `weightDecay * p`.
    public var weightDecay: Float
    /// Whether to divide by the running maximum of the second moment (AMSGrad, Reddi et al. 2018).
    public var amsgrad: Bool

    private var moments = AdaptiveMoments()

    /// Creates an Adam optimizer with PyTorch's hyperparameters and defaults.
    ///
    /// - Precondition: the rates are not negative and the betas lie in `[0, 1)`.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false
    ) {
        validateAdaptiveMoments(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            weightDecay: weightDecay, optimizer: "Adam")
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
        set { moments.restore(newValue, optimizer: "Adam") }
    }

    /// Updates `model`'s trainable parameters one step along `gradient`.
    public mutating func update<M: Model>(_ model: inout M, along gradient: M.Gradient) {
        let hyperparameters = AdaptiveMoments.Hyperparameters(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            gradientDecay: weightDecay, parameterDecay: 0, amsgrad: amsgrad)
        moments.update(&model, along: gradient, hyperparameters, optimizer: "Adam")
    }
}

/// Checks the hyperparameters of ``Adam`` and ``AdamW`` as PyTorch does.
func validateAdaptiveMoments(
    learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, optimizer: String
) {
    precondition(learningRate >= 0, "\(optimizer)'s learning rate must not be negative (got \(learningRate)).")
    precondition((0..<1).contains(beta1), "\(optimizer)'s beta1 must lie in [0, 1) (got \(beta1)).")
    precondition((0..<1).contains(beta2), "\(optimizer)'s beta2 must lie in [0, 1) (got \(beta2)).")
    precondition(epsilon >= 0, "\(optimizer)'s epsilon must not be negative (got \(epsilon)).")
    precondition(weightDecay >= 0, "\(optimizer)'s weight decay must not be negative (got \(weightDecay)).")
}

extension Adam: FollowsStateRules {
    var stateRules: StateRules { moments.stateRules(amsgrad: amsgrad) }
}
