// The C math library, without Foundation (see UnaryFunction.swift).
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(ucrt)
import ucrt
#endif

/// Elementwise functions of two values, broadcast to the result's shape.
///
/// Everything the compiler knows about each one is its entry in `definition`. The language
/// spells them as operators (`+ - * /`) and builtins (`min`, `max`, `pow`), resolved by the
/// checker's ``Builtin``.
public enum BinaryFunction: String, Hashable, Sendable, CaseIterable {
    /// Sum, difference, product, quotient, and the smaller or larger of the two.
    case add, subtract, multiply, divide, minimum, maximum
    /// `x` raised to `y`, for positive `x` or constant integral `y`.
    case power
}

/// What the compiler knows about one elementwise function of two values.
struct BinaryDefinition {
    /// The function on two `Double`s: the interpreter's semantics and constant folding's.
    var value: (Double, Double) -> Double
    /// The Swift expression of the function on two `Float`s, given atomic expressions.
    var swift: (String, String) -> String
    /// The expression on SIMD vectors, when the standard library has one without a software call.
    var lanes: ((_ x: LaneOperand, _ y: LaneOperand) -> String)?
    /// The seed times the partial derivative of `y = f(x, z)` with respect to each operand
    /// in `wants` (`nil` for the others), built in IR. Reverse mode passes the adjoint and
    /// wants every operand that needs a gradient; forward mode passes each operand's tangent
    /// wanting that operand alone, and adds the results. Contributions have the result's shape.
    var partials: (_ seed: IRValue, _ x: IRValue, _ z: IRValue, _ y: IRValue, _ wants: [Bool], _ b: inout IRBuilder) -> [IRValue?]
}

extension BinaryFunction {
    /// This function's semantics, Swift and partial derivatives. On a tie, min and max give
    /// each operand half the gradient (PyTorch's convention).
    var definition: BinaryDefinition {
        switch self {
        case .add:
            BinaryDefinition(
                value: { $0 + $1 }, swift: { "\($0) + \($1)" }, lanes: { x, y in "\(x.vector) + \(y.code)" },
                partials: { s, _, _, _, _, _ in [s, s] })
        case .subtract:
            BinaryDefinition(
                value: { $0 - $1 }, swift: { "\($0) - \($1)" }, lanes: { x, y in "\(x.vector) - \(y.code)" },
                partials: { s, _, _, _, wants, b in [s, wants[1] ? b.negate(s) : nil] })
        case .multiply:
            BinaryDefinition(
                value: { $0 * $1 }, swift: { "\($0) * \($1)" }, lanes: { x, y in "\(x.vector) * \(y.code)" },
                partials: { s, x, z, _, wants, b in
                    [wants[0] ? b.multiply(s, z) : nil, wants[1] ? b.multiply(s, x) : nil]
                })
        case .divide:
            // d(x/z)/dz = -y / z
            BinaryDefinition(
                value: { $0 / $1 }, swift: { "\($0) / \($1)" }, lanes: { x, y in "\(x.vector) / \(y.code)" },
                partials: { s, _, z, y, wants, b in
                    [wants[0] ? b.divide(s, z) : nil, wants[1] ? b.negate(b.divide(b.multiply(s, y), z)) : nil]
                })
        case .minimum:
            BinaryDefinition(
                value: { Swift.min($0, $1) }, swift: { "Swift.min(\($0), \($1))" },
                lanes: { x, y in "pointwiseMin(\(x.vector), \(y.vector))" },
                partials: { s, x, z, _, wants, b in Self.chosenOperandPartials(.less, s, x, z, wants, &b) })
        case .maximum:
            BinaryDefinition(
                value: { Swift.max($0, $1) }, swift: { "Swift.max(\($0), \($1))" },
                lanes: { x, y in "pointwiseMax(\(x.vector), \(y.vector))" },
                partials: { s, x, z, _, wants, b in Self.chosenOperandPartials(.greater, s, x, z, wants, &b) })
        case .power:
            // d(x^z)/dx = z x^(z-1);  d(x^z)/dz = log(x) x^z
            BinaryDefinition(
                value: { pow($0, $1) }, swift: { "Foundation.pow(\($0), \($1))" }, lanes: nil,
                partials: { s, x, z, y, wants, b in
                    let dx = wants[0] ? b.multiply(s, b.multiply(z, b.binary(.power, x, b.subtract(z, b.constant(1))))) : nil
                    let dz = wants[1] ? b.multiply(s, b.multiply(b.unary(.log, x), y)) : nil
                    return [dx, dz]
                })
        }
    }

    /// min and max: the operand chosen (the one that `wins` the comparison) takes the seed;
    /// on a tie each takes half.
    private static func chosenOperandPartials(
        _ wins: Comparison, _ s: IRValue, _ x: IRValue, _ z: IRValue, _ wants: [Bool], _ b: inout IRBuilder
    ) -> [IRValue?] {
        let zero = b.constant(0)
        let half = b.scale(s, by: 0.5)
        let tie = b.compare(.equal, x, z)
        return [wants[0] ? b.select(b.compare(wins, x, z), s, b.select(tie, half, zero)) : nil,
                wants[1] ? b.select(b.compare(wins, z, x), s, b.select(tie, half, zero)) : nil]
    }
}
