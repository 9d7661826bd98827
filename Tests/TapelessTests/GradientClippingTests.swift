import Tapeless
import Testing

@Suite("Gradient clipping")
struct GradientClippingTests {
    @Test("a gradient over the limit is scaled to it, and the old norm returned")
    func clipsLargeNorm() {
        // Trainable elements 3, 4, 0 | frozen 100, 100 | 0, 12: norm 13 (the frozen part is ignored).
        var gradient = PartlyFrozenModel(parameterScalars: [3, 4, 0, 100, 100, 0, 12])
        let norm = clipByGlobalNorm(&gradient, maxNorm: 6.5)
        #expect(norm == 13)
        let scale = 6.5 / (13 + 1e-6)
        let expected = [3 * scale, 4 * scale, 0, 100, 100, 0, 12 * scale]
        #expect(zip(gradient.parameterScalars, expected).allSatisfy { isClose($0, $1, relative: 1e-6, absolute: 0) })
    }

    @Test("a gradient within the limit is left alone")
    func keepsSmallNorm() {
        var gradient = QuadraticModel(parameterScalars: [1, -2, 2, 0, 0])
        #expect(clipByGlobalNorm(&gradient, maxNorm: 3) == 3)
        #expect(gradient.parameterScalars == [1, -2, 2, 0, 0])
    }

    @Test("clipping by value clamps trainable elements only")
    func clipsValues() {
        var gradient = PartlyFrozenModel(parameterScalars: [-3, 0.5, 2, -9, 9, 1, -1])
        clipByValue(&gradient, limit: 1)
        #expect(gradient.parameterScalars == [-1, 0.5, 1, -9, 9, 1, -1])
    }
}
