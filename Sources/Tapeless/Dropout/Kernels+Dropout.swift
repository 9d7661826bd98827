/// The mask of one dropout application at one training step: each element `1 / (1 - p)`
/// (kept) or `0` (dropped), a pure function of the run's seed, the step, the application's
/// stream and the element's index.
///
/// Generated code draws each element where it is used, inside the loops that multiply by
/// it, so no mask is ever stored: the backward pass draws the same elements again. The
/// definition uses ``RandomStream`` (splitmix64) alone, so every language can reproduce it:
/// ```
/// streamSeed = RandomStream(seed: RandomStream(seed: seed).bits(at: step)).bits(at: stream)
/// element i is kept  ⇔  RandomStream(seed: streamSeed).bits(at: i) >> 40  ≥  ⌈probability · 2²⁴⌉
/// ```
/// The comparison is on integers, so no rounding differs between machines; an element is
/// kept with probability `1 − ⌈p · 2²⁴⌉ / 2²⁴`, which is `1 − p` for every `p` that is a
/// multiple of 2⁻²⁴ (all those written with a few decimals are within 6·10⁻⁸ of one).
@frozen
public struct DropoutMaskStream: Sendable {
    /// The bits the elements are drawn from.
    @usableFromInline let bits: RandomStream
    /// Elements whose top 24 bits are below this are dropped.
    @usableFromInline let threshold: UInt64
    /// The value of a kept element, `1 / (1 - probability)` rounded to `Float`.
    @usableFromInline let kept: Float

    /// The mask of dropout application `stream` at training step `step` of the run seeded
    /// by `seed`, dropping each element with `probability` (in `[0, 1)`).
    @inlinable
    public init(seed: UInt64, step: Int, stream: Int, probability: Double) {
        precondition(probability >= 0 && probability < 1, "a dropout probability must be in [0, 1), not \(probability)")
        bits = RandomStream(seed: RandomStream(seed: RandomStream(seed: seed).bits(at: step)).bits(at: stream))
        threshold = UInt64((probability * 0x1p24).rounded(.up))
        kept = Float(1 / (1 - probability))
    }

    /// Element `index` of the mask.
    @inlinable
    public func element(at index: Int) -> Float {
        bits.bits(at: index) >> 40 >= threshold ? kept : 0
    }

    /// The elements from `index` on, as many as `Vector` has lanes.
    @inlinable
    public func elements<Vector: SIMD>(from index: Int, as _: Vector.Type = Vector.self) -> Vector where Vector.Scalar == Float {
        var lanes = Vector()
        for lane in 0..<Vector.scalarCount { lanes[lane] = element(at: index &+ lane) }
        return lanes
    }
}

extension Kernels {
    /// Writes the first `count` elements of a dropout mask (see ``DropoutMaskStream``, which
    /// defines them).
    ///
    /// - Parameters:
    ///   - mask: Where to write the elements; overwritten.
    ///   - count: The number of elements.
    ///   - probability: The chance of dropping an element, in `[0, 1)`.
    ///   - seed: The run's seed.
    ///   - step: The training step.
    ///   - stream: Which dropout of the model (each application has its own number).
    public static func dropoutMask(
        into mask: UnsafeMutablePointer<Float>, count: Int, probability: Double, seed: UInt64, step: Int, stream: Int
    ) {
        let elements = DropoutMaskStream(seed: seed, step: step, stream: stream, probability: probability)
        for i in 0..<count { mask[i] = elements.element(at: i) }
    }
}
