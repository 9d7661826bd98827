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

    /// The most iterations of a loop that runs as a loop: its reverse pass stores a few
    /// scalars per iteration.
    static let maximumRolledCount = 1 << 24

    /// The error for a loop that would run more than ``maximumRolledCount`` times.
    static let rolledLimitMessage =
        "a loop runs at most \(maximumRolledCount) times, since its reverse pass stores values for every iteration; run fewer steps per call"

    /// The error for a loop that must be unrolled and would run `total` times in all.
    static func unrollLimitMessage(_ total: Int) -> String {
        "this loop runs \(total) times in all, counting the loops around it; a loop whose body holds tensors or other loops is unrolled when it compiles, up to \(maximumIterations) iterations, while one that computes only scalars (reading tensors one element at a time, as in 'x[i]') runs as a loop at any count"
    }

    /// Checks a function's statements and result against its declared return type.
    func checkBody(of signature: FunctionSignature, model: ModelContext?) {
        var context = BodyContext(model: model, signature: signature)
        var scope = BodyScope()
        for parameter in signature.decl.parameters { scope.declared[parameter.name.name] = parameter.name.range }
        checkStatements(signature.decl.body.statements, in: &context, &scope)
        let result = signature.decl.body.result
        if signature.decl.returnType.isTuple, signature.results.count > 1 {
            checkTupleResult(result, of: signature, in: &context)
        } else if let bodyType = checkExpression(result, in: &context), let returnType = signature.returnType,
           bodyType != returnType {
            error("'\(signature.name)' is declared to return \(returnType) but its body has type \(bodyType)",
                  at: result.range)
        }
        scope.retire(context.locals)
        for (name, local) in scope.retired.sorted(by: { $0.local.range.start < $1.local.range.start }) where !local.isUsed {
            warning("'\(name)' is never used; remove the binding or use it", at: local.range)
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
            case .assignment(let assignment):
                checkAssignment(assignment, in: &context)
            case .loop(let loop):
                checkLoop(loop, in: &context, &scope)
            case .branch(let branch):
                checkBranch(branch, in: &context, &scope)
            case .whileLoop(let loop):
                checkWhile(loop, in: &context, &scope)
            case .destructuring(let destructuring):
                checkDestructuring(destructuring, in: &context, declared: &scope.declared)
            }
        }
    }

    /// Statements in a scope of their own: the names they bind end with them (and may be bound
    /// again after them, as in Swift); variables from before keep what the statements did to them.
    private func checkNested(_ statements: [Statement], in context: inout BodyContext, _ scope: inout BodyScope) {
        let outer = context
        let declaredBefore = scope.declared
        checkStatements(statements, in: &context, &scope)
        scope.retire(context.locals.filter { outer.locals[$0.key] == nil })
        context.locals = context.locals.filter { outer.locals[$0.key] != nil }
        scope.declared = declaredBefore
    }

    /// `if condition { … } else { … }`: the condition is one Bool; each side is a scope.
    private func checkBranch(_ branch: Branch, in context: inout BodyContext, _ scope: inout BodyScope) {
        checkCondition(branch.condition, of: "if", in: &context)
        checkNested(branch.thenBody, in: &context, &scope)
        checkNested(branch.elseBody, in: &context, &scope)
    }

    /// The condition of `if` or `while` (`keyword`): one Bool. Whether it is one (after
    /// reporting why not).
    @discardableResult
    private func checkCondition(_ condition: Expr, of keyword: String, in context: inout BodyContext) -> Bool {
        guard let type = checkExpression(condition, in: &context) else { return false }
        if type.element != .bool {
            error("the condition of '\(keyword)' is a comparison such as 'e > 0', not a value of type \(type)", at: condition.range)
        } else if !type.shape.isEmpty {
            let perElement = keyword == "if" ? "; for a choice per element write 'where(condition, a, b)'" : ""
            error("the condition of '\(keyword)' must be one Bool, not \(type)\(perElement)", at: condition.range)
        } else {
            return true
        }
        return false
    }

    /// `name = value`: `name` must be a `var` in scope, and `value` of its type.
    private func checkAssignment(_ assignment: Assignment, in context: inout BodyContext) {
        let type = checkExpression(assignment.value, in: &context)
        checkAssignment(to: assignment.name, type: type, valueRange: assignment.value.range, in: &context)
    }

    /// A new value of `type` (`nil` after an error) for the variable `identifier`, written at
    /// `valueRange`.
    func checkAssignment(to identifier: Identifier, type: ValueType?, valueRange: SourceRange, in context: inout BodyContext) {
        let name = identifier.name
        guard let variable = context.locals[name] else {
            if context.loopCounts[name] != nil {
                error("the loop index '\(name)' can't be assigned; it counts the loop's iterations", at: identifier.range)
            } else if context.signature.parameters.contains(where: { $0.name == name }) {
                error("'\(name)' is an argument, which can't be assigned; copy it into a variable first, as in 'var \(name)2 = \(name)'",
                      at: identifier.range)
            } else {
                reportMisspelling("unknown variable '\(name)'", name: name, at: identifier.range,
                                  among: context.locals.filter(\.value.isVariable).keys.sorted(),
                                  otherwise: "declare it with 'var \(name) = …' before assigning to it")
            }
            return
        }
        guard variable.isVariable else {
            error("'\(name)' is a constant; declare it with 'var' instead of 'let' to assign new values to it",
                  at: identifier.range)
            return
        }
        if let type, let declared = variable.type, type != declared {
            error("cannot assign \(type) to '\(name)', a variable of type \(declared); a variable keeps the type of its first value",
                  at: valueRange)
        }
    }

    /// `for i in 0..<count { body }`: the count must be a positive integer; the names the body
    /// binds exist only inside it.
    private func checkLoop(_ loop: ForLoop, in context: inout BodyContext, _ scope: inout BodyScope) {
        var count: Int?
        // A loop too long to unroll is an error only if it can't run as a loop, which is known
        // once its body is checked; one with loops inside never can.
        var tooLongToUnroll: (total: Int, range: SourceRange)?
        func accept(_ value: Int, at range: SourceRange) {
            if value < 1 {
                error("a loop needs at least one iteration; write a count of 1 or more", at: range)
            } else if context.iterations * value > Self.maximumIterations, loop.body.containsLoop {
                error(Self.unrollLimitMessage(context.iterations * value), at: range)
            } else if value > Self.maximumRolledCount {
                error(Self.rolledLimitMessage, at: range)
            } else {
                count = value
                loopCounts[loop.range.start] = value
                if context.iterations * value > Self.maximumIterations { tooLongToUnroll = (context.iterations * value, range) }
            }
        }
        if let (value, range) = wholeNumber(loop.count, in: context, example: "for \(loop.index) in 0..<8") {
            accept(value, at: range)
        }
        let outer = context
        let isNew = !loop.index.name.isEmpty && declare(loop.index, in: &scope.declared)
        if isNew { context.loopCounts[loop.index.name] = count ?? 1 }
        context.iterations *= count ?? 1
        checkNested(loop.body, in: &context, &scope)
        if let count { checkCheckpointInterval(loop.checkpointInterval, count: count, at: loop.range.start, in: context) }
        if count != nil, computesScalars(loop.body) {
            rolledLoops.insert(loop.range.start)
        } else if let tooLongToUnroll {
            error(Self.unrollLimitMessage(tooLongToUnroll.total), at: tooLongToUnroll.range)
        }
        if isNew { scope.declared[loop.index.name] = nil }
        context.loopCounts = outer.loopCounts
        context.iterations = outer.iterations
    }
}

extension Checker {
    /// `while condition, maxIterations: n { body }`: the condition is one Bool, the bound a
    /// whole number; the loop runs as a loop, so its condition and body compute only scalars.
    private func checkWhile(_ loop: WhileLoop, in context: inout BodyContext, _ scope: inout BodyScope) {
        let conditionIsValid = checkCondition(loop.condition, of: "while", in: &context)
        var bound: Int?
        if let (value, range) = wholeNumber(loop.maxIterations, in: context, example: "maxIterations: 100") {
            if value < 1 {
                error("a 'while' loop's bound is at least 1 iteration", at: range)
            } else if value > Self.maximumRolledCount {
                error(Self.rolledLimitMessage, at: range)
            } else {
                bound = value
            }
        }
        checkNested(loop.body, in: &context, &scope)
        guard conditionIsValid else { return }
        if !computesScalar(loop.condition) {
            error("a 'while' loop's condition compares scalars, as in 'abs(step) > 1e-6'", at: loop.condition.range)
        } else if let statement = loop.body.first(where: { !computesScalars([$0]) }) {
            error("a 'while' loop's body computes only scalars (reading tensors one element at a time, as in 'x[3]'), "
                  + "and holds no other loop; compute tensors before or after the loop", at: statement.range)
        } else if let bound {
            loopCounts[loop.range.start] = bound
            checkCheckpointInterval(loop.checkpointInterval, count: bound, at: loop.range.start, in: context)
            if localsRead(by: loop.condition).isDisjoint(with: loop.body.assignedNames) {
                warning("the condition reads no variable the loop assigns, so it never changes: the loop either doesn't run "
                        + "or runs until its maxIterations stops the program; assign a variable the condition reads", at: loop.condition.range)
            }
        }
    }

    /// The names of the local variables `expression` reads.
    private func localsRead(by expression: Expr) -> Set<String> {
        var names: Set<String> = []
        if case .local(let name) = resolutions[expression.id] { names.insert(name) }
        switch expression.kind {
        case .number, .identifier: break
        case .member(let base, _), .negate(let base), .not(let base), .index(let base, _): names.formUnion(localsRead(by: base))
        case .call(let callee, let arguments):
            names.formUnion(localsRead(by: callee))
            for argument in arguments { names.formUnion(localsRead(by: argument.value)) }
        case .binary(_, let left, let right): names.formUnion(localsRead(by: left).union(localsRead(by: right)))
        case .tuple(let elements): for element in elements { names.formUnion(localsRead(by: element.value)) }
        }
        return names
    }

    /// The value of a loop's count or bound: a whole number or a named constant; `nil` after
    /// reporting anything else. `example` shows how to write one.
    /// `checkpointEvery: k` of a loop that runs `count` times (at most): a whole number from 1,
    /// recorded as at most `count`.
    private func checkCheckpointInterval(_ written: DimExpr?, count: Int, at start: SourceLocation, in context: BodyContext) {
        guard let written, let (value, range) = wholeNumber(written, in: context, example: "checkpointEvery: 32", rule: "'checkpointEvery:' takes a whole number")
        else { return }
        guard value >= 1 else {
            error("'checkpointEvery:' keeps the state of every k-th iteration, so k is at least 1, as in 'checkpointEvery: 32'", at: range)
            return
        }
        checkpointIntervals[start] = min(value, count)
    }

    private func wholeNumber(
        _ written: DimExpr, in context: BodyContext, example: String, rule: String = "a loop counts up to a whole number"
    ) -> (Int, SourceRange)? {
        switch written {
        case .literal(let value, let range):
            return (value, range)
        case .symbol(let name):
            if let constant = constant(named: name.name, in: context) {
                if constant == constant.rounded(), abs(constant) < 1e9 { return (Int(constant), name.range) }
                error("\(rule); the constant '\(name)' is \(constant)", at: name.range)
            } else if invalidConstants.contains(name.name) {
                // The constant's own error was reported.
            } else if context.signature.sizeVariables.contains(name.name) {
                error("loops over a size variable ('\(name)') are not compiled yet; write a whole number, as in '\(example)'",
                      at: name.range)
            } else {
                error("\(rule), as in '\(example)'; '\(name)' is not one", at: name.range)
            }
            return nil
        }
    }
}

/// The names in scope where a body is being checked, and the bindings whose scope has ended.
private struct BodyScope {
    var declared: [String: SourceRange] = [:]
    var retired: [(name: String, local: BodyContext.Local)] = []

    mutating func retire(_ locals: [String: BodyContext.Local]) {
        retired += locals.map { (name: $0.key, local: $0.value) }
    }
}

extension [Statement] {
    /// The names bound by `let`, `var` and loop indices, here and in loops and branches, in
    /// source order.
    var boundNames: [Identifier] {
        flatMap { statement -> [Identifier] in
            switch statement {
            case .binding(let binding): return [binding.name]
            case .assignment: return []
            case .loop(let loop): return [loop.index] + loop.body.boundNames
            case .whileLoop(let loop): return loop.body.boundNames
            case .branch(let branch): return branch.thenBody.boundNames + branch.elseBody.boundNames
            case .destructuring(let destructuring): return destructuring.kind == .assignment ? [] : destructuring.boundNames
            }
        }
    }

    /// Whether a loop is among the statements, or inside their loops and branches.
    var containsLoop: Bool {
        contains { statement in
            switch statement {
            case .binding, .assignment, .destructuring: return false
            case .loop, .whileLoop: return true
            case .branch(let branch): return branch.thenBody.containsLoop || branch.elseBody.containsLoop
            }
        }
    }

    /// `loop` or `branch`: the innermost construct whose body binds `name`, if any.
    func construct(binding name: String) -> String? {
        for statement in self {
            switch statement {
            case .binding, .assignment, .destructuring:
                continue
            case .loop(let loop):
                if let inner = loop.body.construct(binding: name) { return inner }
                if loop.index.name == name || loop.body.boundNames.contains(where: { $0.name == name }) { return "loop" }
            case .whileLoop(let loop):
                if let inner = loop.body.construct(binding: name) { return inner }
                if loop.body.boundNames.contains(where: { $0.name == name }) { return "loop" }
            case .branch(let branch):
                for side in [branch.thenBody, branch.elseBody] {
                    if let inner = side.construct(binding: name) { return inner }
                    if side.boundNames.contains(where: { $0.name == name }) { return "branch" }
                }
            }
        }
        return nil
    }
}
