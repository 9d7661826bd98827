import Foundation
import Tapeless
import Testing

/// A network whose generated functions run as several blocks, against the same network
/// written out in Double, and its gradients against central differences of that network.
@Suite struct BlockTests {
    static let widths = [3, 4, 4, 4, 4, 4, 2]

    static func data(_ batch: Int) -> (x: [Float], y: [Float]) {
        let stream = RandomStream(seed: 17)
        let x = (0..<batch * 3).map { 2 * stream.normal(at: $0) }
        let y = (0..<batch * 2).map { stream.normal(at: 50_000 + $0) }
        return (x, y)
    }

    /// `DeepNetwork.forward` over flat parameters laid out as `DeepNetwork.parameterLayout`.
    static func forward(_ p: [Double], _ x: [Float], batch: Int) -> [Double] {
        let layout = DeepNetwork.parameterLayout
        let activations: [(Double) -> Double] = [
            Foundation.tanh, { 1 / (1 + Foundation.exp(-$0)) }, Foundation.tanh, { 1 / (1 + Foundation.exp(-$0)) },
            Foundation.tanh, { $0 },
        ]
        var h = x.map(Double.init)
        var firstMean = 0.0
        for layer in 0..<6 {
            let (inputs, outputs) = (widths[layer], widths[layer + 1])
            let weight = layout.entry(named: "l\(layer).weight")!.offset
            let bias = layout.entry(named: "l\(layer).bias")!.offset
            var next = [Double](repeating: 0, count: batch * outputs)
            for row in 0..<batch {
                for o in 0..<outputs {
                    var sum = p[bias + o]
                    for i in 0..<inputs { sum += h[row * inputs + i] * p[weight + i * outputs + o] }
                    next[row * outputs + o] = activations[layer](sum)
                }
            }
            h = next
            if layer == 0 { firstMean = h.reduce(0, +) / Double(h.count) }
        }
        let scale = p[layout.entry(named: "scale")!.offset]
        return h.map { scale * $0 + firstMean }
    }

    /// `DeepNetwork.loss` over flat parameters.
    static func loss(_ p: [Double], _ x: [Float], _ y: [Float], batch: Int) -> Double {
        let output = forward(p, x, batch: batch)
        let scale = p[DeepNetwork.parameterLayout.entry(named: "scale")!.offset]
        return zip(output, y).map { ($0 - Double($1)) * ($0 - Double($1)) }.reduce(0, +) / Double(output.count) + scale * scale
    }

    /// The central difference of `f` along each parameter.
    static func differences(at p: [Double], _ f: ([Double]) -> Double) -> [Double] {
        let step = 1e-6
        return p.indices.map { k in
            var (up, down) = (p, p)
            up[k] += step
            down[k] -= step
            return (f(up) - f(down)) / (2 * step)
        }
    }

    static func expectClose(_ actual: [Float], _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (k, (a, e)) in zip(actual, expected).enumerated() {
            #expect(abs(Double(a) - e) <= 1e-4 * max(1, abs(e)), "\(what) [\(k)]: \(a) against \(e)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [1, 5, 33])
    func lossAndGradient(_ batch: Int) {
        let (x, y) = Self.data(batch)
        let model = DeepNetwork(seed: 8)
        let p = model.parameterScalars.map(Double.init)
        let (xTensor, yTensor) = (Tensor(shape: [batch, 3], scalars: x), Tensor(shape: [batch, 2], scalars: y))
        let expected = Self.loss(p, x, y, batch: batch)
        let (value, gradient) = model.lossWithGradient(x: xTensor, y: yTensor)
        #expect(abs(Double(value) - expected) <= 1e-5 * max(1, expected))
        #expect(abs(Double(model.loss(x: xTensor, y: yTensor)) - expected) <= 1e-5 * max(1, expected))
        Self.expectClose(gradient.parameterScalars, Self.differences(at: p) { Self.loss($0, x, y, batch: batch) }, "gradient")
    }

    @Test(arguments: [1, 5, 33])
    func forwardAndPullback(_ batch: Int) {
        let (x, _) = Self.data(batch)
        let model = DeepNetwork(seed: 8)
        let p = model.parameterScalars.map(Double.init)
        let xTensor = Tensor(shape: [batch, 3], scalars: x)
        let seed = (0..<batch * 2).map { Float($0 % 5) - 2 }
        Self.expectClose(model(xTensor).scalars, Self.forward(p, x, batch: batch), "forward")
        let gradient = model.gradient(at: xTensor) { output in
            Self.expectClose(output.scalars, Self.forward(p, x, batch: batch), "the output the pullback hands over")
            return Tensor(shape: [batch, 2], scalars: seed)
        }
        let expected = Self.differences(at: p) { q in
            zip(Self.forward(q, x, batch: batch), seed).map { $0 * Double($1) }.reduce(0, +)
        }
        Self.expectClose(gradient.parameterScalars, expected, "pullback")
    }
}

/// The generated model states the input shape its forward function declares, so `fit` can
/// refuse data of another shape before a step instead of trapping in the forward function.
@Suite struct InputShapeTests {
    @Test func theGeneratedModelStatesItsDeclaredInputShape() {
        #expect(DeepNetwork.inputShape == [nil, 3])  // forward(x: [batch, 3])
        #expect(LaneConditions.inputShape == [nil])  // forward(x: [n])
    }

    @Test func fitRefusesInputsOfAnotherShape() throws {
        var model = DeepNetwork(seed: 1)
        let before = model.parameterScalars
        var optimizer = SGD(learningRate: 0.1)
        let x = Tensor(shape: [5, 4], scalars: (0..<20).map(Float.init))
        let y = Tensor(shape: [5, 2], scalars: [Float](repeating: 0, count: 10))
        #expect(throws: TrainingError.inputShapeMismatch(expected: [nil, 3], given: [5, 4], dataSet: "training")) {
            try model.fit(x: x, y: y, loss: MeanSquaredError(), optimizer: &optimizer, verbosity: .silent)
        }
        #expect(model.parameterScalars == before)
    }
}
