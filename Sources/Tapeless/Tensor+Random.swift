extension Tensor {
    /// A tensor of uniform draws in `[low, high)`: element `i` (row-major) is
    /// `low + (high - low) * RandomStream(seed: seed).uniform(at: i)`.
    public init(randomUniform shape: [Int], seed: UInt64, low: Float = 0, high: Float = 1) {
        let count = Swift.max(0, shape.reduce(1, *))  // a negative dimension fails in init(shape:scalars:)
        self.init(shape: shape, scalars: RandomStream(seed: seed).uniformValues(count: count, low: low, high: high))
    }

    /// A tensor of normal draws: element `i` (row-major) is
    /// `mean + standardDeviation * RandomStream(seed: seed).normal(at: i)`.
    public init(randomNormal shape: [Int], seed: UInt64, mean: Float = 0, standardDeviation: Float = 1) {
        let count = Swift.max(0, shape.reduce(1, *))  // a negative dimension fails in init(shape:scalars:)
        self.init(
            shape: shape,
            scalars: RandomStream(seed: seed).normalValues(count: count, mean: mean, standardDeviation: standardDeviation))
    }
}

extension IntTensor {
    /// A tensor of integers drawn uniformly from `0..<upperBound`: element `i` (row-major) is
    /// `floor(Double(RandomStream(seed: seed).uniform(at: i)) * Double(upperBound))`.
    ///
    /// - Precondition: `upperBound` is positive.
    public init(randomIntegers shape: [Int], below upperBound: Int, seed: UInt64) {
        precondition(upperBound > 0, "Random integers need a positive upper bound, but it is \(upperBound).")
        let stream = RandomStream(seed: seed)
        let count = Swift.max(0, shape.reduce(1, *))  // a negative dimension fails in init(shape:scalars:)
        let bound = Double(upperBound)
        self.init(shape: shape, scalars: (0..<count).map { Int((Double(stream.uniform(at: $0)) * bound).rounded(.down)) })
    }
}
