/// Copies the rows `indices` of a row-major buffer whose first dimension has `rows` rows of
/// `rowLength` elements each, in that order, into `destination`.
private func gatherRows<Scalar>(
    _ indices: some Collection<Int>, rows: Int, rowLength: Int,
    from source: UnsafeBufferPointer<Scalar>, into destination: UnsafeMutableBufferPointer<Scalar>
) {
    guard let source = source.baseAddress, let destination = destination.baseAddress else { return }
    var offset = 0
    for index in indices {
        precondition(
            (0..<rows).contains(index),
            "Example index \(index) is out of range for a batch of \(rows) examples.")
        (destination + offset).initialize(from: source + index &* rowLength, count: rowLength)
        offset &+= rowLength
    }
}

extension Tensor: Batchable {
    /// The size of the first dimension.
    public var exampleCount: Int {
        precondition(rank > 0, "A scalar tensor has no examples; give the data a first (batch) dimension.")
        return shape[0]
    }

    /// The examples at `indices` along the first dimension, in that order.
    public func gathering(examples indices: some Collection<Int>) -> Tensor {
        let rows = exampleCount
        let rowLength = shape.dropFirst().reduce(1, *)
        return withUnsafeBufferPointer { source in
            Tensor(shape: [indices.count] + shape.dropFirst(), unsafeUninitializedScalars: { destination in
                gatherRows(indices, rows: rows, rowLength: rowLength, from: source, into: destination)
            })
        }
    }
}

extension IntTensor: Batchable {
    /// The size of the first dimension.
    public var exampleCount: Int {
        precondition(!shape.isEmpty, "A scalar integer tensor has no examples; give the data a first (batch) dimension.")
        return shape[0]
    }

    /// The examples at `indices` along the first dimension, in that order.
    public func gathering(examples indices: some Collection<Int>) -> IntTensor {
        let rows = exampleCount
        let rowLength = shape.dropFirst().reduce(1, *)
        let count = indices.count &* rowLength
        let scalars = withUnsafeBufferPointer { source in
            [Int](unsafeUninitializedCapacity: count) { destination, initializedCount in
                gatherRows(indices, rows: rows, rowLength: rowLength, from: source, into: destination)
                initializedCount = count
            }
        }
        return IntTensor(shape: [indices.count] + shape.dropFirst(), scalars: scalars)
    }
}
