import Foundation
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

/// Conditions in lane loops (found by generating random programs): a mask kept in memory
/// between the forward and backward passes, one truth value choosing a whole loop's values,
/// and a comparison of two numbers.
@Suite struct LaneConditionTests {
    @Test(arguments: [3, 8, 19])
    func maskKeptForTheBackwardPass(_ count: Int) {
        let x = LaneTests.data(count).x
        let model = LaneConditions(seed: 0)
        var gradient = LaneConditions.Gradient.zero
        var output: [Float] = []
        model.gradient(at: Tensor(x), into: &gradient) { forward, seed in
            output = forward.scalars
            seed = Tensor(shape: forward.shape, repeating: 1)
        }
        let w = model.w
        #expect(output == x.map { $0 > 0 ? $0 * w : 1 })
        let dw = x.filter { $0 > 0 }.map(Double.init).reduce(0, +)
        #expect(abs(Double(gradient.w) - dw) <= 1e-5 * max(1, abs(dw)))
    }

    @Test(arguments: [(9, Float(1)), (9, -1), (16, 1), (16, -1)])
    func oneConditionForTheWholeLoop(_ count: Int, _ sign: Float) {
        let x = LaneTests.data(count).x.map { abs($0) * sign }
        let model = LaneConditions(seed: 0)
        let n = Double(count), w = Double(model.w), sumX = x.map(Double.init).reduce(0, +)
        // sum(where(sum(x) > 0, x * w, 2)) + sum(where(1.5 < 1, x, 3 * w)); the second is always 3w·n.
        let (value, gradient) = model.gatedWithGradient(x: Tensor(x))
        let expected = (sumX > 0 ? w * sumX : 2 * n) + 3 * w * n
        let dw = (sumX > 0 ? sumX : 0) + 3 * n
        #expect(abs(Double(value) - expected) <= 1e-5 * max(1, abs(expected)))
        #expect(abs(Double(gradient.w) - dw) <= 1e-5 * max(1, abs(dw)))
    }
}

/// Loops whose transcendental functions run in the runtime's C kernels a block at a time (up
/// to `Kernels.scratchBlock` elements, in phases), on lengths around the SIMD width and the
/// block, against the same formulas in Double and their central differences.
@Suite struct BlockKernelTests {
    static func forward(_ x: Double, _ w: Double) -> Double {
        let a = 1 / (1 + Foundation.exp(-w * x))
        let b = Foundation.tanh(a + x)
        return a * Foundation.exp(0.5 * b) - Foundation.expm1(0.25 * x)
    }

    static func loss(_ x: [Double], _ w: Double) -> Double {
        x.reduce(0) { total, x in
            let a = 1 / (1 + Foundation.exp(-w * x))
            return total + Foundation.tanh(a * x) * a + Foundation.exp(-x * x)
        }
    }

    @Test(arguments: [1, 7, 8, 9, 255, 256, 257, 1003])
    func valuesAndGradientsMatchDouble(_ count: Int) {
        let x = LaneTests.data(count).x
        let model = BlockKernels(seed: 0)
        let w = Double(model.w), xs = x.map(Double.init)
        let forward = model.forward(x: Tensor(x))
        for i in 0..<count {
            let expected = Self.forward(xs[i], w)
            #expect(abs(Double(forward.scalars[i]) - expected) <= 1e-5 * max(1, abs(expected)), "element \(i) of \(count)")
        }
        let (value, gradient) = model.lossWithGradient(x: Tensor(x))
        let expected = Self.loss(xs, w)
        #expect(abs(Double(value) - expected) <= 1e-5 * max(1, abs(expected)))
        let h = 1e-6
        let dw = (Self.loss(xs, w + h) - Self.loss(xs, w - h)) / (2 * h)
        #expect(abs(Double(gradient.w) - dw) <= 1e-4 * max(1, abs(dw)))
        let byX = model.lossByX(x: Tensor(x))
        for i in Set([0, count / 2, count - 1]) {
            var (up, down) = (xs, xs)
            up[i] += h
            down[i] -= h
            let dx = (Self.loss(up, w) - Self.loss(down, w)) / (2 * h)
            #expect(abs(Double(byX.scalars[i]) - dx) <= 1e-4 * max(1, abs(dx)), "element \(i) of \(count)")
        }
    }
}
