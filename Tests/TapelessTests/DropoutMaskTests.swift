import Tapeless
import Testing

@Suite struct DropoutMaskTests {
    static func mask(count: Int, probability: Double, seed: UInt64 = 3, step: Int = 0, stream: Int = 0) -> [Float] {
        var mask = [Float](repeating: -1, count: count)
        mask.withUnsafeMutableBufferPointer { buffer in
            Kernels.dropoutMask(into: buffer.baseAddress!, count: count, probability: probability, seed: seed, step: step, stream: stream)
        }
        return mask
    }

    @Test(arguments: [0.1, 0.25, 0.5, 0.9])
    func keepsAboutOneMinusPAndScalesWhatItKeeps(probability: Double) {
        let mask = Self.mask(count: 200_000, probability: probability)
        let scale = Float(1 / (1 - probability))
        #expect(mask.allSatisfy { $0 == 0 || $0 == scale })
        let kept = Double(mask.filter { $0 != 0 }.count) / Double(mask.count)
        // Binomial standard deviation at n = 200,000 is at most 0.0012; allow four of them.
        #expect(abs(kept - (1 - probability)) < 0.005, "kept \(kept)")
    }

    @Test func probabilityZeroKeepsEverything() {
        #expect(Self.mask(count: 1000, probability: 0).allSatisfy { $0 == 1 })
    }

    @Test func eachSeedStepAndStreamHasItsOwnMask() {
        let base = Self.mask(count: 256, probability: 0.5)
        #expect(base == Self.mask(count: 256, probability: 0.5))
        #expect(base != Self.mask(count: 256, probability: 0.5, seed: 4))
        #expect(base != Self.mask(count: 256, probability: 0.5, step: 1))
        #expect(base != Self.mask(count: 256, probability: 0.5, stream: 1))
        #expect(Array(base.prefix(100)) == Self.mask(count: 100, probability: 0.5), "element i depends on i alone")
    }
}
