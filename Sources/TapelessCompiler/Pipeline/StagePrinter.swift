/// Prints the IR stages of a lowered program for `tapeless explain`.
enum StagePrinter {
    static func render(_ program: LoweredProgram, stage: Compiler.Stage) -> String {
        var sections: [String] = []
        for model in program.models {
            for function in model.functions {
                sections += forms(of: function, in: model.name, stage: stage)
            }
        }
        for function in program.functions {
            sections += forms(of: function, in: nil, stage: stage)
        }
        return sections.joined(separator: "\n")
    }

    private static func forms(of function: LoweredFunction, in model: String?, stage: Compiler.Stage) -> [String] {
        let prefix = model.map { "\($0)." } ?? ""
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
