/// The primitive operations of the IR.
///
/// Elementwise functions are families whose members each have one entry holding everything
/// the compiler knows about them (``UnaryFunction``, ``BinaryFunction``, ``Comparison``); every
/// operation has one class (`OperationClass`) that decides how it is planned, and one reverse
/// rule (`DerivativeRules`). Elementwise operations broadcast their operands to the result's
/// shape (NumPy rules), so fusion can treat them as one loop over the result.
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

    /// The product of two matrices, each optionally transposed. When the result and both
    /// operands have the same rank above 2, the leading axes are a batch and each matrix of
    /// one multiplies the same one of the other; otherwise each operand and the result are read
    /// as one matrix of their last axis by all the others together (`[b, n, d] @ [d, m]`, and
    /// the `[d, m]` gradient that sums over the batch).
    case matmul(transposeLeft: Bool, transposeRight: Bool)
    /// The transpose of a matrix.
    case transpose
    /// The axes in another order: result axis `i` is operand axis `permutation[i]`.
    case permute([Int])
    /// Each element's position along `axis`, as a Float (no operands).
    case iota(axis: Int)
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
    /// The operand's elements in the same row-major order, in the result's shape.
    case reshape

    /// Rows of a `[rows, width]` table (operand 0) picked by integer indices (operand 1, of any
    /// shape): the result is the indices' shape followed by `width`, row `indices[k]` of the
    /// table at position `k` (PyTorch's `F.embedding(indices, table)`).
    case gather
    /// The reverse of `gather`: each row of operand 0 (the indices' shape followed by `width`)
    /// added into row `indices[k]` (operand 1) of a zero table, the result's `[rows, width]`.
    case scatterAdd
    /// The position of the largest element along `axis` (removed), the first among equals and
    /// the first NaN if any (PyTorch's `argmax`); the result is Int.
    case argmax(axis: Int)

    /// The 2-D convolution (cross-correlation, as PyTorch's) of an NCHW input with an OIHW
    /// weight: operands `(input, weight)`, result `[batch, out, height, width]`.
    case convolution2D(ConvolutionWindow)
    /// The gradient of a convolution with respect to its input (a transposed convolution):
    /// operands `(outputGradient, weight)`, result the input's shape.
    case convolution2DInputGradient(ConvolutionWindow)
    /// The gradient of a convolution with respect to its weight: operands
    /// `(input, outputGradient)`, result the weight's shape.
    case convolution2DWeightGradient(ConvolutionWindow)
    /// For each 2-D pooling window of operand 0 (NCHW), the element of operand 1 (the same
    /// shape) at operand 0's maximum: `maxPool(x)` is `maxPoolSelect(x, x)`.
    case maxPoolSelect(PoolingWindow)
    /// The reverse of `maxPoolSelect`: each element of operand 1 (pooled) added at operand 0's
    /// maximum in its window, in a zero tensor of operand 0's shape.
    case maxPoolScatter(PoolingWindow)

    /// A dropout mask in the result's shape (no operands): `1 / (1 - p)` where an element is
    /// kept, `0` where it is dropped, drawn from the training step's seed and number.
    case dropoutMask(DropoutMask)

    /// A counted loop whose body computes scalars (see ``IRLoop``); the operands are the carried
    /// values' first values, then the invariants. The result packs the final carried values
    /// and the outputs into one vector, which `slice` takes apart.
    case loop(IRLoop)
    /// Inside a loop's body, one element of a tensor (operand 0) at the row-major position
    /// `index * stride + offset`, where `index` (operand 1) is an `Int` scalar: `x[i]`, `x[i + 1]`
    /// or `x[i, 3]` with the loop's own index `i`.
    case elementAt(stride: Int, offset: Int)

    /// A call of another function of the program; the operands are its arguments. Only the
    /// lowered stage has calls: the differentiation stage inlines every one, so no later
    /// stage meets them.
    case call(IRCallee)
}

/// The function an ``IROp/call(_:)`` calls.
public struct IRCallee: Hashable, Sendable, CustomStringConvertible {
    /// The function's or `grad` definition's name.
    public var name: String
    /// Whether it is a function of the caller's model rather than a top-level one.
    public var isModelFunction: Bool
    /// For a function with custom derivative rules, during the differentiation stage: its body
    /// and its rules' (see ``CustomRules``).
    public var rules: CustomRules?
    /// For a function that returns a tuple, which of its values the call stands for. Lowering
    /// writes one call per value, in a row with the same operands.
    public var result: Int?

    /// Creates a callee.
    public init(name: String, isModelFunction: Bool, rules: CustomRules? = nil, result: Int? = nil) {
        self.name = name
        self.isModelFunction = isModelFunction
        self.rules = rules
        self.result = result
    }

    /// The name, prefixed with `self.` for a function of the model, and followed by `#index`
    /// for one value of a tuple.
    public var description: String { (isModelFunction ? "self." : "") + name + (result.map { "#\($0)" } ?? "") }

    /// Stops a stage after differentiation that meets a call: the differentiation stage
    /// inlines every call, so this is a compiler bug, never a user's mistake.
    func wasNotInlined() -> Never {
        preconditionFailure("the call of '\(self)' should have been inlined by the differentiation stage")
    }
}
