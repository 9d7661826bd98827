/// Appends instructions to a function body, inferring result types where the rule is plain.
///
/// Lowering and the derivative rules both build IR through it, so shape rules live in one
/// place.
public struct IRBuilder {
    /// The instructions appended so far, including the ones the builder started with.
    public private(set) var instructions: [IRInstruction]
    private var nextID: Int
    /// The source position attached to instructions appended from now on.
    public var origin: SourceOrigin?
    private var types: [IRValue: IRType]
    /// The sides of data-dependent branches being lowered, outermost first.
    private var sides: [BranchSide] = []

    /// Starts appending to `instructions`, numbering new values from `nextID`.
    public init(instructions: [IRInstruction] = [], nextID: Int = 0) {
        self.instructions = instructions
        self.nextID = max(nextID, (instructions.map(\.result.id).max() ?? -1) + 1)
        self.types = Dictionary(uniqueKeysWithValues: instructions.map { ($0.result, $0.type) })
    }

    /// The type of a value defined so far.
    public func type(of value: IRValue) -> IRType {
        guard let type = types[value] else { preconditionFailure("IR value \(value) is not defined") }
        return type
    }

    /// Appends an instruction and returns its result. Inside a branch's side, operands from
    /// before the side and parameters read in it are guarded first (see ``enterSide(condition:taken:)``).
    @discardableResult
    public mutating func emit(_ op: IROp, _ operands: [IRValue] = [], type: IRType) -> IRValue {
        guard !sides.isEmpty else { return append(op, operands, type: type) }
        var read: [IRValue] = []
        for operand in operands { read.append(guarded(operand)) }
        var result = append(op, read, type: type)
        if case .parameter = op {
            for side in sides { result = guarding(result, by: side) }
        }
        return result
    }

    private mutating func append(_ op: IROp, _ operands: [IRValue], type: IRType) -> IRValue {
        let result = IRValue(nextID)
        nextID += 1
        instructions.append(IRInstruction(result: result, op: op, operands: operands, type: type, origin: origin))
        types[result] = type
        return result
    }

    // MARK: - Branches

    /// One side of a data-dependent branch: the values defined before it and read in it, each
    /// guarded once.
    private struct BranchSide {
        var condition: IRValue
        var taken: Bool
        /// The first value defined inside the side.
        var firstID: Int
        /// The guarded form of each outer value read so far, by the outer value.
        var guards: [IRValue: IRValue] = [:]
    }

    /// Starts lowering the side of a branch that runs when `condition` is `taken`.
    ///
    /// Both sides of a branch are computed and the results chosen by `select`, so the side not
    /// taken may compute NaN (`sqrt` of a negative number). Its values reach the results only
    /// through `select`, so the forward values are right; but a reverse pass would multiply
    /// those NaNs by zero cotangents and add them into the gradients of the values the side
    /// read. So the side reads each outer Float value `x` as `select(condition, x,
    /// stopGradient(x))` (the sides swapped for `else`): the same value, whose cotangent
    /// reaches `x` only when the side is taken, at every order of derivative. Parameters read
    /// in the side are guarded the same way.
    public mutating func enterSide(condition: IRValue, taken: Bool) {
        sides.append(BranchSide(condition: condition, taken: taken, firstID: nextID))
    }

    /// Ends the innermost side begun by ``enterSide(condition:taken:)``.
    public mutating func leaveSide() {
        sides.removeLast()
    }

    /// `value` as the sides being lowered read it: guarded by each side it comes from outside of.
    private mutating func guarded(_ value: IRValue) -> IRValue {
        guard types[value]?.element == .float else { return value }
        var current = value
        for level in sides.indices where value.id < sides[level].firstID {
            if let known = sides[level].guards[value] {
                current = known
            } else {
                current = guarding(current, by: sides[level])
                sides[level].guards[value] = current
            }
        }
        return current
    }

    private mutating func guarding(_ value: IRValue, by side: BranchSide) -> IRValue {
        let type = type(of: value)
        let frozen = append(.stopGradient, [value], type: type)
        let operands = side.taken ? [side.condition, value, frozen] : [side.condition, frozen, value]
        return append(.select, operands, type: type)
    }

    /// Gives the instruction that computes `value` the name `name` (from a `let`), unless it
    /// already has one or only names another value (an argument, a parameter, a constant).
    public mutating func name(_ value: IRValue, _ name: String?) {
        guard let name, let index = instructions.lastIndex(where: { $0.result == value }),
              instructions[index].name == nil else { return }
        if case .constant = instructions[index].op { return }
        guard instructions[index].op.operationClass != .name else { return }
        instructions[index].name = name
    }

    // MARK: - Shape rules

    /// The NumPy broadcast of two shapes, or `nil` when they don't broadcast.
    public static func broadcastShape(_ left: [IRDimension], _ right: [IRDimension]) -> [IRDimension]? {
        let rank = max(left.count, right.count)
        var shape: [IRDimension] = []
        for position in 0..<rank {
            let l = position < rank - left.count ? IRDimension.fixed(1) : left[position - (rank - left.count)]
            let r = position < rank - right.count ? IRDimension.fixed(1) : right[position - (rank - right.count)]
            if l == r || r == .fixed(1) {
                shape.append(l)
            } else if l == .fixed(1) {
                shape.append(r)
            } else {
                return nil
            }
        }
        return shape
    }

    private func broadcastType(_ operands: [IRValue], element: IRType.Element) -> IRType {
        var shape: [IRDimension] = []
        for operand in operands {
            guard let merged = Self.broadcastShape(shape, type(of: operand).shape) else {
                preconditionFailure("IR operands \(operands) do not broadcast")
            }
            shape = merged
        }
        return IRType(element, shape)
    }

    // MARK: - Conveniences used by lowering and derivative rules

    /// Appends a Float scalar constant.
    public mutating func constant(_ value: Double) -> IRValue {
        emit(.constant(value), type: .scalar)
    }

    /// Appends an elementwise function of `x`; the result has the shape of `x`.
    public mutating func unary(_ function: UnaryFunction, _ x: IRValue) -> IRValue {
        emit(.unary(function), [x], type: type(of: x).with(.float))
    }

    /// Appends an elementwise function of `x` and `y`; the result has their broadcast shape.
    public mutating func binary(_ function: BinaryFunction, _ x: IRValue, _ y: IRValue) -> IRValue {
        emit(.binary(function), [x, y], type: broadcastType([x, y], element: .float))
    }

    /// Appends an elementwise comparison; the result is Bool, of the operands' broadcast shape.
    public mutating func compare(_ comparison: Comparison, _ x: IRValue, _ y: IRValue) -> IRValue {
        emit(.compare(comparison), [x, y], type: broadcastType([x, y], element: .bool))
    }

    /// Appends `ifTrue` where `condition` holds, else `ifFalse`, at the broadcast shape of all three.
    public mutating func select(_ condition: IRValue, _ ifTrue: IRValue, _ ifFalse: IRValue) -> IRValue {
        emit(.select, [condition, ifTrue, ifFalse], type: broadcastType([condition, ifTrue, ifFalse], element: .float))
    }

    /// Appends `x + y`, broadcast.
    public mutating func add(_ x: IRValue, _ y: IRValue) -> IRValue { binary(.add, x, y) }
    /// Appends `x - y`, broadcast.
    public mutating func subtract(_ x: IRValue, _ y: IRValue) -> IRValue { binary(.subtract, x, y) }
    /// Appends `x * y` (elementwise), broadcast.
    public mutating func multiply(_ x: IRValue, _ y: IRValue) -> IRValue { binary(.multiply, x, y) }
    /// Appends `x / y`, broadcast.
    public mutating func divide(_ x: IRValue, _ y: IRValue) -> IRValue { binary(.divide, x, y) }
    /// Appends `-x`.
    public mutating func negate(_ x: IRValue) -> IRValue { unary(.negate, x) }

    /// `x * constant`.
    public mutating func scale(_ x: IRValue, by factor: Double) -> IRValue {
        multiply(x, constant(factor))
    }

    /// `x` broadcast to `shape`, or `x` itself when it already has that shape.
    public mutating func broadcast(_ x: IRValue, to shape: [IRDimension]) -> IRValue {
        type(of: x).shape == shape ? x : emit(.broadcast, [x], type: IRType(type(of: x).element, shape))
    }

    /// `x` summed down to `shape`, or `x` itself when it already has that shape.
    public mutating func sum(_ x: IRValue, toShape shape: [IRDimension]) -> IRValue {
        type(of: x).shape == shape ? x : emit(.sumToShape, [x], type: .float(shape))
    }

    /// Appends the sum of `x` over `axis` (removing it), or over all of `x` when `axis` is `nil`.
    public mutating func reduceSum(_ x: IRValue, axis: Int?) -> IRValue {
        emit(.reduceSum(axis: axis), [x], type: .float(Self.removing(axis, from: type(of: x).shape)))
    }

    /// Appends the maximum of `x` over `axis` (removing it), or over all of `x` when `axis` is `nil`.
    public mutating func reduceMax(_ x: IRValue, axis: Int?) -> IRValue {
        emit(.reduceMax(axis: axis), [x], type: .float(Self.removing(axis, from: type(of: x).shape)))
    }

    /// Repeats `x` along a new `axis` of size `size`.
    public mutating func expand(_ x: IRValue, axis: Int, size: IRDimension) -> IRValue {
        var shape = type(of: x).shape
        shape.insert(size, at: axis)
        return emit(.expandAxis(axis), [x], type: .float(shape))
    }

    /// `x` reduced by `reduceSum(axis:)` and spread back over the original shape: the
    /// reverse of a reduction along `axis` (or of a whole-tensor reduction).
    public mutating func spread(_ x: IRValue, axis: Int?, over shape: [IRDimension]) -> IRValue {
        guard let axis else { return broadcast(x, to: shape) }
        return expand(x, axis: axis, size: shape[axis])
    }

    /// Appends the matrix product of `x` and `y`, each transposed first if asked.
    ///
    /// The result is `[rows, columns]` of the (transposed) operands, after the batch axes of
    /// a batched product (see ``IROp/matmul(transposeLeft:transposeRight:)``); give `shape`
    /// where the operands alone don't tell (a product that sums over a batch).
    public mutating func matmul(
        _ x: IRValue, _ y: IRValue, transposeLeft: Bool = false, transposeRight: Bool = false, shape: [IRDimension]? = nil
    ) -> IRValue {
        let left = type(of: x).shape, right = type(of: y).shape
        let rows = transposeLeft ? left[left.count - 1] : left[left.count - 2]
        let columns = transposeRight ? right[right.count - 2] : right[right.count - 1]
        let leading = left.dropLast(2)
        return emit(
            .matmul(transposeLeft: transposeLeft, transposeRight: transposeRight), [x, y],
            type: .float(shape ?? Array(leading) + [rows, columns]))
    }

    /// Appends the transpose of the matrix `x`.
    public mutating func transpose(_ x: IRValue) -> IRValue {
        let shape = type(of: x).shape
        return emit(.transpose, [x], type: .float([shape[1], shape[0]]))
    }

    /// The number of elements along `axis` (or in the whole of `x` when `axis` is `nil`).
    public mutating func count(of x: IRValue, axis: Int?) -> IRValue {
        let shape = type(of: x).shape
        let dimensions = axis.map { [shape[$0]] } ?? shape
        let known = dimensions.allSatisfy { if case .fixed = $0 { return true } else { return false } }
        if known {
            return constant(Double(dimensions.reduce(1) { if case .fixed(let n) = $1 { return $0 * n } else { return $0 } }))
        }
        return emit(.count(dimensions), type: .scalar)
    }

    static func removing(_ axis: Int?, from shape: [IRDimension]) -> [IRDimension] {
        guard let axis else { return [] }
        var shape = shape
        shape.remove(at: axis)
        return shape
    }
}
