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

/// The C math library's functions of one `Double`, under names apart from ``UnaryFunction``'s
/// cases: inside its extension, `exp` names the case.
private let libm = (
    exp: exp as @Sendable (Double) -> Double, expm1: expm1 as @Sendable (Double) -> Double, log: log as @Sendable (Double) -> Double,
    log1p: log1p as @Sendable (Double) -> Double, sin: sin as @Sendable (Double) -> Double, cos: cos as @Sendable (Double) -> Double,
    asin: asin as @Sendable (Double) -> Double, acos: acos as @Sendable (Double) -> Double, atan: atan as @Sendable (Double) -> Double,
    sinh: sinh as @Sendable (Double) -> Double, cosh: cosh as @Sendable (Double) -> Double, tanh: tanh as @Sendable (Double) -> Double,
    erf: erf as @Sendable (Double) -> Double
)

/// Elementwise functions of one value.
///
/// Everything the compiler knows about each one is its entry in `definition`: adding a
/// function is adding a case and its entry (and its tests). A function with a `UnaryDefinition.spelling`
/// is a builtin of the language, callable as `name(x)` and usable as a layer's `activation:`.
public enum UnaryFunction: String, Hashable, Sendable, CaseIterable {
    case negate, exp, expm1, log, log1p, sqrt, rsqrt, abs, sign, sin, cos, asin, acos, atan, sinh, cosh, tanh
    case sigmoid, logSigmoid, relu, softplus, erf, reciprocal
    /// `1` where the operand is positive, else `0` (the derivative of relu; relu'(0) = 0).
    case step
}

/// What the compiler knows about one elementwise function of one value.
struct UnaryDefinition {
    /// The builtin's name in the language (`exp` for `exp(x)`), or `nil` for functions only
    /// the compiler writes (`negate` is the operator `-x`).
    var spelling: String?
    /// The function on one `Double`: the interpreter's semantics and constant folding's.
    var value: (Double) -> Double
    /// The Swift expression of the function on one `Float`, given an atomic expression.
    var swift: (String) -> String
    /// The expression on a SIMD vector, when the standard library has one without a software
    /// call; otherwise the loops around the function run one element at a time.
    var lanes: ((LaneOperand) -> String)? = nil
    /// The case of the runtime's `Kernels.ElementFunction` that computes the function over a
    /// block of elements, where that beats ``lanes`` (a transcendental function: the C kernel
    /// has the CPU's widest vectors and fused multiply-adds, which Swift's default build lacks).
    var blockKernel: String? = nil
    /// The seed times the derivative at `x`, built in IR from the operand `x` and the result
    /// `y`; the seed is the adjoint in reverse mode and the tangent in forward mode. `nil`
    /// where the derivative is zero wherever it exists (sign, step).
    var chainRule: ((_ seed: IRValue, _ x: IRValue, _ y: IRValue, _ b: inout IRBuilder) -> IRValue)?
}

extension UnaryFunction {
    /// This function's spelling, semantics, Swift and derivative. Conventions at kinks are
    /// PyTorch's: relu'(0) = 0 (from step(0) = 0), abs'(0) = 0 (from sign(0) = 0), sign' = 0.
    var definition: UnaryDefinition {
        switch self {
        case .negate:
            UnaryDefinition(
                value: { -$0 }, swift: { "-\($0)" }, lanes: { "-\($0.vector)" },
                chainRule: { s, _, _, b in b.negate(s) })
        case .exp:
            UnaryDefinition(
                spelling: "exp", value: libm.exp, swift: { "Foundation.exp(\($0))" },
                lanes: { "LaneFunctions.exp(\($0.vector))" }, blockKernel: "exp",
                chainRule: { s, _, y, b in b.multiply(s, y) })
        case .expm1:
            // exp(x) - 1 without the cancellation near 0; its derivative is exp(x).
            UnaryDefinition(
                spelling: "expm1", value: libm.expm1, swift: { "Foundation.expm1(\($0))" },
                lanes: { "LaneFunctions.expm1(\($0.vector))" }, blockKernel: "expm1",
                chainRule: { s, x, _, b in b.multiply(s, b.unary(.exp, x)) })
        case .log:
            UnaryDefinition(
                spelling: "log", value: libm.log, swift: { "Foundation.log(\($0))" },
                chainRule: { s, x, _, b in b.divide(s, x) })
        case .log1p:
            // log(1 + x) without the rounding of 1 + x near 0; its derivative is 1 / (1 + x).
            UnaryDefinition(
                spelling: "log1p", value: libm.log1p, swift: { "Foundation.log1p(\($0))" },
                chainRule: { s, x, _, b in b.divide(s, b.add(b.constant(1), x)) })
        case .sqrt:
            UnaryDefinition(
                spelling: "sqrt", value: { $0.squareRoot() }, swift: { "\($0).squareRoot()" },
                lanes: { "\($0.vector).squareRoot()" },
                chainRule: { s, _, y, b in b.divide(b.scale(s, by: 0.5), y) })  // 1 / (2 sqrt x)
        case .rsqrt:
            UnaryDefinition(
                spelling: "rsqrt", value: { 1 / $0.squareRoot() }, swift: { "1 / \($0).squareRoot()" },
                chainRule: { s, _, y, b in b.multiply(b.scale(s, by: -0.5), b.multiply(y, b.multiply(y, y))) })  // -x^(-3/2) / 2
        case .abs:
            UnaryDefinition(
                spelling: "abs", value: { Swift.abs($0) }, swift: { "Swift.abs(\($0))" },
                lanes: { "pointwiseMax(\($0.vector), -\($0.vector))" },
                chainRule: { s, x, _, b in b.multiply(s, b.unary(.sign, x)) })
        case .sign:
            UnaryDefinition(
                spelling: "sign", value: { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, swift: { "(\($0) > 0 ? 1 : (\($0) < 0 ? -1 : 0))" },
                lanes: { x in "\(x.vectorType)().replacing(with: 1, where: \(x.vector) .> 0).replacing(with: -1, where: \(x.vector) .< 0)" },
                chainRule: nil)
        case .sin:
            UnaryDefinition(
                spelling: "sin", value: libm.sin, swift: { "Foundation.sin(\($0))" },
                chainRule: { s, x, _, b in b.multiply(s, b.unary(.cos, x)) })
        case .cos:
            UnaryDefinition(
                spelling: "cos", value: libm.cos, swift: { "Foundation.cos(\($0))" },
                chainRule: { s, x, _, b in b.multiply(s, b.negate(b.unary(.sin, x))) })
        case .asin:
            // 1 / sqrt(1 - x²): infinite at ±1, where asin has a vertical tangent (as in PyTorch).
            UnaryDefinition(
                spelling: "asin", value: libm.asin, swift: { "Foundation.asin(\($0))" },
                chainRule: { s, x, _, b in b.divide(s, b.unary(.sqrt, b.subtract(b.constant(1), b.multiply(x, x)))) })
        case .acos:
            UnaryDefinition(
                spelling: "acos", value: libm.acos, swift: { "Foundation.acos(\($0))" },
                chainRule: { s, x, _, b in b.negate(b.divide(s, b.unary(.sqrt, b.subtract(b.constant(1), b.multiply(x, x))))) })
        case .atan:
            UnaryDefinition(
                spelling: "atan", value: libm.atan, swift: { "Foundation.atan(\($0))" },
                chainRule: { s, x, _, b in b.divide(s, b.add(b.constant(1), b.multiply(x, x))) })
        case .sinh:
            UnaryDefinition(
                spelling: "sinh", value: libm.sinh, swift: { "Foundation.sinh(\($0))" },
                chainRule: { s, x, _, b in b.multiply(s, b.unary(.cosh, x)) })
        case .cosh:
            UnaryDefinition(
                spelling: "cosh", value: libm.cosh, swift: { "Foundation.cosh(\($0))" },
                chainRule: { s, x, _, b in b.multiply(s, b.unary(.sinh, x)) })
        case .tanh:
            UnaryDefinition(
                spelling: "tanh", value: libm.tanh, swift: { "Foundation.tanh(\($0))" },
                lanes: { "LaneFunctions.tanh(\($0.vector))" }, blockKernel: "tanh",
                chainRule: { s, _, y, b in b.multiply(s, b.subtract(b.constant(1), b.multiply(y, y))) })
        case .sigmoid:
            UnaryDefinition(
                spelling: "sigmoid", value: { 1 / (1 + libm.exp(-$0)) }, swift: { "1 / (1 + Foundation.exp(-\($0)))" },
                lanes: { "LaneFunctions.sigmoid(\($0.vector))" }, blockKernel: "sigmoid",
                chainRule: { s, _, y, b in b.multiply(s, b.multiply(y, b.subtract(b.constant(1), y))) })
        case .relu:
            UnaryDefinition(
                spelling: "relu", value: { $0 > 0 ? $0 : 0 }, swift: { "(\($0) > 0 ? \($0) : 0)" },
                lanes: { "pointwiseMax(\($0.vector), \($0.vectorType)())" },
                chainRule: { s, x, _, b in b.multiply(s, b.unary(.step, x)) })
        case .logSigmoid:
            // log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|)): finite where
            // sigmoid(x) rounds to 0, and its derivative sigmoid(-x) never divides by it.
            UnaryDefinition(
                spelling: "logSigmoid", value: { Swift.min($0, 0) - libm.log1p(libm.exp(-Swift.abs($0))) },
                swift: { "Swift.min(\($0), 0) - Foundation.log1p(Foundation.exp(-Swift.abs(\($0))))" },
                chainRule: { s, x, _, b in b.multiply(s, b.unary(.sigmoid, b.negate(x))) })
        case .softplus:
            // max(x, 0) + log1p(exp(-|x|)): no overflow for large x, no rounding to 0 for small.
            UnaryDefinition(
                spelling: "softplus", value: { Swift.max($0, 0) + libm.log1p(libm.exp(-Swift.abs($0))) },
                swift: { "Swift.max(\($0), 0) + Foundation.log1p(Foundation.exp(-Swift.abs(\($0))))" },
                chainRule: { s, x, _, b in b.multiply(s, b.unary(.sigmoid, x)) })
        case .erf:
            // erf'(x) = 2 / sqrt(pi) * exp(-x²)
            UnaryDefinition(
                spelling: "erf", value: libm.erf, swift: { "Foundation.erf(\($0))" },
                chainRule: { s, x, _, b in
                    let gaussian = b.unary(.exp, b.negate(b.multiply(x, x)))
                    return b.multiply(b.scale(s, by: 2 / Double.pi.squareRoot()), gaussian)
                })
        case .reciprocal:
            UnaryDefinition(
                value: { 1 / $0 }, swift: { "1 / \($0)" }, lanes: { "1 / \($0.vector)" },
                chainRule: { s, _, y, b in b.negate(b.multiply(s, b.multiply(y, y))) })
        case .step:
            UnaryDefinition(
                value: { $0 > 0 ? 1 : 0 }, swift: { "(\($0) > 0 ? 1 : 0)" },
                lanes: { "\($0.vectorType)().replacing(with: 1, where: \($0.vector) .> 0)" },
                chainRule: nil)
        }
    }

    /// The functions the language spells as builtins, by name.
    static let bySpelling: [String: UnaryFunction] = Dictionary(
        uniqueKeysWithValues: allCases.compactMap { function in function.definition.spelling.map { ($0, function) } })
}
