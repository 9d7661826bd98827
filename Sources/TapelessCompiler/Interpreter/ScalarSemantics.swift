// The C math library, without Foundation: the compiler links only the standard library, which
// keeps a statically linked `tapeless` small (see the tool bundle in the README).
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(ucrt)
import ucrt
#endif

/// The meaning of each elementwise operation on one number, in `Double`.
///
/// The interpreter and constant folding share it, so they cannot disagree. Conventions at
/// kinks are PyTorch's: relu'(0) = 0 comes from step(0) = 0, abs'(0) = 0 from sign(0) = 0.
public enum ScalarSemantics {
    /// The value of an elementwise function of one number.
    public static func unary(_ function: UnaryFunction, _ x: Double) -> Double {
        switch function {
        case .negate: return -x
        case .exp: return exp(x)
        case .log: return log(x)
        case .sqrt: return x.squareRoot()
        case .rsqrt: return 1 / x.squareRoot()
        case .abs: return Swift.abs(x)
        case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .sin: return sin(x)
        case .cos: return cos(x)
        case .tanh: return tanh(x)
        case .sigmoid: return 1 / (1 + exp(-x))
        case .relu: return x > 0 ? x : 0
        case .softplus: return Swift.max(x, 0) + log1p(exp(-Swift.abs(x)))
        case .erf: return erf(x)
        case .reciprocal: return 1 / x
        case .step: return x > 0 ? 1 : 0
        }
    }

    /// The value of an elementwise function of two numbers.
    public static func binary(_ function: BinaryFunction, _ x: Double, _ y: Double) -> Double {
        switch function {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .divide: return x / y
        case .minimum: return Swift.min(x, y)
        case .maximum: return Swift.max(x, y)
        case .power: return pow(x, y)
        }
    }

    /// The outcome of an elementwise comparison of two numbers.
    public static func compare(_ comparison: Comparison, _ x: Double, _ y: Double) -> Bool {
        switch comparison {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .equal: return x == y
        case .notEqual: return x != y
        }
    }
}
