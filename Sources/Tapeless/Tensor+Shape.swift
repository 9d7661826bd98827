extension Tensor {
    /// The same elements in the same order under a new shape, as PyTorch's `reshape`.
    ///
    /// One dimension may be `-1`; it is inferred from the element count.
    /// ```swift
    /// Tensor(0..<6).reshaped(to: [2, -1])   // shape [2, 3]
    /// ```
    /// - Precondition: the new shape holds exactly `scalarCount` elements.
    public func reshaped(to newShape: [Int]) -> Tensor {
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        precondition(inferred.count <= 1, "Cannot reshape to \(newShape): only one dimension may be -1.")
        precondition(
            newShape.allSatisfy { $0 >= -1 },
            "Cannot reshape to \(newShape): dimensions must be nonnegative or -1."
        )
        var resolved = newShape
        if let position = inferred.first {
            let known = newShape.enumerated().reduce(1) { $1.offset == position ? $0 : $0 * $1.element }
            precondition(
                known > 0 && scalarCount % known == 0,
                "Cannot reshape a tensor of shape \(shape) (\(scalarCount) elements) to \(newShape)."
            )
            resolved[position] = scalarCount / known
        }
        precondition(
            resolved.reduce(1, *) == scalarCount,
            "Cannot reshape a tensor of shape \(shape) (\(scalarCount) elements) to \(newShape)."
        )
        return Tensor(shape: resolved, scalars: storage)
    }

    /// The transpose of a matrix: element `[i, j]` of the result is element `[j, i]` of this one.
    ///
    /// - Precondition: the tensor has rank 2.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a matrix (rank 2), but the shape is \(shape).")
        let rows = shape[0], columns = shape[1]
        // Square blocks keep both the reads and the writes within a few cache lines.
        let block = 32
        return withUnsafeBufferPointer { source in
            Tensor(shape: [columns, rows]) { target in
                for rowStart in stride(from: 0, to: rows, by: block) {
                    let rowEnd = Swift.min(rowStart &+ block, rows)
                    for columnStart in stride(from: 0, to: columns, by: block) {
                        let columnEnd = Swift.min(columnStart &+ block, columns)
                        for i in rowStart..<rowEnd {
                            for j in columnStart..<columnEnd {
                                target[j &* rows &+ i] = source[i &* columns &+ j]
                            }
                        }
                    }
                }
            }
        }
    }
}
