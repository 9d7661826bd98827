
/// How each builtin of the language is built from IR primitives.
///
/// Composite functions (gelu, silu, elu, leakyRelu, the losses) are spelled out here in
/// primitives, so they need no derivative rules of their own and differentiate to any order.
enum BuiltinLowering {
    static func lower(
        _ call: ResolvedCall, operands x: [IRValue], resultType: IRType, _ b: inout IRBuilder
    ) throws -> IRValue {
        let constant = call.constant ?? 0
        switch call.builtin {
        case .elementwise(let function): return b.unary(function, x[0])
        case .square: return b.multiply(x[0], x[0])
        case .negate: return b.negate(x[0])
        case .stopGradient: return b.emit(.stopGradient, [x[0]], type: b.type(of: x[0]))
        case .pow: return b.binary(.power, x[0], b.constant(constant))
        case .leakyRelu:
            // PyTorch: slope * x for x <= 0, so the derivative at 0 is the slope.
            return b.select(b.compare(.greater, x[0], b.constant(0)), x[0], b.scale(x[0], by: constant))
        case .elu:
            // The x >= 0 branch at 0 gives PyTorch's elu'(0) = 1 and elu''(0) = 0 (alpha 1).
            let negative = b.scale(b.subtract(b.unary(.exp, x[0]), b.constant(1)), by: constant)
            return b.select(b.compare(.greaterEqual, x[0], b.constant(0)), x[0], negative)
        case .gelu:
            // x * Φ(x) with Φ(x) = (1 + erf(x / √2)) / 2 (Hendrycks & Gimpel 2016).
            let phi = b.scale(b.add(b.constant(1), b.unary(.erf, b.scale(x[0], by: 1 / 2.0.squareRoot()))), by: 0.5)
            return b.multiply(x[0], phi)
        case .geluTanh:
            // x * (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2, PyTorch's approximate="tanh".
            let cube = b.multiply(x[0], b.multiply(x[0], x[0]))
            let inner = b.scale(b.add(x[0], b.scale(cube, by: 0.044715)), by: (2 / Double.pi).squareRoot())
            return b.multiply(b.scale(x[0], by: 0.5), b.add(b.constant(1), b.unary(.tanh, inner)))
        case .silu:
            return b.multiply(x[0], b.unary(.sigmoid, x[0]))
        case .minimum: return b.binary(.minimum, x[0], x[1])
        case .maximum: return b.binary(.maximum, x[0], x[1])
        case .clamp:
            // min(max(x, low), high), as in PyTorch: with low > high every value is high. The
            // gradient goes to x where low <= x <= high, else to the bound taken.
            let aboveHigh = b.select(b.compare(.greater, x[0], x[2]), x[2], x[0])
            let clamped = b.select(b.compare(.less, x[0], x[1]), x[1], aboveHigh)
            return b.select(b.compare(.greater, x[1], x[2]), x[2], clamped)
        case .where: return b.select(x[0], x[1], x[2])
        case .add: return b.add(x[0], x[1])
        case .subtract: return b.subtract(x[0], x[1])
        case .multiply: return b.multiply(x[0], x[1])
        case .divide: return b.divide(x[0], x[1])
        case .matmul: return matrixProduct(x[0], x[1], &b)
        case .transpose: return b.transpose(x[0])
        case .less: return b.compare(.less, x[0], x[1])
        case .lessEqual: return b.compare(.lessEqual, x[0], x[1])
        case .greater: return b.compare(.greater, x[0], x[1])
        case .greaterEqual: return b.compare(.greaterEqual, x[0], x[1])
        case .equal: return b.compare(.equal, x[0], x[1])
        case .notEqual: return b.compare(.notEqual, x[0], x[1])
        // Truth values are chosen as 1 and 0 and compared back: the IR has no Bool arithmetic.
        case .logicalAnd: return truth(b.select(x[0], b.select(x[1], b.constant(1), b.constant(0)), b.constant(0)), &b)
        case .logicalOr: return truth(b.select(x[0], b.constant(1), b.select(x[1], b.constant(1), b.constant(0))), &b)
        case .logicalNot: return truth(b.select(x[0], b.constant(0), b.constant(1)), &b)
        case .sum: return kept(b.reduceSum(x[0], axis: call.axis), call, resultType, &b)
        case .mean: return kept(mean(x[0], axis: call.axis, &b), call, resultType, &b)
        case .maxReduce: return kept(b.reduceMax(x[0], axis: call.axis), call, resultType, &b)
        case .minReduce: return kept(b.negate(b.reduceMax(b.negate(x[0]), axis: call.axis)), call, resultType, &b)
        case .logSumExp:
            let axis = call.axis ?? (b.type(of: x[0]).shape.count - 1)
            let reduced = b.emit(.logSumExp(axis: axis), [x[0]], type: .float(IRBuilder.removing(axis, from: b.type(of: x[0]).shape)))
            return kept(reduced, call, resultType, &b)
        case .variance:
            let shape = b.type(of: x[0]).shape
            let centered = b.subtract(x[0], b.spread(mean(x[0], axis: call.axis, &b), axis: call.axis, over: shape))
            let count = b.count(of: x[0], axis: call.axis)
            let variance = b.divide(b.reduceSum(b.multiply(centered, centered), axis: call.axis), b.subtract(count, b.constant(constant)))
            return kept(variance, call, resultType, &b)
        case .softmax:
            let axis = call.axis ?? (b.type(of: x[0]).shape.count - 1)
            return b.emit(.softmax(axis: axis), [x[0]], type: b.type(of: x[0]))
        case .norm:
            return kept(norm(x[0], axis: call.axis, &b), call, resultType, &b)
        case .normalize:
            let axis = call.axis ?? (b.type(of: x[0]).shape.count - 1)
            let shape = b.type(of: x[0]).shape
            let length = b.binary(.maximum, norm(x[0], axis: axis, &b), b.constant(constant))
            return b.divide(x[0], b.spread(length, axis: axis, over: shape))
        case .logSoftmax:
            let axis = call.axis ?? (b.type(of: x[0]).shape.count - 1)
            let shape = b.type(of: x[0]).shape
            let total = b.emit(.logSumExp(axis: axis), [x[0]], type: .float(IRBuilder.removing(axis, from: shape)))
            return b.subtract(x[0], b.spread(total, axis: axis, over: shape))
        case .mse:
            let difference = b.subtract(x[0], x[1])
            return mean(b.multiply(difference, difference), axis: nil, &b)
        case .mae:
            return mean(b.unary(.abs, b.subtract(x[0], x[1])), axis: nil, &b)
        case .huber:
            // 0.5 d² where |d| < delta, else delta (|d| - delta / 2) (torch.nn.functional.huber_loss).
            let difference = b.subtract(x[0], x[1])
            let size = b.unary(.abs, difference)
            let quadratic = b.scale(b.multiply(difference, difference), by: 0.5)
            let linear = b.scale(b.subtract(size, b.constant(constant / 2)), by: constant)
            return mean(b.select(b.compare(.less, size, b.constant(constant)), quadratic, linear), axis: nil, &b)
        case .binaryCrossEntropy:
            // softplus(z) - z y = max(z, 0) - z y + log(1 + exp(-|z|)), stable for any z.
            return mean(b.subtract(b.unary(.softplus, x[0]), b.multiply(x[0], x[1])), axis: nil, &b)
        case .crossEntropy:
            return crossEntropy(logits: x[0], labels: x[1], smoothing: constant, &b)
        case .convolution2D:
            guard case .convolution(let window) = call.window else { throw Lowering.Failure(description: "conv2D without a window") }
            return convolution(x[0], weight: x[1], bias: x.count > 2 ? x[2] : nil, window, resultType: resultType, &b)
        case .maxPool2D:
            guard case .pooling(let window) = call.window else { throw Lowering.Failure(description: "maxPool2D without a window") }
            return b.emit(.maxPoolSelect(window), [x[0], x[0]], type: resultType)
        case .flatten, .reshape:
            return b.type(of: x[0]) == resultType ? x[0] : b.emit(.reshape, [x[0]], type: resultType)
        case .oneHot:
            // Each label's row: a one placed at the label, as cross-entropy's gradient places its weights.
            let ones = b.broadcast(b.constant(1), to: [resultType.shape[0]])
            return b.emit(.scatterClass, [ones, x[0]], type: resultType)
        case .pad:
            return padded(x[0], call.padding ?? [], &b)
        case .permute:
            let permutation = call.permutation ?? []
            return permutation == Array(permutation.indices) ? x[0] : b.emit(.permute(permutation), [x[0]], type: resultType)
        case .concat:
            return concatenate(x, axis: call.axis ?? 0, resultType: resultType, &b)
        case .stack:
            let axis = call.axis ?? 0
            let parts = x.map { part in
                var shape = b.type(of: part).shape
                shape.insert(.fixed(1), at: axis)
                return b.emit(.reshape, [part], type: .float(shape))
            }
            return concatenate(parts, axis: axis, resultType: resultType, &b)
        case .gather: return gather(x[0], indices: x[1], &b)
        case .argmax:
            guard let axis = call.axis else { throw Lowering.Failure(description: "argmax without an axis") }
            return b.emit(.argmax(axis: axis), [x[0]], type: resultType)
        }
    }

    /// Whether a truth value chosen as 1 or 0 is 1, as a Bool.
    private static func truth(_ value: IRValue, _ b: inout IRBuilder) -> IRValue {
        b.compare(.greater, value, b.constant(0.5))
    }

    /// A reduction's result with its axis back, of size 1, when the call keeps dimensions.
    private static func kept(_ reduced: IRValue, _ call: ResolvedCall, _ resultType: IRType, _ b: inout IRBuilder) -> IRValue {
        call.keepsDimensions ? b.emit(.reshape, [reduced], type: resultType) : reduced
    }

    /// `x` with `padding[2k]` zeros before and `padding[2k + 1]` after each axis `k`: one
    /// placement per padded axis (whose gradient is the slice back).
    private static func padded(_ x: IRValue, _ padding: [Int], _ b: inout IRBuilder) -> IRValue {
        var value = x
        for axis in 0..<(padding.count / 2) where padding[2 * axis] + padding[2 * axis + 1] > 0 {
            var shape = b.type(of: value).shape
            shape[axis] = .fixed((shape[axis].fixedValue ?? 0) + padding[2 * axis] + padding[2 * axis + 1])
            value = b.emit(.pad(axis: axis, start: padding[2 * axis]), [value], type: .float(shape))
        }
        return value
    }

    /// The tensors joined along `axis`: each placed at its offset in a zero tensor of the
    /// result's shape (the reverse of a slice, so its gradient is that slice), and the
    /// placements added.
    static func concatenate(_ parts: [IRValue], axis: Int, resultType: IRType, _ b: inout IRBuilder) -> IRValue {
        var start = 0
        var total: IRValue?
        for part in parts {
            let placed = b.emit(.pad(axis: axis, start: start), [part], type: resultType)
            start += b.type(of: part).shape[axis].fixedValue ?? 0
            total = total.map { b.add($0, placed) } ?? placed
        }
        return total!
    }

    /// A layer's `activation:` (an elementwise builtin and its constant) applied to `value`,
    /// or `value` itself when there is none.
    static func apply(_ activation: (builtin: Builtin, constant: Double?)?, to value: IRValue, _ b: inout IRBuilder) throws -> IRValue {
        guard let activation else { return value }
        let call = ResolvedCall(builtin: activation.builtin, operands: [], constant: activation.constant)
        return try lower(call, operands: [value], resultType: b.type(of: value), &b)
    }

    /// `sum / count`, with the count folded when the shape is known.
    /// sqrt(sum(x²)) with the square root taken of 1 where the sum is 0 and the result chosen
    /// as 0 there: the same value, but every derivative finite, the gradient at a zero vector 0
    /// (PyTorch's convention) where the plain square root's would be 0 · ∞.
    static func norm(_ x: IRValue, axis: Int?, _ b: inout IRBuilder) -> IRValue {
        let squares = b.reduceSum(b.multiply(x, x), axis: axis)
        let isPositive = b.compare(.greater, squares, b.constant(0))
        let safe = b.select(isPositive, squares, b.constant(1))
        return b.select(isPositive, b.unary(.sqrt, safe), b.constant(0))
    }

    static func mean(_ x: IRValue, axis: Int?, _ b: inout IRBuilder) -> IRValue {
        b.divide(b.reduceSum(x, axis: axis), b.count(of: x, axis: axis))
    }

    /// Cross-entropy of logits `[b, c]` against integer labels, averaged over the batch, with
    /// label smoothing ε: each row is `logSumExp(z) - (1 - ε) z[label] - ε mean(z)` (PyTorch).
    static func crossEntropy(logits: IRValue, labels: IRValue, smoothing: Double, _ b: inout IRBuilder) -> IRValue {
        let shape = b.type(of: logits).shape
        let total = b.emit(.logSumExp(axis: 1), [logits], type: .float([shape[0]]))
        let picked = b.emit(.pickClass, [logits, labels], type: .float([shape[0]]))
        var perRow = b.subtract(total, b.scale(picked, by: 1 - smoothing))
        if smoothing != 0 {
            let average = mean(logits, axis: 1, &b)
            perRow = b.subtract(perRow, b.scale(average, by: smoothing))
        }
        return mean(perRow, axis: nil, &b)
    }

    /// The rows of `table` (`[rows, width]`) that `indices` pick, in the indices' shape followed by `width`.
    static func gather(_ table: IRValue, indices: IRValue, _ b: inout IRBuilder) -> IRValue {
        let width = b.type(of: table).shape[1]
        return b.emit(.gather, [table, indices], type: .float(b.type(of: indices).shape + [width]))
    }

    /// A convolution and its bias, one per output channel, broadcast over the batch and the
    /// positions (as `[channels, 1, 1]`).
    static func convolution(
        _ input: IRValue, weight: IRValue, bias: IRValue?, _ window: ConvolutionWindow, resultType: IRType, _ b: inout IRBuilder
    ) -> IRValue {
        let product = b.emit(.convolution2D(window), [input, weight], type: resultType)
        guard let bias else { return product }
        let channels = b.type(of: bias).shape
        return b.add(product, b.emit(.reshape, [bias], type: .float(channels + [.fixed(1), .fixed(1)])))
    }

    /// The matrix product in every rank combination the language allows: vectors are
    /// handled as broadcast products summed along the shared axis.
    static func matrixProduct(_ left: IRValue, _ right: IRValue, _ b: inout IRBuilder) -> IRValue {
        let leftRank = b.type(of: left).shape.count, rightRank = b.type(of: right).shape.count
        switch (leftRank, rightRank) {
        case (2..., 2), (3..., 3...):
            return b.matmul(left, right)
        case (2, 1):
            return b.reduceSum(b.multiply(left, right), axis: 1)
        case (1, 2):
            let columns = b.type(of: right).shape[1]
            return b.reduceSum(b.multiply(b.expand(left, axis: 1, size: columns), right), axis: 0)
        default:
            return b.reduceSum(b.multiply(left, right), axis: nil)
        }
    }
}
