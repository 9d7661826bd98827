/// Prints the stored IR stages of a compilation for `tapeless explain`.
enum StagePrinter {
    /// The IR of every function as one of the IR stages left it: the function itself, then
    /// its derived forms, if that stage has them.
    static func render(_ program: LoweredProgram) -> String {
        var sections: [String] = []
        for model in program.models {
            for function in model.functions {
                sections += forms(of: function, prefix: "\(model.name).")
            }
        }
        for function in program.functions {
            sections += forms(of: function, prefix: "")
        }
        return sections.joined(separator: "\n")
    }

    /// The fused loops and buffers of every function form, as planned for the emitter.
    static func render(_ planned: PlannedProgram) -> String {
        var sections: [String] = []
        func add(_ function: LoweredFunction, _ plans: FunctionPlans, prefix: String) {
            let forms = [("", plans.body), (", with gradient", plans.withGradient), (", pullback", plans.pullback)]
            for case let (label, plan?) in forms {
                sections.append("// \(prefix)\(function.name)\(modeLabel(function))\(label)\n" + FusionPrinter.render(plan))
            }
        }
        for (model, plans) in zip(planned.program.models, planned.modelPlans) {
            for (function, plan) in zip(model.functions, plans) { add(function, plan, prefix: "\(model.name).") }
        }
        for (function, plan) in zip(planned.program.functions, planned.functionPlans) { add(function, plan, prefix: "") }
        return sections.joined(separator: "\n")
    }

    private static func forms(of function: LoweredFunction, prefix: String) -> [String] {
        let heading = "// \(prefix)\(function.name)\(modeLabel(function)): \(function.declaration)\n"
        if let request = function.derivative, function.body.results.isEmpty {
            let arguments = request.withRespectTo.map { function.body.arguments[$0].name }.joined(separator: ", ")
            let modes = request.reverseMode.isEmpty ? ""
                : " (" + zip(request.withRespectTo, request.reverseMode).map { index, reverse in
                    "\(function.body.arguments[index].name): \(reverse ? "reverse" : "forward") mode"
                }.joined(separator: ", ") + ")"
            return [heading + "\(request.kind) of \(request.function) with respect to \(arguments)\(modes), derived by the next stage\n"]
        }
        var forms = [heading + IRPrinter.render(function.body)]
        for case (let label, var derived?) in [("with gradient", function.withGradient), ("pullback", function.pullback)] {
            derived.name = "\(function.name) (\(label))"
            forms.append("// \(prefix)\(function.name)\(modeLabel(function)), \(label)\n" + IRPrinter.render(derived))
        }
        return forms
    }

    /// ` (training)` or ` (inference)` for a function lowered once per mode.
    private static func modeLabel(_ function: LoweredFunction) -> String {
        function.mode.map { " (\($0.rawValue))" } ?? ""
    }
}
