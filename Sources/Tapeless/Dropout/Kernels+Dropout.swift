extension Kernels {
    /// Writes a dropout mask: each element `1 / (1 - probability)` (kept) or `0` (dropped).
    ///
    /// The mask is a pure function of `seed`, `step`, `stream` and the element's index, with
    /// ``RandomStream`` (splitmix64) as its only source, so every language can reproduce it:
    /// ```
    /// streamSeed = RandomStream(seed: RandomStream(seed: seed).bits(at: step)).bits(at: stream)
    /// element i is kept  ⇔  RandomStream(seed: streamSeed).bits(at: i) >> 40  ≥  ⌈probability · 2²⁴⌉
    /// ```
    /// The comparison is on integers, so no rounding differs between machines; an element is
    /// kept with probability `1 − ⌈p · 2²⁴⌉ / 2²⁴`, which is `1 − p` for every `p` that is a
    /// multiple of 2⁻²⁴ (all those written with a few decimals are within 6·10⁻⁸ of one).
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
        let bits = RandomStream(seed: RandomStream(seed: RandomStream(seed: seed).bits(at: step)).bits(at: stream))
        let threshold = UInt64((probability * 0x1p24).rounded(.up))
        let kept = Float(1 / (1 - probability))
        for i in 0..<count {
            mask[i] = bits.bits(at: i) >> 40 >= threshold ? kept : 0
        }
    }
}
