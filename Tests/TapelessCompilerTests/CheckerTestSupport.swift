import TapelessCompiler

/// A parsed and checked source text, with lookups of expressions by their source text.
struct CheckedSource {
    let source: String
    let program: CheckedProgram
    /// Parse and check diagnostics together.
    let diagnostics: [Diagnostic]

    init(_ source: String) {
        self.source = source
        let parsed = parse(source: source, path: "test.tapeless")
        let checked = check(parsed.file)
        program = checked.program
        diagnostics = parsed.diagnostics + checked.diagnostics
    }

    /// `LINE:COL: severity: message` for every diagnostic.
    var messages: [String] { diagnostics.map(\.description) }

    var errors: [String] { diagnostics.filter { $0.severity == .error }.map(\.message) }

    /// The `occurrence`-th expression (in source order) whose source text is exactly `text`.
    func expression(_ text: String, occurrence: Int = 0) -> Expr? {
        let scalars = Array(source.unicodeScalars)
        let matches = allExpressions().filter { expr in
            let slice = scalars[expr.range.start.offset..<expr.range.end.offset]
            return String(String.UnicodeScalarView(slice)) == text
        }
        .sorted { ($0.range.start.offset, -$0.range.end.offset) < ($1.range.start.offset, -$1.range.end.offset) }
        return occurrence < matches.count ? matches[occurrence] : nil
    }

    /// The checked type of the expression written as `text`.
    func type(of text: String, occurrence: Int = 0) -> ValueType? {
        expression(text, occurrence: occurrence).flatMap { program.types[$0.id] }
    }

    /// The resolution of the expression written as `text`.
    func resolution(of text: String, occurrence: Int = 0) -> Resolution? {
        expression(text, occurrence: occurrence).flatMap { program.resolutions[$0.id] }
    }

    /// The builtin call the expression written as `text` resolved to.
    func builtinCall(_ text: String, occurrence: Int = 0) -> ResolvedCall? {
        guard case .builtin(let call)? = resolution(of: text, occurrence: occurrence) else { return nil }
        return call
    }

    /// The source text of an expression.
    func text(of expr: Expr) -> String {
        let scalars = Array(source.unicodeScalars)
        return String(String.UnicodeScalarView(scalars[expr.range.start.offset..<expr.range.end.offset]))
    }

    /// Value expressions that lack a type, or names, calls, operators and subscripts that lack a
    /// resolution (callee names, the layer in `fc1.weight` and option names are not values).
    func incompletelyCheckedExpressions() -> [String] {
        var missing: [String] = []
        func visit(_ expr: Expr) {
            // A tuple has the types of its values: those of its elements, or of the call's values.
            let isTuple = if case .tuple = expr.kind { true } else { program.tupleTypes[expr.id] != nil }
            if program.types[expr.id] == nil, !isTuple { missing.append("type of \(text(of: expr))") }
            switch expr.kind {
            case .number:
                break
            case .identifier:
                if program.resolutions[expr.id] == nil { missing.append("resolution of \(text(of: expr))") }
            case .member:
                if program.resolutions[expr.id] == nil { missing.append("resolution of \(text(of: expr))") }
            case .call(_, let arguments):
                if program.resolutions[expr.id] == nil { missing.append("resolution of \(text(of: expr))") }
                for argument in arguments where argument.label?.name != "approximate" { visit(argument.value) }
            case .negate(let operand), .not(let operand):
                if program.resolutions[expr.id] == nil { missing.append("resolution of \(text(of: expr))") }
                visit(operand)
            case .binary(_, let left, let right):
                if program.resolutions[expr.id] == nil { missing.append("resolution of \(text(of: expr))") }
                visit(left)
                visit(right)
            case .index(let base, _):
                if program.resolutions[expr.id] == nil { missing.append("resolution of \(text(of: expr))") }
                visit(base)
            case .tuple(let elements):
                for element in elements { visit(element.value) }
            }
        }
        for function in functionDeclarations() {
            valueExpressions(of: function.body.statements).forEach { visit($0) }
            visit(function.body.result)
        }
        return missing
    }

    private func functionDeclarations() -> [FunctionDecl] {
        program.file.declarations.flatMap { declaration -> [FunctionDecl] in
            switch declaration {
            case .model(let model):
                return model.members.compactMap { if case .function(let function) = $0 { function } else { nil } }
            case .function(let function): return [function]
            case .derivative, .constant, .record: return []
            }
        }
    }

    private func allExpressions() -> [Expr] {
        var result: [Expr] = []
        func visit(_ expr: Expr) {
            result.append(expr)
            switch expr.kind {
            case .number, .identifier: break
            case .member(let base, _): visit(base)
            case .call(let callee, let arguments):
                visit(callee)
                arguments.forEach { visit($0.value) }
            case .negate(let operand), .not(let operand): visit(operand)
            case .binary(_, let left, let right):
                visit(left)
                visit(right)
            case .index(let base, _): visit(base)
            case .tuple(let elements): elements.forEach { visit($0.value) }
            }
        }
        func visit(_ function: FunctionDecl) {
            valueExpressions(of: function.body.statements).forEach { visit($0) }
            visit(function.body.result)
        }
        functionDeclarations().forEach(visit)
        return result
    }
}

/// Shorthands for shapes in expectations.
func shape(_ dimensions: Any...) -> ValueType {
    .tensor(dimensions.map { dimension in
        if let size = dimension as? Int { return .fixed(size) }
        return .size(dimension as! String)
    })
}
