/// The SIMD form of the elementwise operations that have one in the standard library.
///
/// A loop whose members all have a lane form runs eight elements at a time. Only
/// multiplication, addition and comparisons are used: on baseline x86-64, a fused
/// multiply-add on Swift's SIMD types is a software call.
enum VectorCode {
    /// An operand: its Swift expression, and whether it is a SIMD vector (else a `Float`).
    struct Operand {
        var code: String
        var isVector: Bool
    }

    static func supports(_ op: IROp) -> Bool {
        switch op {
        case .unary(let function):
            return [.negate, .abs, .sqrt, .relu, .step, .reciprocal, .sign].contains(function)
        case .binary(let function):
            return function != .power
        case .compare, .select, .broadcast, .constant, .stopGradient:
            return true
        default:
            return false
        }
    }

    /// The lane expression of a supported operation.
    static func code(_ op: IROp, _ x: [Operand], lanes: Int) -> String {
        let vector = "SIMD\(lanes)<Float>"
        /// An operand as a vector, splatting a scalar.
        func splat(_ operand: Operand) -> String {
            operand.isVector ? operand.code : "\(vector)(repeating: \(operand.code))"
        }
        switch op {
        case .unary(.negate): return "-\(splat(x[0]))"
        case .unary(.abs): return "pointwiseMax(\(splat(x[0])), -\(splat(x[0])))"
        case .unary(.sqrt): return "\(splat(x[0])).squareRoot()"
        case .unary(.relu): return "pointwiseMax(\(splat(x[0])), \(vector)())"
        case .unary(.step): return "\(vector)().replacing(with: 1, where: \(splat(x[0])) .> 0)"
        case .unary(.sign):
            let value = splat(x[0])
            return "\(vector)().replacing(with: 1, where: \(value) .> 0).replacing(with: -1, where: \(value) .< 0)"
        case .unary(.reciprocal): return "1 / \(splat(x[0]))"
        case .binary(.add): return "\(splat(x[0])) + \(x[1].code)"
        case .binary(.subtract): return "\(splat(x[0])) - \(x[1].code)"
        case .binary(.multiply): return "\(splat(x[0])) * \(x[1].code)"
        case .binary(.divide): return "\(splat(x[0])) / \(x[1].code)"
        case .binary(.minimum): return "pointwiseMin(\(splat(x[0])), \(splat(x[1])))"
        case .binary(.maximum): return "pointwiseMax(\(splat(x[0])), \(splat(x[1])))"
        case .compare(let comparison): return "\(splat(x[0])) .\(comparison.rawValue) \(x[1].code)"
        case .select where !x[0].isVector:
            // One truth value (a condition on scalars) picks a whole vector.
            return "(\(x[0].code) ? \(splat(x[1])) : \(splat(x[2])))"
        case .select: return "\(splat(x[2])).replacing(with: \(x[1].code), where: \(x[0].code))"
        case .broadcast, .stopGradient: return splat(x[0])
        case .constant(let value): return "\(vector)(repeating: \(FunctionEmitter.literal(value)))"
        default: preconditionFailure("\(op) has no lane form")
        }
    }
}
