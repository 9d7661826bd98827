/// Prints the stored IR stages of a compilation for `tapeless explain`.
enum StagePrinter {
    /// The IR of every function at `stage` (`.ir`, `.gradient` or `.optimized`): the function
    /// itself, then its derived forms as reverse mode produced them (`.gradient`) or simplified
    /// (`.optimized`).
    static func render(_ program: LoweredProgram, stage: Compiler.Stage) -> String {
        var sections: [String] = []
        for model in program.models {
            for function in model.functions {
                sections += forms(of: function, prefix: "\(model.name).", stage: stage)
            }
        }
        for function in program.functions {
            sections += forms(of: function, prefix: "", stage: stage)
        }
        return sections.joined(separator: "\n")
    }

    /// The fused loops and buffers of every function form, as planned for the emitter.
    static func render(_ planned: PlannedProgram) -> String {
        var sections: [String] = []
        func add(_ function: LoweredFunction, _ plans: FunctionPlans, prefix: String) {
            let forms = [("", plans.body), (", with gradient", plans.withGradient), (", pullback", plans.pullback)]
            for case let (label, plan?) in forms {
                sections.append("// \(prefix)\(function.name)\(label)\n" + FusionPrinter.render(plan))
            }
        }
        for (model, plans) in zip(planned.program.models, planned.modelPlans) {
            for (function, plan) in zip(model.functions, plans) { add(function, plan, prefix: "\(model.name).") }
        }
        for (function, plan) in zip(planned.program.functions, planned.functionPlans) { add(function, plan, prefix: "") }
        return sections.joined(separator: "\n")
    }

    private static func forms(of function: LoweredFunction, prefix: String, stage: Compiler.Stage) -> [String] {
        var forms = ["// \(prefix)\(function.name): \(function.declaration)\n" + IRPrinter.render(function.body)]
        guard stage != .ir else { return forms }
        let derivedForms = stage == .gradient
            ? [("with gradient", function.unsimplified.withGradient), ("pullback", function.unsimplified.pullback)]
            : [("with gradient", function.withGradient), ("pullback", function.pullback)]
        for case (let label, var derived?) in derivedForms {
            derived.name = "\(function.name) (\(label))"
            forms.append("// \(prefix)\(function.name), \(label)\n" + IRPrinter.render(derived))
        }
        return forms
    }
}
