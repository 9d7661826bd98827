/// The shape two operands broadcast to, by NumPy's rule: shapes are aligned at their last
/// dimension, and each pair of sizes must be equal or contain a 1 (missing dimensions count
/// as 1).
///
/// - Precondition: the shapes are compatible; `verb` (such as `add`) names the operation in
///   the message.
func broadcastShape(_ left: [Int], _ right: [Int], verb: String) -> [Int] {
    let rank = Swift.max(left.count, right.count)
    let paddedLeft = [Int](repeating: 1, count: rank - left.count) + left
    let paddedRight = [Int](repeating: 1, count: rank - right.count) + right
    return (0..<rank).map { dimension in
        let l = paddedLeft[dimension], r = paddedRight[dimension]
        precondition(
            l == r || l == 1 || r == 1,
            "cannot \(verb) \(left) and \(right): dimension \(dimension) is \(l) on the left and \(r) on the right"
        )
        return l == 1 ? r : l
    }
}

/// Row-major element strides of `shape` when read as `target` (a broadcast of it): dimensions
/// that are missing or stretched from size 1 get stride 0.
private func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
    var strides = [Int](repeating: 0, count: target.count)
    var stride = 1
    for (position, size) in shape.enumerated().reversed() {
        let targetPosition = position + target.count - shape.count
        strides[targetPosition] = size == 1 ? 0 : stride
        stride *= size
    }
    return strides
}

extension Tensor {
    /// Applies `operation` to corresponding elements of `left` and `right` after broadcasting
    /// them to a common shape. The one implementation behind `+`, `-`, `*` and `/`.
    private static func elementwise(
        _ left: Tensor, _ right: Tensor, verb: String, _ operation: (Float, Float) -> Float
    ) -> Tensor {
        let shape = broadcastShape(left.shape, right.shape, verb: verb)
        let leftStrides = broadcastStrides(of: left.shape, to: shape)
        let rightStrides = broadcastStrides(of: right.shape, to: shape)
        let count = shape.reduce(1, *)
        let lastSize = shape.last ?? 1
        let leftStep = leftStrides.last ?? 0, rightStep = rightStrides.last ?? 0
        return left.withUnsafeBufferPointer { l in
            right.withUnsafeBufferPointer { r in
                Tensor(shape: shape) { out in
                    // Walk the result one innermost row at a time; `position` is an odometer
                    // over the outer dimensions, and the operands' offsets follow it.
                    var position = [Int](repeating: 0, count: Swift.max(shape.count - 1, 0))
                    var leftOffset = 0, rightOffset = 0, outOffset = 0
                    while outOffset < count {
                        var li = leftOffset, ri = rightOffset
                        for j in 0..<lastSize {
                            out[outOffset &+ j] = operation(l[li], r[ri])
                            li &+= leftStep
                            ri &+= rightStep
                        }
                        outOffset &+= lastSize
                        var dimension = position.count - 1
                        while dimension >= 0 {
                            position[dimension] &+= 1
                            leftOffset &+= leftStrides[dimension]
                            rightOffset &+= rightStrides[dimension]
                            if position[dimension] < shape[dimension] { break }
                            leftOffset &-= leftStrides[dimension] &* shape[dimension]
                            rightOffset &-= rightStrides[dimension] &* shape[dimension]
                            position[dimension] = 0
                            dimension -= 1
                        }
                    }
                }
            }
        }
    }

    /// Element-wise sum, broadcasting the shapes as NumPy and PyTorch do.
    ///
    /// ```swift
    /// Tensor([[1, 2], [3, 4]]) + Tensor([10, 20])   // [[11, 22], [13, 24]]
    /// ```
    /// - Precondition: the shapes are broadcast-compatible.
    public static func + (left: Tensor, right: Tensor) -> Tensor {
        elementwise(left, right, verb: "add") { $0 + $1 }
    }

    /// Element-wise difference, broadcasting the shapes.
    ///
    /// - Precondition: the shapes are broadcast-compatible.
    public static func - (left: Tensor, right: Tensor) -> Tensor {
        elementwise(left, right, verb: "subtract") { $0 - $1 }
    }

    /// Element-wise product (not the matrix product; see ``matmul(_:_:)``), broadcasting the
    /// shapes.
    ///
    /// - Precondition: the shapes are broadcast-compatible.
    public static func * (left: Tensor, right: Tensor) -> Tensor {
        elementwise(left, right, verb: "multiply") { $0 * $1 }
    }

    /// Element-wise quotient, broadcasting the shapes.
    ///
    /// - Precondition: the shapes are broadcast-compatible.
    public static func / (left: Tensor, right: Tensor) -> Tensor {
        elementwise(left, right, verb: "divide") { $0 / $1 }
    }

    /// Adds `right` to every element.
    public static func + (left: Tensor, right: Float) -> Tensor { left + Tensor(right) }
    /// Adds every element to `left`.
    public static func + (left: Float, right: Tensor) -> Tensor { Tensor(left) + right }
    /// Subtracts `right` from every element.
    public static func - (left: Tensor, right: Float) -> Tensor { left - Tensor(right) }
    /// Subtracts every element from `left`.
    public static func - (left: Float, right: Tensor) -> Tensor { Tensor(left) - right }
    /// Multiplies every element by `right`.
    public static func * (left: Tensor, right: Float) -> Tensor { left * Tensor(right) }
    /// Multiplies `left` by every element.
    public static func * (left: Float, right: Tensor) -> Tensor { Tensor(left) * right }
    /// Divides every element by `right`.
    public static func / (left: Tensor, right: Float) -> Tensor { left / Tensor(right) }
    /// Divides `left` by every element.
    public static func / (left: Float, right: Tensor) -> Tensor { Tensor(left) / right }

    /// The element-wise negation.
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    /// Adds `right` (broadcast to this shape) to `left` in place.
    ///
    /// - Precondition: `right` broadcasts to `left`'s shape without enlarging it.
    public static func += (left: inout Tensor, right: Tensor) { left.assign(left + right, verb: "add") }
    /// Subtracts `right` (broadcast to this shape) from `left` in place.
    ///
    /// - Precondition: `right` broadcasts to `left`'s shape without enlarging it.
    public static func -= (left: inout Tensor, right: Tensor) { left.assign(left - right, verb: "subtract") }
    /// Multiplies `left` element-wise by `right` (broadcast to this shape) in place.
    ///
    /// - Precondition: `right` broadcasts to `left`'s shape without enlarging it.
    public static func *= (left: inout Tensor, right: Tensor) { left.assign(left * right, verb: "multiply") }
    /// Divides `left` element-wise by `right` (broadcast to this shape) in place.
    ///
    /// - Precondition: `right` broadcasts to `left`'s shape without enlarging it.
    public static func /= (left: inout Tensor, right: Tensor) { left.assign(left / right, verb: "divide") }

    /// Adds `right` to every element in place.
    public static func += (left: inout Tensor, right: Float) { left += Tensor(right) }
    /// Subtracts `right` from every element in place.
    public static func -= (left: inout Tensor, right: Float) { left -= Tensor(right) }
    /// Multiplies every element by `right` in place.
    public static func *= (left: inout Tensor, right: Float) { left *= Tensor(right) }
    /// Divides every element by `right` in place.
    public static func /= (left: inout Tensor, right: Float) { left /= Tensor(right) }

    /// Replaces this tensor by the result of an in-place operation, which must keep its shape
    /// (as in PyTorch, `a += b` cannot grow `a`).
    private mutating func assign(_ result: Tensor, verb: String) {
        precondition(
            result.shape == shape,
            "cannot \(verb) in place: the result has shape \(result.shape) but the left side has shape \(shape)"
        )
        self = result
    }

    /// A tensor of the same shape whose elements are `transform` applied to these.
    ///
    /// ```swift
    /// Tensor([1, 4, 9]).map { $0.squareRoot() }   // [1, 2, 3]
    /// ```
    public func map(_ transform: (Float) throws -> Float) rethrows -> Tensor {
        try withUnsafeBufferPointer { source in
            try Tensor(shape: shape) { target in
                for i in 0..<source.count { target[i] = try transform(source[i]) }
            }
        }
    }
}
