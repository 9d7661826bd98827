/// The reverse-mode derivative rule of every IR operation, in one table. Short rules are
/// written here; the others live with everything else about their operation in `Operations/`:
/// elementwise functions in their entries (``UnaryDefinition/chainRule``,
/// ``BinaryDefinition/partials``, which serve forward mode as well); reductions and
/// broadcasts, matrix products, line operations, slices and gathers in their family's file.
///
/// A rule receives an instruction `y = op(x...)` and the adjoint `g` of `y` (the gradient of
/// the final scalar with respect to `y`), and appends IR that computes each operand's
/// contribution to its own adjoint. Contributions of elementwise operations have the
/// result's shape; ``ReverseMode`` sums them down to each operand's shape, so no rule deals
/// with broadcasting. Rules only build IR from other IR operations, which all have rules
/// too: that is why derivatives of derivatives need no special cases.
enum DerivativeRules {
    /// Appends the adjoint contributions of `instruction`'s operands; `nil` where an operand
    /// takes none (it is not wanted, not differentiable, or the derivative is zero).
    static func pullback(
        _ instruction: IRInstruction, adjoint g: IRValue, wants: [Bool], _ b: inout IRBuilder
    ) -> [IRValue?] {
        let x = instruction.operands
        let y = instruction.result
        switch instruction.op {
        case .argument, .parameter, .constant, .count, .compare, .stopGradient, .iota, .argmax, .dropoutMask:
            return x.map { _ in nil }

        case .unary(let function):
            return [function.definition.chainRule?(g, x[0], y, &b)]

        case .binary(let function):
            return function.definition.partials(g, x[0], x[1], y, wants, &b)

        case .select:
            let zero = b.constant(0)
            return [nil, b.select(x[0], g, zero), b.select(x[0], zero, g)]

        case .matmul(let transposeLeft, let transposeRight):
            return matrixProductPullback(x[0], x[1], transposeLeft: transposeLeft, transposeRight: transposeRight, g: g, wants: wants, &b)

        case .transpose:
            return [b.transpose(g)]

        case .broadcast, .sumToShape, .reduceSum, .reduceMax, .expandAxis:
            return [reductionPullback(instruction.op, x[0], y, g: g, &b)]

        case .logSumExp(let axis):
            return [logSumExpPullback(x[0], y, axis: axis, g: g, &b)]

        case .softmax(let axis):
            return [softmaxPullback(y, axis: axis, g: g, &b)]

        case .pickClass, .scatterClass:
            return [classPullback(instruction.op, g, labels: x[1], operandType: b.type(of: x[0]), &b), nil]

        case .slice(let axis, let start, _):
            return [slicePullback(g, axis: axis, start: start, operandType: b.type(of: x[0]), &b)]

        case .pad(let axis, let start):
            return [padPullback(g, axis: axis, start: start, operandType: b.type(of: x[0]), &b)]

        case .reshape:
            return [reshapePullback(g, operandType: b.type(of: x[0]), &b)]

        case .permute(let permutation):
            return [permutePullback(g, permutation, operandType: b.type(of: x[0]), &b)]

        case .gather, .scatterAdd:
            return [gatherPullback(instruction.op, g, indices: x[1], operandType: b.type(of: x[0]), &b), nil]

        case .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter:
            return convolutionPullback(instruction, g: g, wants: wants, &b)

        case .call(let callee):
            guard let rules = callee.rules else { callee.wasNotInlined() }
            return rules.pullback(x, adjoint: g, wants: wants, &b)

        case .loop(let loop):
            return loopPullback(instruction, loop, adjoint: g, wants: wants, &b)
        case .elementAt:
            preconditionFailure("a loop's reverse rule takes the adjoints of its body's element reads itself")
        }
    }
}
