/// Prints the IR stages of a lowered program for `tapeless explain`.
enum StagePrinter {
    static func render(_ program: LoweredProgram, stage: Compiler.Stage) -> String {
        var sections: [String] = []
        for model in program.models {
            for function in model.functions {
                sections += forms(of: function, in: model, stage: stage)
            }
        }
        for function in program.functions {
            sections += forms(of: function, in: nil, stage: stage)
        }
        return sections.joined(separator: "\n")
    }

    private static func forms(of function: LoweredFunction, in model: LoweredModel?, stage: Compiler.Stage) -> [String] {
        let prefix = model.map { "\($0.name)." } ?? ""
        if stage == .fused {
            let forms: [(String, IRFunction?, FunctionEmitter.ResultStyle)] = [
                ("", function.body, .value), (", with gradient", function.withGradient, .valueIntoGradient),
                (", pullback", function.pullback, .pullbackIntoGradient),
            ]
            return forms.compactMap { label, body, style in
                guard let body else { return nil }
                let plan = model.map { ModelEmitter.plan(body, of: $0, style: style) } ?? Fusion.plan(body)
                return "// \(prefix)\(function.name)\(label)\n" + FusionPrinter.render(plan)
            }
        }
        var forms = ["// \(prefix)\(function.name): \(function.declaration)\n" + IRPrinter.render(function.body)]
        guard stage != .ir else { return forms }
        for (label, derived) in [("with gradient", function.withGradient), ("pullback", function.pullback)] {
            guard var derived else { continue }
            if stage == .gradient, let unsimplified = unsimplifiedForm(of: function, derived) { derived = unsimplified }
            derived.name = "\(function.name) (\(label))"
            forms.append("// \(prefix)\(function.name), \(label)\n" + IRPrinter.render(derived))
        }
        return forms
    }

    /// The derivative as reverse mode produced it, before simplification.
    private static func unsimplifiedForm(of function: LoweredFunction, _ derived: IRFunction) -> IRFunction? {
        let inputs = derived.results.compactMap { result -> DifferentiableInput? in
            if case .gradient(let input) = result.role { return input }
            return nil
        }
        let seed: ReverseMode.Seed = derived.arguments.count > function.body.arguments.count
            ? .argument(name: derived.arguments.last!.name) : .one
        return try? ReverseMode.differentiate(function.body, result: "value", withRespectTo: inputs, seed: seed)
    }
}
