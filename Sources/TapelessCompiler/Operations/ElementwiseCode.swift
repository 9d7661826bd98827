/// The Swift of the elementwise operations, one element or one SIMD vector at a time: the
/// function families' entries, the operations that only move values (select, broadcast), and
/// dropout masks, drawn where they are read.
extension IROp {
    /// The expression of one result element given its operands' expressions, or `nil` for an
    /// operation that is not elementwise.
    func elementSwift(_ x: [String], at site: ElementSite) -> String? {
        switch self {
        case .unary(let function): function.definition.swift(x[0])
        case .binary(let function): function.definition.swift(x[0], x[1])
        case .compare(let comparison): comparison.swift(x[0], x[1])
        case .select: "(\(x[0]) ? \(x[1]) : \(x[2]))"
        case .broadcast, .expandAxis, .stopGradient: x[0]
        case .constant(let value): FunctionEmitter.literal(value)
        case .dropoutMask(let mask): mask.elementSwift(stream: site.maskStream(mask), index: site.index)
        case .elementAt(let stride, let offset): "\(x[0])[\(IndexCode.sum([IndexCode.product(x[1], String(stride)), String(offset)]))]"
        case .loop: nil
        case .argument, .parameter, .count, .matmul, .transpose, .sumToShape, .reduceSum, .reduceMax, .logSumExp,
             .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .convolution2D,
             .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .call:
            nil
        }
    }

    /// Whether ``laneSwift(_:vectorType:at:)`` has an expression for the operation: asked of
    /// placeholder operands, so the two can't disagree.
    var hasLaneForm: Bool {
        let placeholder = LaneOperand(code: "x", isVector: true, vectorType: "V")
        let site = ElementSite(index: "i") { _ in "m" }
        return laneSwift(Array(repeating: placeholder, count: 3), vectorType: "V", at: site) != nil
    }

    /// The case of `Kernels.ElementFunction` that computes the operation over a block of
    /// elements in place (see ``UnaryDefinition/blockKernel``), or `nil`.
    var blockKernel: String? {
        if case .unary(let function) = self { return function.definition.blockKernel }
        return nil
    }

    /// The expression of a SIMD vector of result elements, given the operands (see
    /// ``hasLaneForm``); `nil` for an operation without one.
    func laneSwift(_ x: [LaneOperand], vectorType: String, at site: ElementSite) -> String? {
        switch self {
        case .unary(let function): return function.definition.lanes?(x[0])
        case .binary(let function): return function.definition.lanes?(x[0], x[1])
        case .compare(let comparison): return comparison.lanes(x[0], x[1])
        case .select:
            // One truth value (a condition on scalars) picks a whole vector.
            if !x[0].isVector { return "(\(x[0].code) ? \(x[1].vector) : \(x[2].vector))" }
            return "\(x[2].vector).replacing(with: \(x[1].code), where: \(x[0].code))"
        case .broadcast, .stopGradient: return x[0].vector
        case .constant(let value): return "\(vectorType)(repeating: \(FunctionEmitter.literal(value)))"
        case .dropoutMask(let mask): return mask.laneSwift(stream: site.maskStream(mask), index: site.index, vectorType: vectorType)
        case .loop, .elementAt: return nil
        case .argument, .parameter, .count, .expandAxis, .matmul, .transpose, .sumToShape, .reduceSum, .reduceMax,
             .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .convolution2D,
             .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .call:
            return nil
        }
    }
}

/// Where an element is computed, for the operations whose value depends on its place rather
/// than on operands alone (a dropout mask's element is drawn at its index).
struct ElementSite {
    /// The element's flat (row-major) index in the result, or the first lane's.
    var index: String
    /// The name of the `DropoutMaskStream` the function bound for a mask.
    var maskStream: (DropoutMask) -> String
}
