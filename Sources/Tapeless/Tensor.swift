/// A multi-dimensional array of `Float` values with a static shape and value semantics.
///
/// Elements are stored contiguously in row-major order. Copies share storage until one of
/// them is mutated (copy on write), so passing tensors around is cheap.
///
/// ```swift
/// let x = Tensor([[1, 2], [3, 4]])     // shape [2, 2]
/// let y = Tensor(shape: [3], repeating: 0.5)
/// print(x[1, 0])                       // 3.0
/// ```
public struct Tensor: Sendable, Equatable {
    /// The size of each dimension, outermost first. A scalar has the shape `[]`.
    public let shape: [Int]
    /// The elements in row-major order.
    public var scalars: [Float] { storage }
    /// The elements; the only stored state besides the shape, kept in step with it.
    @usableFromInline var storage: [Float]

    /// Creates a tensor of the given shape from its elements in row-major order.
    ///
    /// - Precondition: `scalars.count` is the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension.")
        precondition(
            scalars.count == shape.reduce(1, *),
            "Tensor of shape \(shape) needs \(shape.reduce(1, *)) scalars, but \(scalars.count) were given."
        )
        self.shape = shape
        self.storage = scalars
    }

    /// Creates a tensor whose elements all equal `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Creates a zero-filled tensor.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, repeating: 0)
    }

    /// Creates a rank-0 tensor holding one value.
    public init(_ scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    /// Creates a vector.
    public init(_ vector: [Float]) {
        self.init(shape: [vector.count], scalars: vector)
    }

    /// Creates a matrix from its rows.
    ///
    /// - Precondition: every row has the same length.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        precondition(
            rows.allSatisfy { $0.count == columns },
            "Every row of a matrix must have the same length (the first has \(columns))."
        )
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// Creates a vector of the integers in `range`, converted to `Float`.
    public init(_ range: Range<Int>) {
        self.init(range.map(Float.init))
    }

    /// Creates a tensor of uninitialized storage and lets `initializer` fill every element.
    ///
    /// This is how kernels and generated code make outputs without a redundant zero fill.
    @inlinable
    public init(
        shape: [Int],
        unsafeUninitializedScalars initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void
    ) rethrows {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.storage = try [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            try initializer(buffer)
            initializedCount = count
        }
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var scalarCount: Int { scalars.count }

    /// The single element of a tensor with one element (for example a rank-0 tensor).
    public var scalar: Float {
        precondition(scalars.count == 1, "Tensor of shape \(shape) has \(scalars.count) elements, not one.")
        return scalars[0]
    }

    /// Calls `body` with a pointer to the contiguous elements.
    @inlinable
    public func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Float>) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Gives the tensor `shape` for a caller about to overwrite every element: its storage (and
    /// stale elements) stays when it has that shape already, otherwise it becomes zeros.
    mutating func prepareToOverwrite(shape: [Int]) {
        if self.shape != shape { self = Tensor(zeros: shape) }
    }

    /// Calls `body` with a mutable pointer to the contiguous elements, copying them first if
    /// the storage is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }
}

extension Tensor: CustomStringConvertible {
    /// A short description: the shape, then up to eight leading elements.
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        let more = scalars.count > 8 ? ", … (\(scalars.count) in all)" : ""
        return "Tensor(shape: \(shape), [\(shown)\(more)])"
    }
}
