/// A multi-dimensional array of integers, used for class labels and indices.
///
/// Integer tensors are never differentiated. Like ``Tensor`` they are values, stored
/// contiguously in row-major order.
public struct IntTensor: Sendable, Equatable {
    /// The size of each dimension, outermost first.
    public let shape: [Int]
    /// The elements in row-major order.
    public internal(set) var scalars: [Int]

    /// Creates an integer tensor of the given shape from its elements in row-major order.
    ///
    /// - Precondition: `scalars.count` is the product of `shape`.
    public init(shape: [Int], scalars: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "IntTensor shape \(shape) has a negative dimension.")
        precondition(
            scalars.count == shape.reduce(1, *),
            "IntTensor of shape \(shape) needs \(shape.reduce(1, *)) scalars, but \(scalars.count) were given."
        )
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a vector of integers, such as one label per example.
    public init(_ vector: [Int]) {
        self.init(shape: [vector.count], scalars: vector)
    }

    /// The number of elements.
    public var scalarCount: Int { scalars.count }

    /// Calls `body` with a pointer to the contiguous elements.
    @inlinable
    public func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Int>) throws -> Result
    ) rethrows -> Result {
        try scalars.withUnsafeBufferPointer(body)
    }
}
