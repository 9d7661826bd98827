/// Prints the checking stage's result for `tapeless explain --stage checked`: each model's
/// parameters, layers, functions and derivatives, then the top-level functions and
/// derivatives, with the type and shape of every binding, so a user sees the shapes the
/// checker inferred (size variables included) before anything is lowered.
///
/// ```
/// model Classifier                                  // line 1
///   param fc1.weight: [784, 128]                    // line 2
///   param fc1.bias: [128]                           // line 2
///   layer fc1: Dense(784 -> 128)                    // line 2
///   func loss(x: [batch, 784], labels: Int[batch]) -> Float   sizes: batch  // line 4
///     let h: [batch, 128]                           // line 5
/// ```
enum CheckedPrinter {
    static func render(_ program: CheckedProgram) -> String {
        var printer = CodePrinter(indentUnit: "  ")
        for model in program.models {
            printer.line("model \(model.name)".padded(to: 50) + "// line \(model.range.start.line)")
            printer.indent()
            for parameter in model.parameters {
                let frozen = (parameter.isFrozen ? " frozen" : "") + (parameter.isState ? " state" : "")
                printer.line("param \(parameter.name): \(parameter.type)\(frozen)".padded(to: 48) + "// line \(parameter.range.start.line)")
            }
            for layer in model.layers {
                let frozen = layer.isFrozen ? " frozen" : ""
                printer.line("layer \(layer.name): \(layer.kind.description)\(frozen)".padded(to: 48) + "// line \(layer.range.start.line)")
            }
            for function in model.functions { render(function, program, &printer) }
            for derivative in model.derivatives { render(derivative, &printer) }
            printer.outdent()
        }
        for function in program.functions { render(function, program, &printer) }
        for derivative in program.derivatives { render(derivative, &printer) }
        return printer.text
    }

    private static func render(_ function: CheckedFunction, _ program: CheckedProgram, _ printer: inout CodePrinter) {
        let arguments = function.parameters.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        let sizes = function.sizeVariables.isEmpty ? "" : "   sizes: " + function.sizeVariables.joined(separator: ", ")
        let rule = function.decl.rule.map { rule in
            rule.withRespectTo.map { "   reverse rule of \(rule.function) for \($0)" } ?? "   forward rule of \(rule.function)"
        } ?? ""
        let returned = function.returnType.map(\.description)
            ?? "(" + function.results.map { "\($0.name): \($0.type)" }.joined(separator: ", ") + ")"
        printer.line("func \(function.name)(\(arguments)) -> \(returned)\(sizes)\(rule)".padded(to: 48)
            + "// line \(function.decl.range.start.line)")
        printer.indent()
        render(function.decl.body.statements, program, &printer)
        printer.outdent()
    }

    private static func render(_ statements: [Statement], _ program: CheckedProgram, _ printer: inout CodePrinter) {
        for statement in statements {
            switch statement {
            case .binding(let binding):
                let type = program.types[binding.value.id].map(\.description) ?? "?"
                printer.line("\(binding.isVariable ? "var" : "let") \(binding.name.name): \(type)".padded(to: 46)
                    + "// line \(binding.range.start.line)")
            case .assignment(let assignment):
                let type = program.types[assignment.value.id].map(\.description) ?? "?"
                printer.line("\(assignment.name.name) = \(type)".padded(to: 46) + "// line \(assignment.range.start.line)")
            case .loop(let loop):
                let count = switch loop.count {
                case .literal(let value, _): String(value)
                case .symbol(let name): name.name
                }
                let checkpoints = program.checkpointIntervals[loop.range.start].map { ", checkpoint every \($0)" } ?? ""
                printer.line("for \(loop.index.name) in 0..<\(count)\(checkpoints)".padded(to: 46) + "// line \(loop.range.start.line)")
                printer.indent()
                render(loop.body, program, &printer)
                printer.outdent()
            case .whileLoop(let loop):
                let bound = program.loopCounts[loop.range.start].map(String.init) ?? "?"
                let condition = program.types[loop.condition.id].map(\.description) ?? "?"
                let checkpoints = program.checkpointIntervals[loop.range.start].map { ", checkpoint every \($0)" } ?? ""
                printer.line("while \(condition), at most \(bound) times\(checkpoints)".padded(to: 46) + "// line \(loop.range.start.line)")
                printer.indent()
                render(loop.body, program, &printer)
                printer.outdent()
            case .branch(let branch):
                let condition = program.types[branch.condition.id].map(\.description) ?? "?"
                printer.line("if \(condition)".padded(to: 46) + "// line \(branch.range.start.line)")
                printer.indent()
                render(branch.thenBody, program, &printer)
                printer.outdent()
                if !branch.elseBody.isEmpty {
                    printer.line("else")
                    printer.indent()
                    render(branch.elseBody, program, &printer)
                    printer.outdent()
                }
            case .destructuring(let destructuring):
                let keyword = switch destructuring.kind {
                case .constants: "let "
                case .variables: "var "
                case .assignment: ""
                }
                let value = destructuring.value
                let types = program.tupleTypes[value.id] ?? {
                    guard case .tuple(let elements) = value.kind else { return [] }
                    return elements.compactMap { program.types[$0.value.id] }
                }()
                let names = zip(destructuring.names, types).map { "\($0.name): \($1)" }.joined(separator: ", ")
                printer.line("\(keyword)(\(names))".padded(to: 46) + "// line \(destructuring.range.start.line)")
            }
        }
    }

    private static func render(_ derivative: CheckedDerivative, _ printer: inout CodePrinter) {
        let arguments = derivative.withRespectTo.map { derivative.parameters[$0].name }.joined(separator: ", ")
        let results = derivative.results.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        let order = derivative.order == 1 ? "" : ", order \(derivative.order)"
        printer.line(
            "\(derivative.kind) \(derivative.name) of \(derivative.function) with respect to \(arguments) -> (\(results))\(order)"
                .padded(to: 48) + "// line \(derivative.range.start.line)")
    }
}

extension String {
    /// The string followed by spaces up to `width` characters, and at least two.
    fileprivate func padded(to width: Int) -> String {
        self + String(repeating: " ", count: Swift.max(width - count, 2))
    }
}
