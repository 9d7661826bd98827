/// The reverse-mode derivative rule of every IR operation, in one table.
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
            return [unaryPullback(function, x: x[0], y: y, g: g, &b)]

        case .binary(let function):
            return binaryPullback(function, x: x[0], z: x[1], y: y, g: g, wants: wants, &b)

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

    /// dy/dx for y = f(x), times g.
    private static func unaryPullback(
        _ function: UnaryFunction, x: IRValue, y: IRValue, g: IRValue, _ b: inout IRBuilder
    ) -> IRValue? {
        switch function {
        case .negate: return b.negate(g)
        case .exp: return b.multiply(g, y)
        case .log: return b.divide(g, x)
        case .sqrt: return b.divide(b.scale(g, by: 0.5), y)                       // 1 / (2 sqrt x)
        case .rsqrt: return b.multiply(b.scale(g, by: -0.5), b.multiply(y, b.multiply(y, y)))  // -x^(-3/2) / 2
        case .abs: return b.multiply(g, b.unary(.sign, x))                         // abs'(0) = 0
        case .sign, .step: return nil
        case .sin: return b.multiply(g, b.unary(.cos, x))
        case .cos: return b.multiply(g, b.negate(b.unary(.sin, x)))
        case .tanh: return b.multiply(g, b.subtract(b.constant(1), b.multiply(y, y)))
        case .sigmoid: return b.multiply(g, b.multiply(y, b.subtract(b.constant(1), y)))
        case .relu: return b.multiply(g, b.unary(.step, x))                        // relu'(0) = 0
        case .softplus: return b.multiply(g, b.unary(.sigmoid, x))
        case .erf:
            // erf'(x) = 2 / sqrt(pi) * exp(-x^2)
            let gaussian = b.unary(.exp, b.negate(b.multiply(x, x)))
            return b.multiply(b.scale(g, by: 2 / Double.pi.squareRoot()), gaussian)
        case .reciprocal: return b.negate(b.multiply(g, b.multiply(y, y)))
        }
    }

    /// Contributions to both operands of y = f(x, z).
    private static func binaryPullback(
        _ function: BinaryFunction, x: IRValue, z: IRValue, y: IRValue, g: IRValue, wants: [Bool],
        _ b: inout IRBuilder
    ) -> [IRValue?] {
        switch function {
        case .add:
            return [g, g]
        case .subtract:
            return [g, wants[1] ? b.negate(g) : nil]
        case .multiply:
            return [wants[0] ? b.multiply(g, z) : nil, wants[1] ? b.multiply(g, x) : nil]
        case .divide:
            // d(x/z)/dz = -y / z
            return [wants[0] ? b.divide(g, z) : nil,
                    wants[1] ? b.negate(b.divide(b.multiply(g, y), z)) : nil]
        case .minimum, .maximum:
            // The chosen operand takes the gradient; on a tie each takes half (PyTorch).
            let wins: Comparison = function == .minimum ? .less : .greater
            let zero = b.constant(0)
            let half = b.scale(g, by: 0.5)
            let tie = b.compare(.equal, x, z)
            return [wants[0] ? b.select(b.compare(wins, x, z), g, b.select(tie, half, zero)) : nil,
                    wants[1] ? b.select(b.compare(wins, z, x), g, b.select(tie, half, zero)) : nil]
        case .power:
            // d(x^z)/dx = z x^(z-1);  d(x^z)/dz = log(x) x^z
            let dx = wants[0] ? b.multiply(g, b.multiply(z, b.binary(.power, x, b.subtract(z, b.constant(1))))) : nil
            let dz = wants[1] ? b.multiply(g, b.multiply(b.unary(.log, x), y)) : nil
            return [dx, dz]
        }
    }
}
