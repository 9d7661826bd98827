/// The Swift expression of each elementwise operation on one `Float`.
///
/// Operands are atomic expressions (names, subscripts, literals in parentheses when
/// negative). Only multiply and add are used where a fused multiply-add would be tempting: on
/// baseline x86-64, Swift's `fma` is a software call.
enum ScalarCode {
    static func unary(_ function: UnaryFunction, _ x: String) -> String {
        switch function {
        case .negate: return "-\(x)"
        case .exp: return "Foundation.exp(\(x))"
        case .log: return "Foundation.log(\(x))"
        case .sqrt: return "\(x).squareRoot()"
        case .rsqrt: return "1 / \(x).squareRoot()"
        case .abs: return "Swift.abs(\(x))"
        case .sign: return "(\(x) > 0 ? 1 : (\(x) < 0 ? -1 : 0))"
        case .sin: return "Foundation.sin(\(x))"
        case .cos: return "Foundation.cos(\(x))"
        case .tanh: return "Foundation.tanh(\(x))"
        case .sigmoid: return "1 / (1 + Foundation.exp(-\(x)))"
        case .relu: return "(\(x) > 0 ? \(x) : 0)"
        case .softplus: return "Swift.max(\(x), 0) + Foundation.log1p(Foundation.exp(-Swift.abs(\(x))))"
        case .erf: return "Foundation.erf(\(x))"
        case .reciprocal: return "1 / \(x)"
        case .step: return "(\(x) > 0 ? 1 : 0)"
        }
    }

    static func binary(_ function: BinaryFunction, _ x: String, _ y: String) -> String {
        switch function {
        case .add: return "\(x) + \(y)"
        case .subtract: return "\(x) - \(y)"
        case .multiply: return "\(x) * \(y)"
        case .divide: return "\(x) / \(y)"
        case .minimum: return "Swift.min(\(x), \(y))"
        case .maximum: return "Swift.max(\(x), \(y))"
        case .power: return "Foundation.pow(\(x), \(y))"
        }
    }
}
