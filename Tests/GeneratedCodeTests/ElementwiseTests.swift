import Foundation
import Tapeless
import Testing

/// The elementwise builtins of Elementwise.tapeless, compiled by the plugin, against the same
/// functions and their derivatives written out in Double.
@Suite struct ElementwiseTests {
    /// Each function of `u` the loss sums, and its derivative.
    static let functions: [(value: @Sendable (Double) -> Double, derivative: @Sendable (Double) -> Double)] = [
        (atan, { 1 / (1 + $0 * $0) }),
        (asin, { 1 / (1 - $0 * $0).squareRoot() }),
        (acos, { -1 / (1 - $0 * $0).squareRoot() }),
        (sinh, cosh),
        (cosh, sinh),
        (log1p, { 1 / (1 + $0) }),
        (expm1, exp),
        (erf, { 2 / Double.pi.squareRoot() * exp(-$0 * $0) }),
    ]

    @Test(arguments: [1, 8, 13])
    func valuesAndGradientsMatchDouble(_ count: Int) {
        let stream = RandomStream(seed: 5)
        // u = 0.5 x stays inside every domain (asin, acos, log1p); x = 0 tests sign(0) = 0.
        let x = (0..<count).map { $0 == count / 2 ? 0 : 3 * stream.uniform(at: $0) - 1.5 }
        let model = Elementwise(seed: 0)
        let scale = Double(model.scale)
        var loss = 0.0, byScale = 0.0
        var byX = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let xi = Double(x[i]), u = scale * xi
            let sign: Double = xi > 0 ? 1 : (xi < 0 ? -1 : 0)
            let derivative = Self.functions.reduce(0) { $0 + $1.derivative(u) }
            loss += Self.functions.reduce(0) { $0 + $1.value(u) } + sign * scale
            byScale += xi * derivative + sign
            byX[i] = scale * derivative
        }
        let (value, gradient) = model.lossWithGradient(x: Tensor(x))
        #expect(abs(Double(value) - loss) <= 1e-5 * max(1, abs(loss)))
        #expect(abs(Double(gradient.scale) - byScale) <= 1e-4 * max(1, abs(byScale)))
        let inputGradient = model.lossByX(x: Tensor(x))
        for i in 0..<count {
            #expect(abs(Double(inputGradient.scalars[i]) - byX[i]) <= 1e-5 * max(1, abs(byX[i])), "x[\(i)] = \(x[i])")
        }
    }
}
