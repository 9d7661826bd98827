/// An optimizer's state: a step count and named buffers laid out like the model's parameters.
///
/// Checkpoints store it beside the parameters (as `optimizer.<buffer name>` entries), so
/// training resumes exactly where it stopped.
public struct OptimizerState: Sendable, Equatable {
    /// The number of updates taken so far.
    public var step: Int
    /// Per-parameter buffers (for example Adam's `exp_avg` and `exp_avg_sq`), each as long as
    /// the model's flat parameter buffer.
    public var buffers: [String: [Float]]

    /// Creates a state.
    public init(step: Int = 0, buffers: [String: [Float]] = [:]) {
        self.step = step
        self.buffers = buffers
    }
}

/// An algorithm that updates a model's trainable parameters from a gradient.
///
/// Update rules and hyperparameter names follow `torch.optim`. One call updates the whole
/// model in one pass over its flat parameter buffer; frozen parameters are left alone. The
/// built-in optimizers split the pass across up to `Kernels.maximumThreadCount` threads for
/// models with 65,536 trainable scalars or more, with results bit-identical to one thread.
public protocol Optimizer {
    /// The step size used by the next update; schedules change it between updates.
    var learningRate: Float { get set }
    /// Everything the optimizer remembers between updates.
    var state: OptimizerState { get set }
    /// Updates `model`'s trainable parameters one step along `gradient`.
    mutating func update<M: Model>(_ model: inout M, along gradient: M.Gradient)
}
