import Foundation

/// A counter-based random generator (splitmix64) that any language reproduces bit for bit.
///
/// Element `i` of the stream with seed `s` is a pure function of `s` and `i`:
/// ```
/// z = s + (i + 1) * 0x9E3779B97F4A7C15
/// z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
/// z = (z ^ (z >> 27)) * 0x94D049BB133111EB
/// z = z ^ (z >> 31)
/// ```
/// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
/// all arithmetic modulo 2^64.) Uniform and normal draws are defined on top of it exactly, so
/// data sets and initial weights agree across machines and with other frameworks.
public struct RandomStream: Sendable, Hashable {
    /// The stream's seed.
    public let seed: UInt64

    /// Creates the stream with the given seed.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// The 64 random bits at position `index`.
    @inlinable
    public func bits(at index: Int) -> UInt64 {
        var z = seed &+ (UInt64(truncatingIfNeeded: index) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in `[0, 1)` at position `index`: the top 24 bits, scaled exactly.
    @inlinable
    public func uniform(at index: Int) -> Float {
        Float(Double(bits(at: index) >> 40) * 0x1p-24)
    }

    /// A standard normal draw at position `index`, by the Box–Muller transform of the uniform
    /// draws at `2 * index` and `2 * index + 1`, computed in `Double`.
    @inlinable
    public func normal(at index: Int) -> Float {
        let u1 = Double(uniform(at: 2 &* index))
        let u2 = Double(uniform(at: 2 &* index &+ 1))
        return Float((-2 * log1p(-u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// The first `count` uniform draws, scaled to `[low, high)`.
    public func uniformValues(count: Int, low: Float = 0, high: Float = 1) -> [Float] {
        (0..<count).map { low + (high - low) * uniform(at: $0) }
    }

    /// The first `count` normal draws with the given mean and standard deviation.
    public func normalValues(count: Int, mean: Float = 0, standardDeviation: Float = 1) -> [Float] {
        (0..<count).map { mean + standardDeviation * normal(at: $0) }
    }
}
