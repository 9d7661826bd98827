/// Custom derivative rules (`@vjp`, `@jvp`): a call of a function that has them stays a call
/// through the differentiation stage, carrying the function's body and its rules' bodies, so
/// that reverse and forward mode use the rules in place of the derived derivatives, at every
/// order (a rule's body is ordinary IR, differentiated like any other when a higher order is
/// asked for). The stage replaces each remaining call by the function's body at its end.

/// The bodies of a function with custom rules and of its rules, simplified.
public struct CustomRules: Hashable, Sendable {
    /// The function's own body.
    public var primal: IRFunction
    /// The reverse rule of each Float argument, by position: the function's arguments and the
    /// gradient of its result give the argument's gradient.
    public var pullbacks: [Int: IRFunction]
    /// The forward rule, if any: the function's arguments and a tangent of each Float
    /// argument give the tangent of its result.
    public var pushforward: IRFunction?

    /// The adjoint contribution of each operand of a call `y = f(x…)` whose adjoint is `g`:
    /// the reverse rule of each wanted operand, inlined.
    func pullback(_ x: [IRValue], adjoint g: IRValue, wants: [Bool], _ b: inout IRBuilder) -> [IRValue?] {
        x.indices.map { index in
            guard wants[index] else { return nil }
            guard let rule = pullbacks[index] else {
                preconditionFailure("the checker requires a reverse rule for every Float argument of '\(primal.name)'")
            }
            return Inliner.inline(rule, arguments: x + [g], into: &b)[0]
        }
    }

    /// The tangent of a call `y = f(x…)` given its operands' tangents (`nil` where zero): the
    /// forward rule, inlined, with zero tangents where the operands have none.
    func pushforward(_ x: [IRValue], tangents dx: [IRValue?], _ b: inout IRBuilder) -> IRValue? {
        guard let rule = pushforward else {
            preconditionFailure("forward mode expands calls of '\(primal.name)', which has no forward rule")
        }
        guard dx.contains(where: { $0 != nil }) else { return nil }
        let seeds = x.indices.filter { primal.arguments[$0].type.element == .float }.map { index in
            dx[index] ?? b.broadcast(b.constant(0), to: b.type(of: x[index]).shape)
        }
        return Inliner.inline(rule, arguments: x + seeds, into: &b)[0]
    }
}

extension IRFunction {
    /// Whether the function calls a function with custom rules that `condition` selects.
    private func callsCustom(where condition: (CustomRules) -> Bool) -> Bool {
        instructions.contains { instruction in
            if case .call(let callee) = instruction.op, let rules = callee.rules { condition(rules) } else { false }
        }
    }

    /// The function with each call of a function with custom rules that `condition` selects
    /// replaced by that function's body: where no derivative remains to be taken (the end of
    /// the differentiation stage), or where the needed rule is missing (forward mode without
    /// `@jvp`, which differentiates the body instead).
    func expandingCustomCalls(where condition: (CustomRules) -> Bool = { _ in true }) -> IRFunction {
        guard callsCustom(where: condition) else { return self }
        var builder = IRBuilder()
        var values: [IRValue: IRValue] = [:]
        for instruction in instructions {
            let operands = instruction.operands.map { values[$0]! }
            builder.origin = instruction.origin
            let value: IRValue
            if case .call(let callee) = instruction.op, let rules = callee.rules, condition(rules) {
                value = Inliner.inline(rules.primal.expandingCustomCalls(where: condition), arguments: operands, into: &builder)[0]
            } else {
                value = builder.emit(instruction.op, operands, type: instruction.type)
            }
            builder.name(value, instruction.name)
            values[instruction.result] = value
        }
        let results = self.results.map { IRResult(name: $0.name, value: values[$0.value]!, role: $0.role) }
        return IRFunction(name: name, arguments: arguments, instructions: builder.instructions, results: results)
    }

    /// A function of `primal`'s arguments that calls it once: what a derivative of a function
    /// with custom rules starts from, so that the rules are used.
    static func calling(_ primal: IRFunction, rules: CustomRules) -> IRFunction {
        var builder = IRBuilder()
        let arguments = primal.arguments.indices.map { builder.emit(.argument($0), type: primal.arguments[$0].type) }
        let result = primal.definitions()[primal.results[0].value]!
        let value = builder.emit(.call(IRCallee(name: primal.name, isModelFunction: false, rules: rules)), arguments, type: result.type)
        return IRFunction(
            name: primal.name, arguments: primal.arguments, instructions: builder.instructions,
            results: [IRResult(name: primal.results[0].name, value: value, role: primal.results[0].role)])
    }
}

extension LoweredFunction {
    /// The function with custom calls expanded in every form.
    func expandingCustomCalls() -> LoweredFunction {
        var function = self
        function.body = body.expandingCustomCalls()
        function.withGradient = withGradient?.expandingCustomCalls()
        function.pullback = pullback?.expandingCustomCalls()
        return function
    }
}
