/// The forward-mode derivative rule of every IR operation, in one table, beside
/// ``DerivativeRules`` (reverse mode). Elementwise functions use the same entries as reverse
/// mode (``UnaryDefinition/chainRule``, ``BinaryDefinition/partials``); the rules of line
/// operations and of the maximum live with their operation (`RowOperations.swift`,
/// `Reductions.swift`); the others are linear in each operand, so their tangent is the same
/// operation applied to the operand's tangent (one term per operand with a tangent for a
/// bilinear one such as a matrix product or a convolution).
///
/// A rule receives an instruction `y = op(x...)` and the tangent of each operand (`nil` where
/// it is zero), and appends IR for the tangent of `y`, or returns `nil` where it is zero.
/// Rules build IR only from operations that have both rules, so forward over reverse mode
/// (`hvp`) and derivatives of forward mode need no special cases.
enum TangentRules {
    static func pushforward(_ instruction: IRInstruction, tangents dx: [IRValue?], _ b: inout IRBuilder) -> IRValue? {
        let x = instruction.operands
        let y = instruction.result
        let type = instruction.type
        switch instruction.op {
        case .argument, .parameter, .constant, .count, .compare, .stopGradient, .iota, .argmax, .dropoutMask:
            return nil

        case .unary(let function):
            guard let rule = function.definition.chainRule, let dx0 = dx[0] else { return nil }
            return rule(dx0, x[0], y, &b)

        case .binary(let function):
            let terms = (0..<2).compactMap { index -> IRValue? in
                guard let seed = dx[index] else { return nil }
                return function.definition.partials(seed, x[0], x[1], y, [index == 0, index == 1], &b)[index]
            }
            return sum(terms, &b)

        case .select:
            guard dx[1] != nil || dx[2] != nil else { return nil }
            return b.select(x[0], dx[1] ?? b.constant(0), dx[2] ?? b.constant(0))

        case .reduceMax(let axis):
            return dx[0].map { maximumPushforward(x[0], y, axis: axis, dx: $0, &b) }

        case .logSumExp(let axis):
            return dx[0].map { logSumExpPushforward(x[0], y, axis: axis, dx: $0, &b) }

        case .softmax(let axis):
            return dx[0].map { softmaxPushforward(y, axis: axis, dx: $0, &b) }

        // Linear in their one differentiable operand (the others are indices, labels or the
        // maximum's positions).
        case .transpose, .permute, .broadcast, .sumToShape, .reduceSum, .expandAxis, .slice, .pad, .reshape:
            return dx[0].map { b.emit(instruction.op, [$0], type: type) }
        case .pickClass, .scatterClass, .gather, .scatterAdd:
            return dx[0].map { b.emit(instruction.op, [$0, x[1]], type: type) }
        case .maxPoolSelect, .maxPoolScatter:
            return dx[1].map { b.emit(instruction.op, [x[0], $0], type: type) }

        // Linear in each operand: the product rule.
        case .matmul, .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient:
            let terms = [dx[0].map { b.emit(instruction.op, [$0, x[1]], type: type) },
                         dx[1].map { b.emit(instruction.op, [x[0], $0], type: type) }]
            return sum(terms.compactMap { $0 }, &b)

        case .call(let callee):
            guard let rules = callee.rules else { callee.wasNotInlined() }
            return rules.pushforward(x, tangents: dx, &b)

        case .loop(let loop):
            return loopPushforward(instruction, loop, tangents: dx, &b)
        case .elementAt:
            return dx[0].map { b.emit(instruction.op, [$0, x[1]], type: type) }
        }
    }

    private static func sum(_ terms: [IRValue], _ b: inout IRBuilder) -> IRValue? {
        guard var total = terms.first else { return nil }
        for term in terms.dropFirst() { total = b.add(total, term) }
        return total
    }
}
