import Tapeless
import Testing

/// Fused loops that run in SIMD lanes, against the same formulas written out in Double.
@Suite struct LaneTests {
    static func data(_ count: Int) -> (x: [Float], y: [Float]) {
        let stream = RandomStream(seed: 11)
        let x = (0..<count).map { 4 * stream.uniform(at: $0) - 2 }
        let y = (0..<count).map { 3 * x[$0] + stream.normal(at: count + $0) }
        return (x, y)
    }

    @Test(arguments: [1, 7, 8, 9, 1003])
    func meanSquaredErrorAndItsGradient(_ count: Int) {
        let (x, y) = Self.data(count)
        let model = LaneRegression(seed: 0)
        let (w, b) = (Double(model.w), Double(model.b))
        var loss = 0.0, dw = 0.0, db = 0.0
        for i in 0..<count {
            let r = w * Double(x[i]) + b - Double(y[i])
            loss += r * r / Double(count)
            dw += 2 * r * Double(x[i]) / Double(count)
            db += 2 * r / Double(count)
        }
        let (value, gradient) = model.lossWithGradient(x: Tensor(x), y: Tensor(y))
        #expect(abs(Double(value) - loss) <= 1e-4 * max(1, loss))
        #expect(abs(Double(gradient.w) - dw) <= 1e-4 * max(1, abs(dw)))
        #expect(abs(Double(gradient.b) - db) <= 1e-4 * max(1, abs(db)))
    }

    @Test(arguments: [3, 8, 17, 1001])
    func absoluteErrorReluAndMaxWithTheirSubgradients(_ count: Int) {
        let (x, y) = Self.data(count)
        let model = LaneRegression(seed: 0)
        let (w, b) = (Double(model.w), Double(model.b))
        func sign(_ v: Double) -> Double { v > 0 ? 1 : (v < 0 ? -1 : 0) }
        var loss = 0.0, dw = 0.0, db = 0.0
        let largest = x.map { Double($0) * w }.max()!
        let argmax = x.firstIndex { Double($0) * w == largest }!
        for i in 0..<count {
            let r = w * Double(x[i]) + b - Double(y[i])
            let z = Double(x[i]) - b
            loss += abs(r) / Double(count) + max(z, 0) / Double(count)
            dw += sign(r) * Double(x[i]) / Double(count)
            db += sign(r) / Double(count) - (z > 0 ? 1 : 0) / Double(count)
        }
        loss += largest
        dw += Double(x[argmax])
        let (value, gradient) = model.robustWithGradient(x: Tensor(x), y: Tensor(y))
        #expect(abs(Double(value) - loss) <= 1e-4 * max(1, abs(loss)))
        #expect(abs(Double(gradient.w) - dw) <= 1e-4 * max(1, abs(dw)))
        #expect(abs(Double(gradient.b) - db) <= 1e-4 * max(1, abs(db)))
    }
}

/// `let dx = grad(loss, wrt: x)` inside a model: the loss's gradient with respect to an input.
@Suite struct InputGradientTests {
    @Test(arguments: [5, 16, 21])
    func gradientsWithRespectToInputs(_ count: Int) {
        let (x, y) = LaneTests.data(count)
        let model = InputGradient(seed: 0)
        let (w, b) = (Double(model.w), Double(model.b))
        let residuals = (0..<count).map { w * Double(x[$0]) + b - Double(y[$0]) }
        let byX = model.lossByX(x: Tensor(x), y: Tensor(y))
        let both = model.lossByBoth(x: Tensor(x), y: Tensor(y))
        for i in 0..<count {
            let dx = 2 * residuals[i] * w / Double(count), dy = -2 * residuals[i] / Double(count)
            #expect(abs(Double(byX.scalars[i]) - dx) <= 1e-5 * max(1, abs(dx)))
            #expect(abs(Double(both.x.scalars[i]) - dx) <= 1e-5 * max(1, abs(dx)))
            #expect(abs(Double(both.y.scalars[i]) - dy) <= 1e-5 * max(1, abs(dy)))
        }
    }
}
