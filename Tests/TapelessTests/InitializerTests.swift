import Testing
@testable import Tapeless

/// Initializers: their documented distributions (bounds and moments), and seeded determinism.
@Suite struct InitializerTests {
    static func moments(_ values: [Float]) -> (mean: Double, standardDeviation: Double) {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }

    // A [400, 100] weight: fanIn 400, fanOut 100, 40,000 draws.
    static let shape = [400, 100]
    static let stream = RandomStream(seed: 7)

    @Test func glorotUniformStaysWithinItsLimitWithTheUniformVariance() {
        let limit = (6.0 / 500.0).squareRoot()
        let values = Initializer.glorotUniform.values(shape: Self.shape, stream: Self.stream)
        #expect(values.count == 40_000)
        #expect(values.allSatisfy { abs(Double($0)) <= limit })
        let (mean, deviation) = Self.moments(values)
        #expect(abs(mean) < 0.003)
        #expect(abs(deviation - limit / 3.0.squareRoot()) < 0.02 * limit)
    }

    @Test func heUniformStaysWithinItsLimit() {
        let limit = (6.0 / 400.0).squareRoot()
        let values = Initializer.heUniform.values(shape: Self.shape, stream: Self.stream)
        #expect(values.allSatisfy { abs(Double($0)) <= limit })
        #expect(abs(Self.moments(values).standardDeviation - limit / 3.0.squareRoot()) < 0.02 * limit)
    }

    @Test func normalInitializersHaveTheirStandardDeviations() {
        let glorot = Self.moments(Initializer.glorotNormal.values(shape: Self.shape, stream: Self.stream))
        #expect(abs(glorot.standardDeviation - (2.0 / 500.0).squareRoot()) < 0.02 * (2.0 / 500.0).squareRoot())
        let he = Self.moments(Initializer.heNormal.values(shape: Self.shape, stream: Self.stream))
        #expect(abs(he.standardDeviation - (2.0 / 400.0).squareRoot()) < 0.02 * (2.0 / 400.0).squareRoot())
        let custom = Self.moments(Initializer.normal(mean: 3, standardDeviation: 0.5).values(shape: Self.shape, stream: Self.stream))
        #expect(abs(custom.mean - 3) < 0.01)
        #expect(abs(custom.standardDeviation - 0.5) < 0.01)
    }

    @Test func uniformAndConstantInitializers() {
        let uniform = Initializer.uniform(low: -2, high: 1).values(shape: Self.shape, stream: Self.stream)
        #expect(uniform.allSatisfy { $0 >= -2 && $0 < 1 })
        #expect(abs(Self.moments(uniform).mean - -0.5) < 0.02)
        #expect(Initializer.zeros.values(shape: [3, 2], stream: Self.stream) == Array(repeating: 0, count: 6))
        #expect(Initializer.ones.values(shape: [4], stream: Self.stream) == Array(repeating: 1, count: 4))
        #expect(Initializer.constant(-0.25).values(shape: [], stream: Self.stream) == [-0.25])
    }

    @Test func fansFollowTheInputMajorConvention() {
        #expect(Initializer.fans(of: [784, 128]) == (784, 128))
        #expect(Initializer.fans(of: [10]) == (10, 10))
        #expect(Initializer.fans(of: []) == (1, 1))
        #expect(Initializer.fans(of: [3, 4, 5]) == (15, 20))
    }

    @Test func theSameSeedGivesTheSameParametersAndAnotherSeedDoesNot() {
        let layout = ParameterLayout([
            (name: "w", shape: [20, 10], initializer: .glorotUniform, isTrainable: true),
            (name: "b", shape: [10], initializer: .normal(mean: 0, standardDeviation: 1), isTrainable: true),
        ])
        #expect(layout.initialScalars(seed: 42) == layout.initialScalars(seed: 42))
        #expect(layout.initialScalars(seed: 42) != layout.initialScalars(seed: 43))
        // Parameter k draws from the stream seeded by element k of the model's stream.
        let first = Initializer.glorotUniform.values(shape: [20, 10], stream: RandomStream(seed: RandomStream(seed: 42).bits(at: 0)))
        #expect(Array(layout.initialScalars(seed: 42)[0..<200]) == first)
        // A parameter added at the end leaves the others' first values unchanged.
        let extended = ParameterLayout(layout.entries.map { ($0.name, $0.shape, $0.initializer, $0.isTrainable) }
            + [(name: "c", shape: [3], initializer: .heNormal, isTrainable: true)])
        #expect(Array(extended.initialScalars(seed: 42)[0..<210]) == layout.initialScalars(seed: 42))
    }
}
