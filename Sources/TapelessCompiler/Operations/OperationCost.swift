extension IROp {
    /// The floating-point operations of one instruction of this operation, for `tapeless
    /// summary`: `elements` counts a type's elements, `result` and `operands` are the types.
    ///
    /// An elementwise function counts one per element whatever it computes (as FLOP counters
    /// of other frameworks do), a product two per multiply-add, a reduction one per element
    /// summed over everything and two along an axis or in a softmax or log-sum-exp (one to
    /// combine, one for the line's bookkeeping); naming, broadcasting, reshaping or gathering a value
    /// costs nothing; a scatter-add one per element it adds, an argmax one per element it compares;
    /// a convolution two per multiply-add and a pooling window one per element it compares.
    func flops(result: IRType, operands: [IRType], elements: (IRType) -> Int) -> Int {
        switch self {
        case .argument, .parameter, .constant, .count, .stopGradient, .broadcast, .reshape, .permute, .iota, .gather:
            return 0
        case .matmul(let transposeLeft, _):
            let sizes = MatrixProductSizes(left: operands[0].shape, right: operands[1].shape, result: result.shape, transposeLeft: transposeLeft) {
                elements(IRType(.float, $0))
            }
            return 2 * elements(result) * sizes.k
        case .reduceSum(nil), .scatterAdd, .argmax:
            return elements(operands[0])
        case .reduceSum, .reduceMax, .sumToShape, .logSumExp, .softmax:
            return 2 * elements(operands[0])
        case .unary, .binary, .compare, .select, .expandAxis, .transpose, .pickClass, .scatterClass, .slice, .pad,
             .dropoutMask:
            return elements(result)
        case .convolution2D:
            return convolutionFlops(output: result, weight: operands[1], elements)
        case .convolution2DInputGradient:
            return convolutionFlops(output: operands[0], weight: operands[1], elements)
        case .convolution2DWeightGradient:
            return convolutionFlops(output: operands[1], weight: result, elements)
        case .maxPoolSelect(let window):
            return elements(result) * window.kernelHeight * window.kernelWidth
        case .maxPoolScatter(let window):
            return elements(operands[1]) * window.kernelHeight * window.kernelWidth
        case .call:
            return 0  // The callee's operations count where the differentiation stage inlines them.
        case .elementAt:
            return 0
        case .loop(let loop):
            // A replay runs the forward step once more per iteration.
            let bodies = [loop.body] + (loop.replay.map { [$0.step] } ?? [])
            return loop.count * bodies.map { Self.flops(ofStep: $0, elements) }.reduce(0, +)
        }
    }

    /// The floating-point operations of one run of a loop's body.
    private static func flops(ofStep body: IRFunction, _ elements: (IRType) -> Int) -> Int {
        let types = Dictionary(uniqueKeysWithValues: body.instructions.map { ($0.result, $0.type) })
        return body.instructions.map { instruction in
            instruction.op.flops(result: instruction.type, operands: instruction.operands.map { types[$0]! }, elements: elements)
        }.reduce(0, +)
    }

    /// A convolution and each of its gradients make the same multiply-adds: every element of
    /// the forward output takes one per weight element of its output channel.
    private func convolutionFlops(output: IRType, weight: IRType, _ elements: (IRType) -> Int) -> Int {
        let perChannel = elements(weight) / max(1, elements(IRType(.float, [weight.shape[0]])))
        return 2 * elements(output) * perChannel
    }
}
