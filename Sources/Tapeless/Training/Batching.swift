extension Tensor: Batchable {
    /// Whether the tensor has rank 1 or more, so that dimension 0 counts its examples.
    public var hasExampleDimension: Bool { rank > 0 }

    /// The size of the first dimension: one example per row (or per slice along dimension 0).
    ///
    /// - Precondition: the tensor has rank 1 or more; a rank-0 tensor holds no examples.
    public var exampleCount: Int {
        precondition(rank > 0, "A rank-0 tensor has no examples along dimension 0; give data of shape [examples, ...].")
        return shape[0]
    }

    /// The examples at `indices` (slices along dimension 0), in that order.
    ///
    /// - Precondition: the tensor has rank 1 or more and every index is in `0..<exampleCount`.
    public func gathering(examples indices: some Collection<Int>) -> Tensor {
        Tensor(shape: [indices.count] + shape.dropFirst(), unsafeUninitializedScalars: { output in
            withUnsafeBufferPointer { copyRows(indices, of: shape, from: $0, to: output) }
        })
    }

    /// Writes the examples at `indices` into `batch`, reusing its storage when it already has
    /// the batch's shape and is not shared.
    ///
    /// - Precondition: the tensor has rank 1 or more and every index is in `0..<exampleCount`.
    public func gather(examples indices: some Collection<Int>, into batch: inout Tensor) {
        guard isBatchShape(batch.shape, of: shape, count: indices.count) else {
            batch = gathering(examples: indices)
            return
        }
        withUnsafeBufferPointer { input in
            batch.withUnsafeMutableBufferPointer { copyRows(indices, of: shape, from: input, to: $0) }
        }
    }
}

extension IntTensor: Batchable {
    /// Whether the tensor has rank 1 or more, so that dimension 0 counts its examples.
    public var hasExampleDimension: Bool { !shape.isEmpty }

    /// The size of the first dimension: one example (for example one label) per entry.
    ///
    /// - Precondition: the tensor has rank 1 or more; a rank-0 tensor holds no examples.
    public var exampleCount: Int {
        precondition(!shape.isEmpty, "A rank-0 IntTensor has no examples along dimension 0; give labels of shape [examples, ...].")
        return shape[0]
    }

    /// The examples at `indices` (slices along dimension 0), in that order.
    ///
    /// - Precondition: the tensor has rank 1 or more and every index is in `0..<exampleCount`.
    public func gathering(examples indices: some Collection<Int>) -> IntTensor {
        let count = indices.count &* shape.dropFirst().reduce(1, *)
        let scalars = [Int](unsafeUninitializedCapacity: count) { output, initialized in
            withUnsafeBufferPointer { copyRows(indices, of: shape, from: $0, to: output) }
            initialized = count
        }
        return IntTensor(shape: [indices.count] + shape.dropFirst(), scalars: scalars)
    }

    /// Writes the examples at `indices` into `batch`, reusing its storage when it already has
    /// the batch's shape and is not shared.
    ///
    /// - Precondition: the tensor has rank 1 or more and every index is in `0..<exampleCount`.
    public func gather(examples indices: some Collection<Int>, into batch: inout IntTensor) {
        guard isBatchShape(batch.shape, of: shape, count: indices.count) else {
            batch = gathering(examples: indices)
            return
        }
        withUnsafeBufferPointer { input in
            batch.scalars.withUnsafeMutableBufferPointer { copyRows(indices, of: shape, from: input, to: $0) }
        }
    }
}

/// Whether `batch` is the shape of `count` examples of data shaped `data`.
private func isBatchShape(_ batch: [Int], of data: [Int], count: Int) -> Bool {
    batch.count == data.count && batch.first == count && batch.dropFirst() == data.dropFirst()
}

/// Copies the examples at `indices` (slices along dimension 0) of row-major data shaped
/// `shape`, one after another, into `output` (uninitialized or not: the elements are plain
/// numbers).
///
/// - Precondition: `shape` has rank 1 or more and every index is in `0..<shape[0]`.
private func copyRows<Scalar>(
    _ indices: some Collection<Int>, of shape: [Int],
    from input: UnsafeBufferPointer<Scalar>, to output: UnsafeMutableBufferPointer<Scalar>
) {
    precondition(!shape.isEmpty, "A rank-0 tensor has no examples along dimension 0; give data of shape [examples, ...].")
    let (exampleCount, rowLength) = (shape[0], shape.dropFirst().reduce(1, *))
    guard rowLength > 0, let source = input.baseAddress, let destination = output.baseAddress else { return }
    // Indices in contiguous memory, read through a pointer: iterating a collection whose type
    // is not known at compile time (as in `fit`, generic over the targets' type) heap-allocates
    // a frame for every element it reads.
    let copied: Void? = indices.withContiguousStorageIfAvailable { indices in
        copyRows(indices, rowLength: rowLength, exampleCount: exampleCount, from: source, to: destination)
    }
    if copied == nil {
        Array(indices).withUnsafeBufferPointer { indices in
            copyRows(indices, rowLength: rowLength, exampleCount: exampleCount, from: source, to: destination)
        }
    }
}

private func copyRows<Scalar>(
    _ indices: UnsafeBufferPointer<Int>, rowLength: Int, exampleCount: Int,
    from source: UnsafePointer<Scalar>, to destination: UnsafeMutablePointer<Scalar>
) {
    var written = 0
    for index in indices {
        precondition(
            index >= 0 && index < exampleCount,
            "Example index \(index) is out of range for data with \(exampleCount) examples.")
        (destination + written).initialize(from: source + index &* rowLength, count: rowLength)
        written &+= rowLength
    }
}

/// The batches of one epoch: the example indices of each batch, in order.
///
/// This is the batching that ``Module/fit(x:y:loss:optimizer:epochs:batchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:)``
/// uses, exposed for custom training loops. Batches hold `batchSize` examples except the last,
/// which holds the remainder (Keras keeps the last partial batch too).
///
/// Without shuffling the order is `0, 1, 2, …`. With shuffling it is a Fisher–Yates permutation
/// drawn from the ``RandomStream`` whose seed is `RandomStream(seed: seed).bits(at: epoch)`,
/// so every epoch has its own order and a seed reproduces every epoch on every machine:
/// ```
/// order = [0, 1, …, n - 1]
/// for step in 0..<(n - 1):                  // i = n - 1 - step, from n - 1 down to 1
///     j = high 64 bits of (bits(at: step) * (i + 1))   // uniform in 0...i
///     swap order[i], order[j]
/// ```
/// ```swift
/// for indices in BatchSequence(exampleCount: 1000, batchSize: 32, shuffle: true, seed: 7, epoch: epoch) {
///     let xb = x.gathering(examples: indices)
///     ...
/// }
/// ```
public struct BatchSequence: RandomAccessCollection, Sendable {
    /// The example indices in the order the epoch visits them.
    public let order: [Int]
    /// The number of examples per batch (the last batch may hold fewer).
    public let batchSize: Int

    /// Creates the batches of one epoch over `exampleCount` examples.
    ///
    /// - Precondition: `exampleCount >= 0` and `batchSize >= 1`.
    public init(exampleCount: Int, batchSize: Int, shuffle: Bool = false, seed: UInt64 = 0, epoch: Int = 0) {
        precondition(exampleCount >= 0, "The number of examples must not be negative (got \(exampleCount)).")
        precondition(batchSize >= 1, "The batch size must be at least 1 (got \(batchSize)).")
        self.batchSize = batchSize
        guard shuffle else {
            order = Array(0..<exampleCount)
            return
        }
        let stream = RandomStream(seed: RandomStream(seed: seed).bits(at: epoch))
        var order = Array(0..<exampleCount)
        order.withUnsafeMutableBufferPointer { order in
            var i = exampleCount &- 1
            var step = 0
            while i > 0 {
                let j = Int(truncatingIfNeeded: stream.bits(at: step).multipliedFullWidth(by: UInt64(i &+ 1)).high)
                order.swapAt(i, j)
                i &-= 1
                step &+= 1
            }
        }
        self.order = order
    }

    /// The index of the first batch.
    public var startIndex: Int { 0 }
    /// One past the index of the last batch.
    public var endIndex: Int { (order.count + batchSize - 1) / batchSize }

    /// The example indices of batch `position`.
    public subscript(position: Int) -> ArraySlice<Int> {
        precondition(position >= 0 && position < endIndex, "Batch \(position) is out of range: there are \(endIndex) batches.")
        let start = position &* batchSize
        return order[start..<Swift.min(start &+ batchSize, order.count)]
    }
}

/// The batches of one epoch of paired inputs and targets, for a custom training loop.
///
/// The order is that of ``BatchSequence`` with the same arguments.
/// ```swift
/// for (xb, yb) in batches(of: x, y, batchSize: 32, shuffle: true, seed: 0, epoch: epoch) {
///     ...
/// }
/// ```
/// - Precondition: `x` and `y` have the same number of examples and `batchSize >= 1`.
public func batches<Input: Batchable, Target: Batchable>(
    of x: Input, _ y: Target, batchSize: Int, shuffle: Bool = false, seed: UInt64 = 0, epoch: Int = 0
) -> LazyMapCollection<BatchSequence, (x: Input, y: Target)> {
    precondition(
        x.exampleCount == y.exampleCount,
        "Inputs have \(x.exampleCount) examples but targets have \(y.exampleCount); give one target per input.")
    return BatchSequence(
        exampleCount: x.exampleCount, batchSize: batchSize, shuffle: shuffle, seed: seed, epoch: epoch
    ).lazy.map { indices in (x: x.gathering(examples: indices), y: y.gathering(examples: indices)) }
}
