import Tapeless
import Testing

struct TensorRandomTests {
    @Test func streamCheckValue() {
        // splitmix64 with seed 1: z = 1 + 0x9E3779B97F4A7C15, then the two multiply-xorshift
        // rounds, gives 0x910a2dec89025cc1 (computed independently of this package).
        #expect(RandomStream(seed: 1).bits(at: 0) == 0x910a_2dec_8902_5cc1)
    }

    @Test func uniformTensorIsTheStreamInOrder() {
        let t = Tensor(randomUniform: [2, 3], seed: 42, low: -2, high: 4)
        let stream = RandomStream(seed: 42)
        #expect(t.shape == [2, 3])
        for i in 0..<6 {
            // Element i is the top 24 bits of draw i, scaled to [0, 1), then to [-2, 4).
            let unit = Float(Double(stream.bits(at: i) >> 40) / 16_777_216)
            #expect(t.scalars[i] == -2 + 6 * unit)
        }
    }

    @Test func normalTensorIsTheStreamInOrder() {
        let t = Tensor(randomNormal: [5], seed: 7, mean: 1, standardDeviation: 3)
        let stream = RandomStream(seed: 7)
        for i in 0..<5 { #expect(t.scalars[i] == 1 + 3 * stream.normal(at: i)) }
    }

    @Test func integersAreFlooredScaledUniforms() {
        let labels = IntTensor(randomIntegers: [4, 5], below: 10, seed: 3)
        let stream = RandomStream(seed: 3)
        #expect(labels.shape == [4, 5])
        for i in 0..<20 {
            let expected = Int(Double(stream.bits(at: i) >> 40) / 16_777_216 * 10)
            #expect(labels.scalars[i] == expected)
        }
        #expect(IntTensor(randomIntegers: [1000], below: 1, seed: 9).scalars.allSatisfy { $0 == 0 })
    }

    @Test func uniformMoments() {
        // U(-1, 3): mean 1, standard deviation 4 / sqrt(12) = 1.1547.
        let (mean, deviation) = moments(Tensor(randomUniform: [100_000], seed: 2024, low: -1, high: 3).scalars)
        #expect(abs(mean - 1) < 0.02)
        #expect(abs(deviation - 1.1547) < 0.01)
        let t = Tensor(randomUniform: [100_000], seed: 5, low: -1, high: 3)
        #expect(t.scalars.allSatisfy { $0 >= -1 && $0 < 3 })
    }

    @Test func normalMoments() {
        let (mean, deviation) = moments(Tensor(randomNormal: [100_000], seed: 99, mean: -2, standardDeviation: 0.5).scalars)
        #expect(abs(mean + 2) < 0.01)
        #expect(abs(deviation - 0.5) < 0.01)
    }

    @Test func integerFrequencies() {
        let draws = IntTensor(randomIntegers: [100_000], below: 10, seed: 11).scalars
        var counts = [Int](repeating: 0, count: 10)
        for d in draws { counts[d] += 1 }
        // Each class expects 10,000 draws with a standard deviation near 95.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }

    private func moments(_ values: [Float]) -> (mean: Double, standardDeviation: Double) {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }
}
