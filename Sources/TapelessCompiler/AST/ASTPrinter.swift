/// Renders a syntax tree as an indented outline with source positions, for
/// `tapeless explain --stage ast`.
public enum ASTPrinter {
    /// The outline of `file`: one line per declaration, member and binding, indented by nesting,
    /// with the position where each declaration starts.
    public static func render(_ file: SourceFile) -> String {
        var printer = CodePrinter(indentUnit: "  ")
        printer.line("file \(file.path)")
        printer.indent()
        for declaration in file.declarations {
            switch declaration {
            case .model(let model):
                printer.block("model \(model.name) @\(model.range.start)", closing: "") { p in
                    for member in model.members { render(member, &p) }
                }
            case .function(let function):
                render(function, &printer)
            case .derivative(let derivative):
                render(derivative, &printer)
            case .constant(let constant):
                render(constant, &printer)
            case .record(let record):
                printer.block("struct \(record.name) @\(record.range.start)", closing: "") { p in
                    for field in record.fields { p.line("var \(field.name): \(type(field.type))") }
                }
            }
        }
        return printer.text
    }

    private static func render(_ member: ModelMember, _ printer: inout CodePrinter) {
        switch member {
        case .parameter(let parameter):
            let initializer = parameter.initializer.map { " = " + expression($0) } ?? ""
            printer.line("\(parameter.isFrozen ? "frozen " : "")param \(parameter.name): \(type(parameter.type))\(initializer) @\(parameter.range.start)")
        case .layer(let layer):
            let arguments = layer.arguments.map { argument in
                let label = argument.label.map { "\($0): " } ?? ""
                switch argument.value {
                case .sizes(let input, let output): return label + "\(dimension(input)) -> \(dimension(output))"
                case .expression(let value): return label + expression(value)
                }
            }
            printer.line("\(layer.isFrozen ? "frozen " : "")layer \(layer.name) = \(layer.kind)(\(arguments.joined(separator: ", "))) @\(layer.range.start)")
        case .function(let function):
            render(function, &printer)
        case .derivative(let derivative):
            render(derivative, &printer)
        case .constant(let constant):
            render(constant, &printer)
        }
    }

    private static func render(_ constant: ConstantDecl, _ printer: inout CodePrinter) {
        let declared = constant.type.map { ": " + type($0) } ?? ""
        printer.line("let \(constant.name)\(declared) = \(expression(constant.value)) @\(constant.range.start)")
    }

    private static func render(_ derivative: DerivativeDecl, _ printer: inout CodePrinter) {
        let wrt = derivative.withRespectTo.isEmpty ? "" : ", wrt: " + derivative.withRespectTo.map(\.name).joined(separator: ", ")
        printer.line("let \(derivative.name) = \(derivative.kind)(\(derivative.function)\(wrt)) @\(derivative.range.start)")
    }

    private static func render(_ function: FunctionDecl, _ printer: inout CodePrinter) {
        let parameters = function.parameters.map { "\($0.name): \(type($0.type))" }.joined(separator: ", ")
        if let rule = function.rule {
            printer.line("@\(rule.kind.rawValue)(of: \(rule.function)\(rule.withRespectTo.map { ", wrt: \($0)" } ?? ""))")
        }
        printer.block("func \(function.name)(\(parameters)) -> \(returnType(function.returnType)) @\(function.range.start)", closing: "") { p in
            render(function.body.statements, &p)
            p.line("result \(expression(function.body.result))")
        }
    }

    private static func render(_ statements: [Statement], _ printer: inout CodePrinter) {
        for statement in statements {
            switch statement {
            case .binding(let binding):
                printer.line("\(binding.isVariable ? "var" : "let") \(binding.name) = \(expression(binding.value))")
            case .assignment(let assignment):
                printer.line("\(assignment.name) = \(expression(assignment.value))")
            case .loop(let loop):
                let checkpoints = loop.checkpointInterval.map { ", checkpointEvery: \(dimension($0))" } ?? ""
                printer.block("for \(loop.index) in 0..<\(dimension(loop.count))\(checkpoints) @\(loop.range.start)", closing: "") { p in
                    render(loop.body, &p)
                }
            case .whileLoop(let loop):
                let bound = "maxIterations: \(dimension(loop.maxIterations))"
                    + (loop.checkpointInterval.map { ", checkpointEvery: \(dimension($0))" } ?? "")
                printer.block("while \(expression(loop.condition)), \(bound) @\(loop.range.start)", closing: "") { p in
                    render(loop.body, &p)
                }
            case .branch(let branch):
                printer.block("if \(expression(branch.condition)) @\(branch.range.start)", closing: "") { p in
                    render(branch.thenBody, &p)
                }
                if !branch.elseBody.isEmpty {
                    printer.block("else", closing: "") { p in render(branch.elseBody, &p) }
                }
            case .destructuring(let destructuring):
                let keyword = switch destructuring.kind {
                case .constants: "let "
                case .variables: "var "
                case .assignment: ""
                }
                let names = destructuring.names.map(\.name).joined(separator: ", ")
                printer.line("\(keyword)(\(names)) = \(expression(destructuring.value))")
            }
        }
    }

    private static func returnType(_ returnType: ReturnType) -> String {
        guard returnType.isTuple else { return type(returnType.elements[0].type) }
        let elements = returnType.elements.map { element in (element.label.map { "\($0.name): " } ?? "") + type(element.type) }
        return "(" + elements.joined(separator: ", ") + ")"
    }

    private static func type(_ type: TypeExpr) -> String {
        if case .named(let name) = type.element { return name }
        let element = type.element == .int ? "Int" : ""
        if type.dimensions.isEmpty { return element.isEmpty ? "Float" : element }
        return element + "[" + type.dimensions.map(dimension).joined(separator: ", ") + "]"
    }

    private static func dimension(_ dimension: DimExpr) -> String {
        switch dimension {
        case .literal(let value, _): return String(value)
        case .symbol(let name): return name.name
        }
    }

    private static func argument(_ argument: Argument) -> String {
        (argument.label.map { "\($0.name): " } ?? "") + expression(argument.value)
    }

    /// An expression fully parenthesized, so precedence is visible.
    static func expression(_ expression: Expr) -> String {
        switch expression.kind {
        case .number(let value): return IRPrinter.format(value)
        case .identifier(let name): return name
        case .member(let base, let member): return "\(self.expression(base)).\(member.name)"
        case .call(let callee, let arguments):
            return "\(self.expression(callee))(" + arguments.map(argument).joined(separator: ", ") + ")"
        case .negate(let operand): return "(-\(self.expression(operand)))"
        case .not(let operand): return "(!\(self.expression(operand)))"
        case .binary(let op, let left, let right):
            return "(\(self.expression(left)) \(op.rawValue) \(self.expression(right)))"
        case .index(let base, let indices):
            let parts = indices.map { index -> String in
                switch index {
                case .all: return ":"
                case .index(let value, _): return String(value)
                case .range(let start, let end, _): return "\(start)..<\(end)"
                case .strided(let start, let end, let step, _):
                    return (start.map { "\($0)..<\(end ?? 0)" } ?? ":") + " by \(step)"
                case .position(let position): return self.expression(position)
                }
            }
            return "\(self.expression(base))[" + parts.joined(separator: ", ") + "]"
        case .tuple(let elements):
            return "(" + elements.map(argument).joined(separator: ", ") + ")"
        }
    }
}
