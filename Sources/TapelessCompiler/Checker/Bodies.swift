/// What a function body can see while it is checked.
struct BodyContext {
    /// A `let` or `var` binding.
    struct Local {
        var type: ValueType?
        var range: SourceRange
        var isVariable = false
        var isUsed = false
    }

    /// The enclosing model, for methods.
    var model: ModelContext?
    var signature: FunctionSignature
    var locals: [String: Local] = [:]
    /// The loop indices in scope, with their loops' counts.
    var loopCounts: [String: Int] = [:]
    /// The iterations of the loops in scope, all together.
    var iterations = 1
}

extension Checker {
    /// The most iterations a loop (with the loops around it) may have: loops are unrolled when
    /// they compile, so each iteration is code.
    static let maximumIterations = 256

    /// Checks a function's statements and result against its declared return type.
    func checkBody(of signature: FunctionSignature, model: ModelContext?) {
        var context = BodyContext(model: model, signature: signature)
        var scope = BodyScope()
        for parameter in signature.decl.parameters { scope.declared[parameter.name.name] = parameter.name.range }
        checkStatements(signature.decl.body.statements, in: &context, &scope)
        let result = signature.decl.body.result
        if let bodyType = checkExpression(result, in: &context), let returnType = signature.returnType,
           bodyType != returnType {
            error("'\(signature.name)' is declared to return \(returnType) but its body has type \(bodyType)",
                  at: result.range)
        }
        scope.retire(context.locals)
        for name in scope.order where scope.retired[name]?.isUsed == false {
            warning("'\(name)' is never used; remove the binding or use it", at: scope.retired[name]!.range)
        }
    }

    private func checkStatements(_ statements: [Statement], in context: inout BodyContext, _ scope: inout BodyScope) {
        for statement in statements {
            switch statement {
            case .binding(let binding):
                let type = checkExpression(binding.value, in: &context)
                guard !binding.name.name.isEmpty, declare(binding.name, in: &scope.declared) else { continue }
                context.locals[binding.name.name] = BodyContext.Local(
                    type: type, range: binding.name.range, isVariable: binding.isVariable)
                scope.order.append(binding.name.name)
            case .assignment(let assignment):
                checkAssignment(assignment, in: &context)
            case .loop(let loop):
                checkLoop(loop, in: &context, &scope)
            }
        }
    }

    /// `name = value`: `name` must be a `var` in scope, and `value` of its type.
    private func checkAssignment(_ assignment: Assignment, in context: inout BodyContext) {
        let type = checkExpression(assignment.value, in: &context)
        let name = assignment.name.name
        guard let variable = context.locals[name] else {
            if context.loopCounts[name] != nil {
                error("the loop index '\(name)' can't be assigned; it counts the loop's iterations", at: assignment.name.range)
            } else if context.signature.parameters.contains(where: { $0.name == name }) {
                error("'\(name)' is an argument, which can't be assigned; copy it into a variable first, as in 'var \(name)2 = \(name)'",
                      at: assignment.name.range)
            } else {
                reportMisspelling("unknown variable '\(name)'", name: name, at: assignment.name.range,
                                  among: context.locals.filter(\.value.isVariable).keys.sorted(),
                                  otherwise: "declare it with 'var \(name) = …' before assigning to it")
            }
            return
        }
        guard variable.isVariable else {
            error("'\(name)' is a constant; declare it with 'var' instead of 'let' to assign new values to it",
                  at: assignment.name.range)
            return
        }
        if let type, let declared = variable.type, type != declared {
            error("cannot assign \(type) to '\(name)', a variable of type \(declared); a variable keeps the type of its first value",
                  at: assignment.value.range)
        }
    }

    /// `for i in 0..<count { body }`: the count must be a positive integer; the names the body
    /// binds exist only inside it.
    private func checkLoop(_ loop: ForLoop, in context: inout BodyContext, _ scope: inout BodyScope) {
        var count: Int?
        switch loop.count {
        case .literal(let value, let range):
            if value < 1 {
                error("a loop needs at least one iteration; write a count of 1 or more", at: range)
            } else if context.iterations * value > Self.maximumIterations {
                error("this loop runs \(context.iterations * value) times in all, counting the loops around it; loops are unrolled when they compile, up to \(Self.maximumIterations) iterations for now",
                      at: range)
            } else {
                count = value
            }
        case .symbol(let name):
            if context.signature.sizeVariables.contains(name.name) {
                error("loops over a size variable ('\(name)') are not compiled yet; write a whole number, as in 'for \(loop.index) in 0..<8'",
                      at: name.range)
            } else {
                error("a loop counts up to a whole number, as in 'for \(loop.index) in 0..<8'; '\(name)' is not one", at: name.range)
            }
        }
        let outer = context
        let isNew = !loop.index.name.isEmpty && declare(loop.index, in: &scope.declared)
        if isNew { context.loopCounts[loop.index.name] = count ?? 1 }
        context.iterations *= count ?? 1
        checkStatements(loop.body, in: &context, &scope)
        // Names bound in the body end with it; variables from before keep what the body did to them.
        scope.retire(context.locals.filter { outer.locals[$0.key] == nil })
        context.locals = context.locals.filter { outer.locals[$0.key] != nil }
        context.loopCounts = outer.loopCounts
        context.iterations = outer.iterations
    }
}

/// The names a body has declared so far, and the bindings whose scope has ended.
private struct BodyScope {
    var declared: [String: SourceRange] = [:]
    /// The bindings in the order they were declared.
    var order: [String] = []
    var retired: [String: BodyContext.Local] = [:]

    mutating func retire(_ locals: [String: BodyContext.Local]) {
        retired.merge(locals) { $1 }
    }
}

extension [Statement] {
    /// The names bound by `let`, `var` and loop indices, here and in loops, in source order.
    var boundNames: [Identifier] {
        flatMap { statement -> [Identifier] in
            switch statement {
            case .binding(let binding): return [binding.name]
            case .assignment: return []
            case .loop(let loop): return [loop.index] + loop.body.boundNames
            }
        }
    }
}
