/// The Swift of the elementwise operations, one element or one SIMD vector at a time: the
/// function families' entries, plus the operations that only move values (select, broadcast).
extension IROp {
    /// The expression of one result element given its operands' expressions, or `nil` for an
    /// operation that is not elementwise.
    func elementSwift(_ x: [String]) -> String? {
        switch self {
        case .unary(let function): function.definition.swift(x[0])
        case .binary(let function): function.definition.swift(x[0], x[1])
        case .compare(let comparison): comparison.swift(x[0], x[1])
        case .select: "(\(x[0]) ? \(x[1]) : \(x[2]))"
        case .broadcast, .expandAxis, .stopGradient: x[0]
        case .constant(let value): FunctionEmitter.literal(value)
        case .argument, .parameter, .count, .matmul, .transpose, .sumToShape, .reduceSum, .reduceMax, .logSumExp,
             .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .convolution2D,
             .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .call:
            nil
        }
    }

    /// Whether ``laneSwift(_:vectorType:)`` has an expression for the operation: asked of
    /// placeholder operands, so the two can't disagree.
    var hasLaneForm: Bool {
        let placeholder = LaneOperand(code: "x", isVector: true, vectorType: "V")
        return laneSwift(Array(repeating: placeholder, count: 3), vectorType: "V") != nil
    }

    /// The expression of a SIMD vector of result elements, given the operands (see
    /// ``hasLaneForm``); `nil` for an operation without one.
    func laneSwift(_ x: [LaneOperand], vectorType: String) -> String? {
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
        case .argument, .parameter, .count, .expandAxis, .matmul, .transpose, .sumToShape, .reduceSum, .reduceMax,
             .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .convolution2D,
             .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .call:
            return nil
        }
    }
}
