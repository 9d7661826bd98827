/// The planning stage's result: a lowered program with the fusion plan of every form of every
/// function, made once. The emitter renders these plans and `tapeless explain --stage fused`
/// prints them, so both show the same loops and buffers.
public struct PlannedProgram: Sendable {
    /// The program the plans are for.
    public var program: LoweredProgram
    /// Each model's plans, in the order of ``LoweredProgram/models``, each in the order of the
    /// model's functions.
    public var modelPlans: [[FunctionPlans]]
    /// The plans of the top-level functions, in the order of ``LoweredProgram/functions``.
    public var functionPlans: [FunctionPlans]

    /// Plans every function form of `program`.
    public init(_ program: LoweredProgram) {
        self.program = program
        modelPlans = program.models.map { model in model.functions.map { FunctionPlans($0, in: model) } }
        functionPlans = program.functions.map { FunctionPlans($0, in: nil) }
    }
}

/// The fusion plans of one function's forms (see ``LoweredFunction``).
public struct FunctionPlans: Sendable {
    /// The function itself.
    public var body: FusionPlan
    /// Its value and parameter gradients, for a scalar model function.
    public var withGradient: FusionPlan?
    /// Its pullback, for a model's forward function.
    public var pullback: FusionPlan?

    /// Plans `function`'s forms; `model` places parameter gradients in its gradient buffer.
    init(_ function: LoweredFunction, in model: LoweredModel?) {
        let bodyWritesGradient = if case .value = SwiftTypes.results(of: function.body).style { false } else { true }
        body = Self.plan(function.body, in: model, writesGradient: bodyWritesGradient, seedAfterOutput: false)
        withGradient = function.withGradient.map { Self.plan($0, in: model, writesGradient: true, seedAfterOutput: false) }
        pullback = function.pullback.map { Self.plan($0, in: model, writesGradient: true, seedAfterOutput: true) }
    }

    /// The plan of one form: gradients of a model's parameters go straight into the caller's
    /// gradient buffer, and a pullback's seed (its last argument) is read after the output
    /// exists, since the caller computes it from the output.
    private static func plan(
        _ function: IRFunction, in model: LoweredModel?, writesGradient: Bool, seedAfterOutput: Bool
    ) -> FusionPlan {
        guard let model else { return Fusion.plan(function) }
        var orderAfter: [IRValue: IRValue] = [:]
        if seedAfterOutput, let output = function.results.first(where: { $0.role == .value }),
           let seed = function.instructions.first(where: { $0.op == .argument(function.arguments.count - 1) }) {
            orderAfter[seed.result] = output.value
        }
        return Fusion.plan(function, gradientOffsets: writesGradient ? model.offsets.mapValues(\.offset) : [:], orderAfter: orderAfter)
    }
}
