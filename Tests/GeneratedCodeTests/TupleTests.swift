import Tapeless
import Testing

/// Tuples as the plugin compiles them (Tuples.tapeless): labeled Swift tuples with the values
/// computed in Swift here, and gradients through `let (a, b) = …` against finite differences.
@Suite struct TupleTests {
    static let x: [Float] = [0.3, -1.2, 2.0, 0.7, -0.4]
    static let w: [Float] = [1.0, 0.5, -2.0, 0.25, 1.5]

    static func expectClose(_ computed: Float, _ expected: Float, _ label: String, tolerance: Float = 1e-5) {
        #expect(abs(computed - expected) <= tolerance * max(1, abs(expected)), "\(label): \(computed) vs \(expected)")
    }

    static func standardized(_ x: [Float], _ w: [Float]) -> Float {
        let mean = x.reduce(0, +) / Float(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(x.count)
        return zip(x, w).map { $1 * ($0 - mean) / (variance + 1e-5).squareRoot() }.reduce(0, +)
    }

    @Test func aFunctionReturnsItsValuesAsALabeledTuple() {
        let result = moments(x: Tensor(Self.x))
        let mean = Self.x.reduce(0, +) / 5
        Self.expectClose(result.mean, mean, "mean")
        Self.expectClose(result.variance, Self.x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5, "variance")
        Self.expectClose(standardizedSum(x: Tensor(Self.x), w: Tensor(Self.w)), Self.standardized(Self.x, Self.w), "standardizedSum")
    }

    @Test func jvpAndVjpTakeEveryValueOfATuple() {
        let t: [Float] = [0.5, -0.25, 1.0, 0.0, 2.0]
        let n = Float(Self.x.count)
        let mean = Self.x.reduce(0, +) / n
        let d = Self.x.map { $0 - mean }
        let along = momentsAlong(x: Tensor(Self.x), xTangent: Tensor(t))
        Self.expectClose(along.mean, mean, "mean")
        // d mean = mean(t); d variance = 2 mean(d · t), since the deviations sum to zero.
        Self.expectClose(along.meanTangent, t.reduce(0, +) / n, "mean's tangent")
        Self.expectClose(along.varianceTangent, 2 * zip(d, t).map(*).reduce(0, +) / n, "variance's tangent")
        let pulled = momentsPulled(x: Tensor(Self.x), meanOutputGradient: 0.75, varianceOutputGradient: -1.5)
        Self.expectClose(pulled.variance, along.variance, "variance")
        for (index, computed) in pulled.x.scalars.enumerated() {
            Self.expectClose(computed, 0.75 / n - 1.5 * 2 * d[index] / n, "∂/∂x[\(index)]")
        }
    }

    @Test func keywordLabelsAndTupleAssignmentInALoop() {
        // Three rotations by the angle whose cosine is 0.6.
        var (a, b): (Float, Float) = (1, 2)
        for _ in 0..<3 { (a, b) = (0.6 * a - 0.8 * b, 0.8 * a + 0.6 * b) }
        let result = rotated(x: 1, y: 2)
        Self.expectClose(result.in, a, "in")
        Self.expectClose(result.default, b, "default")
    }

    @Test func aDerivativesTupleTakenApartIsDifferentiatedAgain() {
        let gradient = dPenalizedSum(x: Tensor(Self.x), w: Tensor(Self.w)).scalars
        func penalized(_ w: [Float]) -> Float {
            let (value, g) = standardizedSumAndGradient(x: Tensor(Self.x), w: Tensor(w))
            return value + g.scalars.map { $0 * $0 }.reduce(0, +)
        }
        for index in Self.w.indices {
            var (up, down) = (Self.w, Self.w)
            up[index] += 1e-2
            down[index] -= 1e-2
            Self.expectClose(gradient[index], (penalized(up) - penalized(down)) / 2e-2, "∂/∂w[\(index)]", tolerance: 2e-3)
        }
    }

    @Test func aModelFunctionReturnsATupleThatItsLossTakesApart() throws {
        let model = TupleRegressor(seed: 3)
        let x = Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0) / 6 - 1 })
        let target = Tensor(shape: [4, 2], scalars: (0..<8).map { Float($0) / 4 })
        let (y, energy) = model.predict(x: x)
        Self.expectClose(energy, y.scalars.map { $0 * $0 }.reduce(0, +) / 8, "energy")
        let squaredError = zip(y.scalars, target.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / 8
        Self.expectClose(model.loss(x: x, target: target), squaredError + 0.1 * energy, "loss")
        // ∂loss/∂b sums, over the rows, 2 (y − target) / 8 + 0.1 · 2 y / 8.
        let b = model.lossWithGradient(x: x, target: target).gradient.b.scalars
        for column in 0..<2 {
            var expected: Float = 0
            for row in 0..<4 {
                let index = row * 2 + column
                expected += 2 * (y.scalars[index] - target.scalars[index]) / 8 + 0.1 * 2 * y.scalars[index] / 8
            }
            Self.expectClose(b[column], expected, "∂loss/∂b[\(column)]")
        }
    }
}
