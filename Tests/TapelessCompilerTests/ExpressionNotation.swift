import TapelessCompiler

/// A compact prefix notation for expressions, so tests can state whole trees in one line:
/// `(+ a (* b c))`, `(neg x)`, `(call f x: a b)`, `(. fc1 weight)`, `(index x 0 : 1..<3)`.
func notation(_ expression: Expr) -> String {
    switch expression.kind {
    case .number(let value):
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    case .identifier(let name):
        return name.isEmpty ? "<missing>" : name
    case .member(let base, let member):
        return "(. \(notation(base)) \(member.name))"
    case .call(let callee, let arguments):
        let parts = arguments.map { ($0.label.map { "\($0.name): " } ?? "") + notation($0.value) }
        return "(call \(notation(callee))" + parts.map { " " + $0 }.joined() + ")"
    case .negate(let operand):
        return "(neg \(notation(operand)))"
    case .not(let operand):
        return "(not \(notation(operand)))"
    case .binary(let op, let left, let right):
        return "(\(op.rawValue) \(notation(left)) \(notation(right)))"
    case .index(let base, let indices):
        let parts = indices.map { index -> String in
            switch index {
            case .all: return ":"
            case .index(let value, _): return String(value)
            case .range(let lower, let upper, _): return "\(lower)..<\(upper)"
            case .strided(let lower, let upper, let step, _): return (lower.map { "\($0)..<\(upper ?? 0)" } ?? ":") + " by \(step)"
            case .position(let position): return notation(position)
            }
        }
        return "(index \(notation(base)) \(parts.joined(separator: " ")))"
    case .tuple(let elements):
        let parts = elements.map { ($0.label.map { "\($0.name): " } ?? "") + notation($0.value) }
        return "(tuple " + parts.joined(separator: " ") + ")"
    }
}

/// Every expression in a tree, parents before children.
func allExpressions(in expression: Expr) -> [Expr] {
    switch expression.kind {
    case .number, .identifier:
        return [expression]
    case .member(let base, _), .negate(let base), .not(let base), .index(let base, _):
        return [expression] + allExpressions(in: base)
    case .call(let callee, let arguments):
        return [expression] + allExpressions(in: callee) + arguments.flatMap { allExpressions(in: $0.value) }
    case .binary(_, let left, let right):
        return [expression] + allExpressions(in: left) + allExpressions(in: right)
    case .tuple(let elements):
        return [expression] + elements.flatMap { allExpressions(in: $0.value) }
    }
}

/// Every expression of a file.
func allExpressions(in file: SourceFile) -> [Expr] {
    func ofFunction(_ function: FunctionDecl) -> [Expr] {
        valueExpressions(of: function.body.statements).flatMap { allExpressions(in: $0) } + allExpressions(in: function.body.result)
    }
    return file.declarations.flatMap { declaration -> [Expr] in
        switch declaration {
        case .function(let function): return ofFunction(function)
        case .derivative, .record: return []
        case .constant(let constant): return allExpressions(in: constant.value)
        case .model(let model):
            return model.members.flatMap { member -> [Expr] in
                switch member {
                case .function(let function): return ofFunction(function)
                case .parameter(let parameter): return parameter.initializer.map(allExpressions) ?? []
                case .layer(let layer):
                    return layer.arguments.flatMap { argument -> [Expr] in
                        if case .expression(let value) = argument.value { return allExpressions(in: value) }
                        return []
                    }
                case .derivative: return []
                case .constant(let constant): return allExpressions(in: constant.value)
                }
            }
        }
    }
}

/// The values bound and assigned by statements, and the conditions of branches and `while` loops, in loops and
/// branches too, in source order.
func valueExpressions(of statements: [Statement]) -> [Expr] {
    statements.flatMap { statement -> [Expr] in
        switch statement {
        case .binding(let binding): return [binding.value]
        case .assignment(let assignment): return [assignment.value]
        case .loop(let loop): return valueExpressions(of: loop.body)
        case .whileLoop(let loop): return [loop.condition] + valueExpressions(of: loop.body)
        case .branch(let branch):
            return [branch.condition] + valueExpressions(of: branch.thenBody) + valueExpressions(of: branch.elseBody)
        case .destructuring(let destructuring): return [destructuring.value]
        }
    }
}

extension Block {
    /// The `let` and `var` bindings among the body's own statements (not in loops or branches).
    var bindings: [LetBinding] {
        statements.compactMap { if case .binding(let binding) = $0 { binding } else { nil } }
    }
}
