/// The reverse-mode derivative rule of every IR operation, in one table; elementwise functions
/// take theirs from their entries (``UnaryDefinition/chainRule``, ``BinaryDefinition/partials``),
/// which serve forward mode as well.
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
        case .argument, .parameter, .constant, .count, .compare, .stopGradient:
            return x.map { _ in nil }

        case .unary(let function):
            return [function.definition.chainRule?(g, x[0], y, &b)]

        case .binary(let function):
            return function.definition.partials(g, x[0], x[1], y, wants, &b)

        case .select:
            let zero = b.constant(0)
            return [nil, b.select(x[0], g, zero), b.select(x[0], zero, g)]

        case .matmul(let transposeLeft, let transposeRight):
            // y = op(A) op(B); each case is dA and dB written so that no transpose is materialized.
            let (a, m) = (x[0], x[1])
            switch (transposeLeft, transposeRight) {
            case (false, false):
                return [wants[0] ? b.matmul(g, m, transposeRight: true) : nil,
                        wants[1] ? b.matmul(a, g, transposeLeft: true) : nil]
            case (true, false):
                return [wants[0] ? b.matmul(m, g, transposeRight: true) : nil,
                        wants[1] ? b.matmul(a, g) : nil]
            case (false, true):
                return [wants[0] ? b.matmul(g, m) : nil,
                        wants[1] ? b.matmul(g, a, transposeLeft: true) : nil]
            case (true, true):
                return [wants[0] ? b.matmul(m, g, transposeLeft: true, transposeRight: true) : nil,
                        wants[1] ? b.matmul(g, a, transposeLeft: true, transposeRight: true) : nil]
            }

        case .transpose:
            return [b.transpose(g)]

        case .broadcast:
            return [g]  // ReverseMode sums it back to the operand's shape.

        case .sumToShape:
            return [b.broadcast(g, to: b.type(of: x[0]).shape)]

        case .reduceSum(let axis):
            return [b.spread(g, axis: axis, over: b.type(of: x[0]).shape)]

        case .reduceMax(let axis):
            // Ties share the gradient equally (PyTorch's amax convention).
            let shape = b.type(of: x[0]).shape
            let isMax = b.compare(.equal, x[0], b.spread(y, axis: axis, over: shape))
            let mask = b.select(isMax, b.constant(1), b.constant(0))
            let ties = b.spread(b.reduceSum(mask, axis: axis), axis: axis, over: shape)
            return [b.divide(b.multiply(b.spread(g, axis: axis, over: shape), mask), ties)]

        case .expandAxis(let axis):
            return [b.reduceSum(g, axis: axis)]

        case .logSumExp(let axis):
            // dx = g * softmax(x), with softmax(x) = exp(x - y) from the saved result: an
            // elementwise expression (no second pass over each line), stable since x <= y.
            let shape = b.type(of: x[0]).shape
            let probabilities = b.unary(.exp, b.subtract(x[0], b.spread(y, axis: axis, over: shape)))
            return [b.multiply(b.spread(g, axis: axis, over: shape), probabilities)]

        case .softmax(let axis):
            // dx = y * (g - sum(g * y, axis))
            let shape = b.type(of: y).shape
            let dot = b.spread(b.reduceSum(b.multiply(g, y), axis: axis), axis: axis, over: shape)
            return [b.multiply(y, b.subtract(g, dot))]

        case .pickClass:
            return [b.emit(.scatterClass, [g, x[1]], type: b.type(of: x[0])), nil]

        case .scatterClass:
            return [b.emit(.pickClass, [g, x[1]], type: b.type(of: x[0])), nil]

        case .slice(let axis, let start, _):
            return [b.emit(.pad(axis: axis, start: start), [g], type: b.type(of: x[0]))]

        case .pad(let axis, let start):
            guard case .fixed(let length) = b.type(of: x[0]).shape[axis] else {
                preconditionFailure("pad needs a fixed length along axis \(axis)")
            }
            return [b.emit(.slice(axis: axis, start: start, end: start + length), [g], type: b.type(of: x[0]))]
        }
    }
}
