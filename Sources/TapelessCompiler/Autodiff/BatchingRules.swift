/// The batching rule of every IR operation, in one table, beside its reverse and forward rules
/// (``DerivativeRules``, ``TangentRules``). A rule receives an instruction `y = op(x...)`
/// whose operands are now values of the vectorized function, some with the leading batch axes
/// (`batched`), and appends IR computing `y` for every member of the batch, with the batch
/// axes leading. Short rules are here; matrix products, line operations, gathers, convolutions
/// and pooling have theirs in their family's file.
struct BatchingRules {
    /// The leading axes every batched value has.
    let batch: [IRDimension]

    func batch(_ instruction: IRInstruction, _ x: [IRValue], batched: [Bool], _ b: inout IRBuilder) throws -> IRValue {
        let type = IRType(instruction.type.element, batch + instruction.type.shape)
        let k = batch.count
        switch instruction.op {
        case .argument, .parameter, .constant, .count, .iota, .dropoutMask:
            preconditionFailure("\(instruction.op) has no operands to batch")

        case .unary, .binary, .compare, .select:
            // Trailing axes line up under broadcasting: give each batched operand the result's rank.
            let rank = instruction.type.shape.count
            let operands = zip(x, batched).map { value, isBatched in isBatched ? lift(value, toRank: rank, &b) : value }
            return b.emit(instruction.op, operands, type: type)

        case .stopGradient, .reshape:
            return b.emit(instruction.op, x, type: type)
        case .transpose:
            return b.emit(.permute(Array(0..<k) + [k + 1, k]), x, type: type)
        case .permute(let permutation):
            return b.emit(.permute(Array(0..<k) + permutation.map { $0 + k }), x, type: type)
        case .expandAxis(let axis):
            return b.emit(.expandAxis(axis + k), x, type: type)
        case .logSumExp(let axis):
            return b.emit(.logSumExp(axis: axis + k), x, type: type)
        case .softmax(let axis):
            return b.emit(.softmax(axis: axis + k), x, type: type)
        case .argmax(let axis):
            return b.emit(.argmax(axis: axis + k), x, type: type)
        case .slice(let axis, let start, let end):
            return b.emit(.slice(axis: axis + k, start: start, end: end), x, type: type)
        case .pad(let axis, let start):
            return b.emit(.pad(axis: axis + k, start: start), x, type: type)

        case .broadcast, .sumToShape, .reduceSum, .reduceMax:
            return reduction(instruction, x[0], type: type, &b)

        case .matmul(let transposeLeft, let transposeRight):
            return try matrixProduct(
                x[0], x[1], batched: batched, transposeLeft: transposeLeft, transposeRight: transposeRight,
                shape: instruction.type.shape, &b)

        case .pickClass, .scatterClass:
            return try classPick(instruction, x, batched: batched, &b)

        case .gather, .scatterAdd:
            return try gather(instruction, x, batched: batched, &b)

        case .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter:
            return try convolution(instruction, x, batched: batched, &b)

        case .call(let callee):
            callee.wasNotInlined()

        case .loop, .elementAt:
            throw Vectorization.Failure(
                description: "a loop that runs as a loop can't be batched yet; per-example derivatives need its body unrolled")
        }
    }

    // MARK: - Helpers for the rules

    /// A batched value with `1`s inserted after the batch axes up to `rank` axes of its own.
    func lift(_ value: IRValue, toRank rank: Int, _ b: inout IRBuilder) -> IRValue {
        let type = b.type(of: value)
        let own = Array(type.shape.dropFirst(batch.count))
        guard own.count < rank else { return value }
        return b.emit(.reshape, [value], type: IRType(type.element, batch + Array(repeating: .fixed(1), count: rank - own.count) + own))
    }

    /// An unbatched value repeated along the batch axes.
    func spread(_ value: IRValue, _ b: inout IRBuilder) -> IRValue {
        let type = b.type(of: value)
        return b.emit(.broadcast, [value], type: IRType(type.element, batch + type.shape))
    }

    /// `value`, batched: itself, or repeated along the batch axes.
    func batched(_ value: IRValue, _ isBatched: Bool, _ b: inout IRBuilder) -> IRValue {
        isBatched ? value : spread(value, &b)
    }

    /// The one axis the batch axes and `dimensions` make together, when the IR can write its
    /// size: a product of fixed sizes, or one size variable times `1`s.
    func merged(_ dimensions: [IRDimension], for what: @autoclosure () -> String) throws -> IRDimension {
        if let product = IRDimension.product(batch + dimensions) { return product }
        throw Vectorization.Failure(
            description: "\(what()) over a batch of \(batch.map(\.description).joined(separator: " × ")) needs the size \((batch + dimensions).map(\.description).joined(separator: " × ")), which must be known when the package builds")
    }
}
