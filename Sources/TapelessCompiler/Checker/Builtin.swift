/// The primitive operations a checked program is built from; operators resolve to these too.
public enum Builtin: Hashable, Sendable {
    /// An elementwise function of one value that the language calls by its own name, such as
    /// `exp(x)` or `atan(x)`: every ``UnaryFunction`` with a spelling.
    case elementwise(UnaryFunction)
    /// `square(x)`: `x * x`, elementwise.
    case square
    /// `leakyRelu(x, slope)`: `x` where positive, else `slope * x`; the constant is the slope.
    case leakyRelu
    /// `elu(x, alpha:)`: `x` where positive, else `alpha * (exp(x) - 1)`; the constant is alpha.
    case elu
    /// `gelu(x)`: `x * Φ(x)` with the exact normal CDF `Φ`.
    case gelu
    /// `gelu(x, approximate: tanh)`: `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
    case geluTanh
    /// `silu(x)`: `x * sigmoid(x)`.
    case silu
    /// `pow(x, exponent)` with a constant exponent (the constant).
    case pow
    /// `stopGradient(x)`: `x`, with no gradient flowing back through it.
    case stopGradient
    /// `min(a, b)`, elementwise with broadcasting.
    case minimum
    /// `max(a, b)`, elementwise with broadcasting.
    case maximum
    /// `clamp(x, low, high)` with Float scalar bounds (operands `x, low, high`).
    case clamp
    /// `where(condition, a, b)`: `a` where the condition holds, else `b`, broadcasting all three.
    case `where`
    /// `a + b` with broadcasting.
    case add
    /// `a - b` with broadcasting.
    case subtract
    /// `a * b` with broadcasting.
    case multiply
    /// `a / b` with broadcasting.
    case divide
    /// `-x`.
    case negate
    /// `a @ b` or `matmul(a, b)`: matrix-matrix, matrix-vector or vector-matrix product.
    case matmul
    /// `transpose(x)` of a matrix.
    case transpose
    /// `a < b`, giving Bool.
    case less
    /// `a <= b`, giving Bool.
    case lessEqual
    /// `a > b`, giving Bool.
    case greater
    /// `a >= b`, giving Bool.
    case greaterEqual
    /// `a == b`, giving Bool.
    case equal
    /// `a != b`, giving Bool.
    case notEqual
    /// `a && b` of Bool values, elementwise with broadcasting.
    case logicalAnd
    /// `a || b` of Bool values, elementwise with broadcasting.
    case logicalOr
    /// `!a` of a Bool value, elementwise.
    case logicalNot
    /// `sum(x)` of every element, or `sum(x, axis:)` removing the axis.
    case sum
    /// `mean(x)` of every element, or `mean(x, axis:)` removing the axis.
    case mean
    /// `max(x)` of every element, or `max(x, axis:)` removing the axis.
    case maxReduce
    /// `logSumExp(x, axis:)`: `log(sum(exp(x), axis:))`, computed stably, removing the axis.
    case logSumExp
    /// `softmax(x, axis:)` along the axis; the shape is unchanged.
    case softmax
    /// `logSoftmax(x, axis:)` along the axis; the shape is unchanged.
    case logSoftmax
    /// `mse(predicted, target)`: the mean of the squared differences.
    case mse
    /// `mae(predicted, target)`: the mean of the absolute differences.
    case mae
    /// `huber(predicted, target, delta:)`: the mean Huber loss; the constant is delta.
    case huber
    /// `binaryCrossEntropy(logits:, labels:)`: the mean sigmoid cross-entropy with Float labels.
    case binaryCrossEntropy
    /// `crossEntropy(logits: [b, c], labels: Int[b], labelSmoothing:)`: the mean softmax
    /// cross-entropy over the batch; the constant is the label smoothing.
    case crossEntropy
    /// `conv2D(x, weight, bias:, stride:, padding:, dilation:, groups:)`: PyTorch's `conv2d`
    /// of an NCHW input with an OIHW weight.
    case convolution2D
    /// `maxPool2D(x, kernel:, stride:, padding:, dilation:)`: PyTorch's `max_pool2d` of an
    /// NCHW input.
    case maxPool2D
    /// `flatten(x, from:)`: the axes from `from` (default 1, as `nn.Flatten`) merged into one.
    case flatten
    /// `min(x)` of every element, or `min(x, axis:)` removing the axis.
    case minReduce
    /// `variance(x, axis:, correction:)`: the mean squared deviation from the mean, divided by
    /// `n - correction` rather than `n` (PyTorch's `torch.var`; the constant is the correction, 1
    /// by default).
    case variance
    /// `norm(x, axis:)`: the Euclidean norm of every element or along the axis
    /// (`torch.linalg.vector_norm`), whose gradient at a zero vector is 0, as PyTorch's.
    case norm
    /// `normalize(x, axis:, eps:)`: `x` divided by its norm along the axis (the last by default),
    /// or by `eps` where the norm is smaller (PyTorch's `F.normalize`; the constant is `eps`,
    /// 1e-12 by default).
    case normalize
    /// `reshape(x, sizes…)`: the same elements in row-major order in another shape.
    case reshape
    /// `permute(x, axes…)`: the axes in another order (``ResolvedCall/permutation``).
    case permute
    /// `concat(tensors…, axis:)`: the tensors joined along an existing axis.
    case concat
    /// `stack(tensors…, axis:)`: the tensors joined along a new axis.
    case stack
    /// `pad(x, before, after, …)`: zeros around the last axes, as PyTorch's `F.pad` (pairs
    /// from the last axis; ``ResolvedCall/padding``).
    case pad
    /// `oneHot(labels, classes:)`: `Int[b]` labels as `[b, classes]` rows of zeros with a 1 at
    /// the label (the constant is the number of classes).
    case oneHot
    /// `gather(table, indices)`: the rows of a `[rows, width]` table that Int indices (of rank at
    /// most 3) pick, in the indices' shape followed by `width` (PyTorch's `F.embedding`).
    case gather
    /// `argmax(x, axis:)`: the position of the largest element along the axis (removed), an Int
    /// tensor (PyTorch's `torch.argmax`); no gradient flows through it.
    case argmax

    /// The names a Dense layer's `activation:` may take: every elementwise function the
    /// language spells, and the composite ones of one tensor.
    static let activationNames = UnaryFunction.allCases.compactMap(\.definition.spelling)
        + ["leakyRelu", "elu", "gelu", "silu", "square"]

    /// Whether the builtin computes each element from the same element of its operands, so on
    /// scalars it lowers to scalar operations only (what a loop that runs as a loop may hold).
    var isElementwise: Bool {
        switch self {
        case .elementwise, .square, .leakyRelu, .elu, .gelu, .geluTanh, .silu, .pow, .stopGradient, .minimum, .maximum,
             .clamp, .where, .add, .subtract, .multiply, .divide, .negate, .less, .lessEqual, .greater, .greaterEqual,
             .equal, .notEqual, .logicalAnd, .logicalOr, .logicalNot:
            true
        case .matmul, .transpose, .sum, .mean, .maxReduce, .logSumExp, .softmax, .logSoftmax, .mse, .mae, .huber,
             .binaryCrossEntropy, .crossEntropy, .convolution2D, .maxPool2D, .flatten, .minReduce, .variance, .norm,
             .normalize, .reshape, .permute, .concat, .stack, .pad, .oneHot, .gather, .argmax:
            false
        }
    }

    /// The numeric constant the builtin takes and its default, if it takes one with a default.
    var defaultConstant: Double? {
        switch self {
        case .leakyRelu: 0.01
        case .elu, .huber, .variance: 1
        case .crossEntropy: 0
        case .normalize: 1e-12
        case .elementwise, .square, .gelu, .geluTanh, .silu, .pow, .stopGradient, .minimum, .maximum, .clamp, .where,
             .add, .subtract, .multiply, .divide, .negate, .matmul, .transpose, .less, .lessEqual, .greater,
             .greaterEqual, .equal, .notEqual, .logicalAnd, .logicalOr, .logicalNot, .sum, .mean, .maxReduce, .logSumExp, .softmax, .logSoftmax, .mse, .mae,
             .binaryCrossEntropy, .convolution2D, .maxPool2D, .flatten, .minReduce, .reshape, .permute, .concat, .stack,
             .pad, .oneHot, .gather, .argmax, .norm:
            nil
        }
    }
}

/// A call of a builtin with its arguments put in canonical order and its constants evaluated.
public struct ResolvedCall: Sendable, Equatable {
    /// The operation.
    public var builtin: Builtin
    /// The tensor operands in canonical order: `(x)`, `(left, right)`, `(condition, a, b)`,
    /// `(x, low, high)` for clamp, `(predicted, target)`, `(logits, labels)`, `(table, indices)`.
    public var operands: [Expr]
    /// The reduction or normalization axis, nonnegative; `nil` reduces the whole tensor.
    public var axis: Int?
    /// The one numeric constant the builtin takes (leakyRelu slope, elu alpha, pow exponent,
    /// huber delta, crossEntropy label smoothing), with defaults filled in.
    public var constant: Double?
    /// A convolution's or pooling's options and the window and result type they give.
    public var window: Window?
    /// For `permute`: result axis `i` is operand axis `permutation[i]`.
    public var permutation: [Int]?
    /// For `pad`: the zeros before and after each axis, from the first, as
    /// `[before₀, after₀, before₁, after₁, …]`.
    public var padding: [Int]?
    /// For a reduction along an axis: whether the axis stays, with size 1 (`keepDims: true`).
    public var keepsDimensions = false

    /// The window of a convolution or pooling call, as the shape rules resolved it.
    public enum Window: Sendable, Equatable {
        case convolution(ConvolutionWindow)
        case pooling(PoolingWindow)
    }

    /// Creates a resolved call.
    public init(builtin: Builtin, operands: [Expr], axis: Int? = nil, constant: Double? = nil) {
        self.builtin = builtin
        self.operands = operands
        self.axis = axis
        self.constant = constant
    }
}
