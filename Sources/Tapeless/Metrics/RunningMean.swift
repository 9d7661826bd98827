/// A weighted mean that grows one value at a time, such as a loss averaged over the batches
/// of an epoch weighted by batch size.
///
/// ```swift
/// var loss = RunningMean()
/// loss.add(0.5, weight: 32)
/// loss.add(0.3, weight: 8)
/// loss.value  // 0.46
/// ```
public struct RunningMean: Sendable, Equatable {
    /// The sum of the values, each times its weight (in `Double` so long runs lose no digits).
    private var weightedSum = 0.0
    /// The sum of the weights added so far.
    public private(set) var totalWeight = 0.0

    /// Creates an empty mean.
    public init() {}

    /// Adds `value` with the given weight.
    ///
    /// - Precondition: `weight` is not negative.
    public mutating func add(_ value: Float, weight: Float = 1) {
        precondition(weight >= 0, "A RunningMean weight must not be negative (got \(weight)).")
        weightedSum += Double(value) * Double(weight)
        totalWeight += Double(weight)
    }

    /// The weighted mean of the values added so far; zero before any weight was added.
    public var value: Float {
        totalWeight > 0 ? Float(weightedSum / totalWeight) : 0
    }

    /// Forgets every value, as at the start of an epoch.
    public mutating func reset() {
        self = RunningMean()
    }
}
