/// The position of the element at `indices` in a row-major buffer of the given shape.
///
/// - Precondition: there is one index per dimension and each is in range; `kind` names the
///   tensor type in the message.
func rowMajorOffset(of indices: [Int], in shape: [Int], kind: String) -> Int {
    precondition(
        indices.count == shape.count,
        "\(kind) of shape \(shape) takes \(shape.count) indices, but \(indices.count) were given."
    )
    var offset = 0
    for (dimension, (index, size)) in zip(indices, shape).enumerated() {
        precondition(
            index >= 0 && index < size,
            "Index \(index) is out of range for dimension \(dimension) of size \(size) in a \(kind) of shape \(shape)."
        )
        offset = offset &* size &+ index
    }
    return offset
}

extension Tensor {
    /// The element at the given position, one index per dimension.
    ///
    /// ```swift
    /// var t = Tensor([[1, 2], [3, 4]])
    /// t[1, 0]        // 3
    /// t[0, 1] = 7
    /// ```
    /// - Precondition: there are `rank` indices and each is within its dimension.
    public subscript(indices: Int...) -> Float {
        get { storage[rowMajorOffset(of: indices, in: shape, kind: "Tensor")] }
        set { storage[rowMajorOffset(of: indices, in: shape, kind: "Tensor")] = newValue }
    }

    /// A new tensor holding the given range of the first dimension (rows of a matrix, examples
    /// of a batch); the other dimensions are unchanged.
    ///
    /// - Precondition: the tensor has rank 1 or more and `rows` lies within its first dimension.
    public subscript(rows rows: Range<Int>) -> Tensor {
        precondition(rank >= 1, "Cannot take rows of a rank-0 tensor.")
        precondition(
            rows.lowerBound >= 0 && rows.upperBound <= shape[0],
            "Rows \(rows) are out of range for a tensor of shape \(shape) (it has \(shape[0]) rows)."
        )
        let rowSize = shape.dropFirst().reduce(1, *)
        let slice = storage[(rows.lowerBound * rowSize)..<(rows.upperBound * rowSize)]
        return Tensor(shape: [rows.count] + shape.dropFirst(), scalars: Array(slice))
    }
}

extension IntTensor {
    /// The element at the given position, one index per dimension, such as `labels[i]`.
    ///
    /// - Precondition: there are as many indices as dimensions and each is within its dimension.
    public subscript(indices: Int...) -> Int {
        get { scalars[rowMajorOffset(of: indices, in: shape, kind: "IntTensor")] }
        set { scalars[rowMajorOffset(of: indices, in: shape, kind: "IntTensor")] = newValue }
    }
}
