// Reductions and broadcasts: `reduceSum` and `reduceMax` (over one axis or everything),
// `sumToShape` and their reverses `broadcast` and `expandAxis`. Their reverse rules, the
// maximum's forward rule (the others are linear: TangentRules), their batching rules and their
// meaning in the interpreter are here. Fusion accumulates a reduction in the loop over its
// operand and reads a broadcast operand at its broadcast position, so their emitted Swift is
// the loop code's (FunctionEmitter+Steps.swift); their class and cost are listed with every
// operation's (OperationClass.swift, OperationCost.swift).

extension DerivativeRules {
    /// The adjoint contribution of the operand `x` of a reduction or broadcast `y`: each is
    /// the other's reverse, so the adjoint of one is the other applied to `g`.
    static func reductionPullback(_ op: IROp, _ x: IRValue, _ y: IRValue, g: IRValue, _ b: inout IRBuilder) -> IRValue {
        let shape = b.type(of: x).shape
        switch op {
        case .broadcast:
            return g  // ReverseMode sums it back to the operand's shape.
        case .sumToShape:
            return b.broadcast(g, to: shape)
        case .reduceSum(let axis):
            return b.spread(g, axis: axis, over: shape)
        case .reduceMax(let axis):
            // Ties share the gradient equally (PyTorch's amax convention).
            let isMax = b.compare(.equal, x, b.spread(y, axis: axis, over: shape))
            let mask = b.select(isMax, b.constant(1), b.constant(0))
            let ties = b.spread(b.reduceSum(mask, axis: axis), axis: axis, over: shape)
            return b.divide(b.multiply(b.spread(g, axis: axis, over: shape), mask), ties)
        case .expandAxis(let axis):
            return b.reduceSum(g, axis: axis)
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .matmul, .transpose,
             .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .convolution2D,
             .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter,
             .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
            preconditionFailure("\(op) is not a reduction or a broadcast")
        }
    }
}

extension TangentRules {
    /// The tangent of a maximum: the operand's tangent at the maximum, averaged over ties, as
    /// the reverse rule shares the gradient (so the two rules are each other's transpose).
    static func maximumPushforward(_ x: IRValue, _ y: IRValue, axis: Int?, dx: IRValue, _ b: inout IRBuilder) -> IRValue {
        let shape = b.type(of: x).shape
        let isMax = b.compare(.equal, x, b.spread(y, axis: axis, over: shape))
        let mask = b.select(isMax, b.constant(1), b.constant(0))
        return b.divide(b.reduceSum(b.multiply(dx, mask), axis: axis), b.reduceSum(mask, axis: axis))
    }
}

extension BatchingRules {
    /// A broadcast or reduction of a batched operand: axes move past the batch axes, and a
    /// reduction of everything reduces each member's own axes one by one.
    func reduction(_ instruction: IRInstruction, _ x: IRValue, type: IRType, _ b: inout IRBuilder) -> IRValue {
        let k = batch.count
        let own = Array(b.type(of: x).shape.dropFirst(k))
        let result = instruction.type.shape
        switch instruction.op {
        case .broadcast:
            return b.emit(.broadcast, [lift(x, toRank: result.count, &b)], type: type)
        case .sumToShape:
            // Sum to the result's shape behind `1`s that keep it apart from the batch axes.
            let padded = batch + Array(repeating: IRDimension.fixed(1), count: own.count - result.count) + result
            let summed = b.emit(.sumToShape, [x], type: .float(padded))
            return padded.count == type.shape.count ? summed : b.emit(.reshape, [summed], type: type)
        case .reduceSum(let axis?), .reduceMax(let axis?):
            return b.emit(instruction.op == .reduceSum(axis: axis) ? .reduceSum(axis: axis + k) : .reduceMax(axis: axis + k), [x], type: type)
        case .reduceSum(nil), .reduceMax(nil):
            let op: IROp = instruction.op == .reduceSum(axis: nil) ? .reduceSum(axis: k) : .reduceMax(axis: k)
            return own.indices.reduce(x) { partial, index in b.emit(op, [partial], type: .float(batch + own.dropFirst(index + 1))) }
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .matmul, .transpose,
             .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .convolution2D,
             .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter,
             .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .expandAxis, .loop, .elementAt:
            preconditionFailure("\(instruction.op) is not a broadcast or a reduction")
        }
    }
}

extension IRInterpreter {
    /// Combines the elements of `x` along `axis` (removing it), or all of them.
    static func reduce(_ x: IRTensor, axis: Int?, initial: Double, _ combine: (Double, Double) -> Double) -> IRTensor {
        guard let axis else { return IRTensor(x.values.reduce(initial, combine)) }
        return alongAxis(x, axis: axis, keepsAxis: false) { [$0.reduce(initial, combine)] }
    }

    /// The sum of `x` down to `shape`, which `x`'s shape broadcasts from.
    static func sum(_ x: IRTensor, toShape shape: [Int]) -> IRTensor {
        var result = IRTensor(shape: shape, values: Array(repeating: 0, count: shape.reduce(1, *)))
        let target = broadcastIndices(from: shape, to: x.shape)
        for (index, value) in x.values.enumerated() { result.values[target[index]] += value }
        return result
    }

    /// `x` repeated along a new `axis`, to `shape`.
    static func expand(_ x: IRTensor, axis: Int, shape: [Int]) -> IRTensor {
        let (outer, length, inner) = split(shape, at: axis)
        var values: [Double] = []
        values.reserveCapacity(outer * length * inner)
        for o in 0..<outer { for _ in 0..<length { values += x.values[(o * inner)..<((o + 1) * inner)] } }
        return IRTensor(shape: shape, values: values)
    }
}

extension IROp {
    /// Whether the operation keeps the largest value it meets (`reduceMax`), rather than summing.
    var isMaxReduction: Bool {
        if case .reduceMax = self { true } else { false }
    }
}
