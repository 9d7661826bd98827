/// The primitive operations a checked program is built from; operators resolve to these too.
public enum Builtin: String, CaseIterable, Sendable {
    // Elementwise unary.
    case exp, log, sqrt, rsqrt, abs, square, sin, cos, tanh, sigmoid, relu, leakyRelu, elu, gelu, geluTanh
    case silu, softplus, pow, stopGradient
    // Elementwise with broadcasting.
    case minimum, maximum, clamp, `where`
    // Operators.
    case add, subtract, multiply, divide, negate, matmul, transpose
    case less, lessEqual, greater, greaterEqual, equal, notEqual
    // Reductions and normalizations.
    case sum, mean, maxReduce, logSumExp, softmax, logSoftmax
    // Losses.
    case mse, mae, huber, binaryCrossEntropy, crossEntropy

    /// The builtins that may be written as a Dense layer's `activation:`.
    static let activations: [Builtin] = [
        .relu, .leakyRelu, .elu, .gelu, .geluTanh, .silu, .softplus, .sigmoid, .tanh,
        .exp, .log, .sqrt, .rsqrt, .abs, .square, .sin, .cos,
    ]

    /// The numeric constant the builtin takes and its default, if it takes one with a default.
    var defaultConstant: Double? {
        switch self {
        case .leakyRelu: return 0.01
        case .elu, .huber: return 1
        case .crossEntropy: return 0
        default: return nil
        }
    }
}

/// A call of a builtin with its arguments put in canonical order and its constants evaluated.
public struct ResolvedCall: Sendable, Equatable {
    /// The operation.
    public var builtin: Builtin
    /// The tensor operands in canonical order: `(x)`, `(left, right)`, `(condition, a, b)`,
    /// `(x, low, high)` for clamp, `(predicted, target)`, `(logits, labels)`.
    public var operands: [Expr]
    /// The reduction or normalization axis, nonnegative; `nil` reduces the whole tensor.
    public var axis: Int?
    /// The one numeric constant the builtin takes (leakyRelu slope, elu alpha, pow exponent,
    /// huber delta, crossEntropy label smoothing), with defaults filled in.
    public var constant: Double?

    /// Creates a resolved call.
    public init(builtin: Builtin, operands: [Expr], axis: Int? = nil, constant: Double? = nil) {
        self.builtin = builtin
        self.operands = operands
        self.axis = axis
        self.constant = constant
    }
}
