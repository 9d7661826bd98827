/// The primitive operations of the IR.
///
/// Every operation has exactly one derivative rule in `DerivativeRules`. Elementwise
/// operations broadcast their operands to the result's shape (NumPy rules), so fusion can
/// treat them as one loop over the result.
public enum IROp: Hashable, Sendable {
    /// Argument `index` of the function.
    case argument(Int)
    /// A model parameter, by its name in the model (for example `fc1.weight`).
    case parameter(String)
    /// A number, broadcast to the result type (usually a scalar).
    case constant(Double)
    /// The product of some dimensions as a Float (for example the `n` that `mean` divides by).
    case count([IRDimension])

    /// An elementwise function of one operand.
    case unary(UnaryFunction)
    /// An elementwise function of two operands, broadcast to the result shape.
    case binary(BinaryFunction)
    /// An elementwise comparison, broadcast; the result is Bool.
    case compare(Comparison)
    /// `select(condition, ifTrue, ifFalse)`, broadcast.
    case select

    /// The product of two matrices (rank 2), each optionally transposed.
    case matmul(transposeLeft: Bool, transposeRight: Bool)
    /// The transpose of a matrix.
    case transpose
    /// The NumPy broadcast of the operand to the result shape.
    case broadcast
    /// The sum of the operand down to the result shape: the reverse of `broadcast`.
    case sumToShape
    /// The sum over one axis (removing it), or over everything when `axis` is `nil`.
    case reduceSum(axis: Int?)
    /// The maximum over one axis (removing it), or over everything when `axis` is `nil`.
    case reduceMax(axis: Int?)
    /// Inserts `axis` (of the result's size there) and repeats the operand along it: the
    /// reverse of `reduceSum(axis:)`.
    case expandAxis(Int)
    /// `log(sum(exp(x)))` along an axis, computed stably.
    case logSumExp(axis: Int)
    /// `exp(x) / sum(exp(x))` along an axis, computed stably.
    case softmax(axis: Int)
    /// Picks `x[i, labels[i]]` from a `[b, c]` matrix and `Int[b]` labels.
    case pickClass
    /// Places `g[i]` at `[i, labels[i]]` of a zero `[b, c]` matrix: the reverse of `pickClass`.
    case scatterClass
    /// Elements `start..<end` along `axis` (the axis is kept).
    case slice(axis: Int, start: Int, end: Int)
    /// The reverse of `slice`: the operand placed at `start` along `axis` of a zero tensor.
    case pad(axis: Int, start: Int)
    /// The operand itself, through which no derivative flows.
    case stopGradient
}

/// Elementwise functions of one value.
public enum UnaryFunction: String, Hashable, Sendable, CaseIterable {
    /// Negation, `exp`, natural `log`, `sqrt`, `1/sqrt`, `abs`, `sign` (0 at 0), `sin`, `cos`,
    /// `tanh`, the logistic `sigmoid`, `relu`, `softplus` (`log(1 + exp(x))`) and the error
    /// function `erf`.
    case negate, exp, log, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid, relu, softplus, erf
    /// `1 / x`.
    case reciprocal
    /// `1` where the operand is positive, else `0` (the derivative of relu; relu'(0) = 0).
    case step
}

/// Elementwise functions of two values.
public enum BinaryFunction: String, Hashable, Sendable, CaseIterable {
    /// Sum, difference, product, quotient, and the smaller or larger of the two.
    case add, subtract, multiply, divide, minimum, maximum
    /// `x` raised to `y`, for positive `x` or constant integral `y`.
    case power
}

/// Elementwise comparisons.
public enum Comparison: String, Hashable, Sendable, CaseIterable {
    /// `x < y`, `x <= y`, `x > y`, `x >= y`, `x == y` and `x != y`, spelled as their raw values.
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
}
