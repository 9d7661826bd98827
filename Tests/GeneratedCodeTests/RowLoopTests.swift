import Foundation
import Tapeless
import Testing

/// Softmax cross-entropy (with label smoothing) and softmax's pullback, which the compiler runs
/// as one loop over the rows, against the formulas written out in Double.
@Suite struct RowLoopTests {
    static let (features, classes) = (4, 5)

    static func inputs(_ batch: Int) -> (x: [Float], labels: [Int]) {
        let stream = RandomStream(seed: 5)
        let x = (0..<batch * features).map { 2 * stream.normal(at: $0) }
        let labels = (0..<batch).map { Int(stream.uniform(at: 10_000 + $0) * Float(classes)) % classes }
        return (x, labels)
    }

    /// `x · weight + bias` in Double, row-major `[batch, classes]`.
    static func logits(_ x: [Float], weight: Tensor, bias: Tensor, batch: Int) -> [Double] {
        var z = [Double](repeating: 0, count: batch * classes)
        for row in 0..<batch {
            for c in 0..<classes {
                var sum = Double(bias.scalars[c])
                for f in 0..<features { sum += Double(x[row * features + f]) * Double(weight.scalars[f * classes + c]) }
                z[row * classes + c] = sum
            }
        }
        return z
    }

    /// The softmax of each row.
    static func softmax(_ z: [Double], batch: Int) -> [Double] {
        var p = z
        for row in 0..<batch {
            let line = z[row * classes..<(row + 1) * classes]
            let largest = line.max()!
            let total = line.map { Foundation.exp($0 - largest) }.reduce(0, +)
            for c in 0..<classes { p[row * classes + c] = Foundation.exp(z[row * classes + c] - largest) / total }
        }
        return p
    }

    /// The gradient of the weight and bias from the logits' gradient `dz`.
    static func layerGradient(_ x: [Float], _ dz: [Double], batch: Int) -> (weight: [Double], bias: [Double]) {
        var weight = [Double](repeating: 0, count: features * classes), bias = [Double](repeating: 0, count: classes)
        for row in 0..<batch {
            for c in 0..<classes {
                bias[c] += dz[row * classes + c]
                for f in 0..<features { weight[f * classes + c] += Double(x[row * features + f]) * dz[row * classes + c] }
            }
        }
        return (weight, bias)
    }

    static func expectClose(_ actual: Tensor, _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.scalars.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual.scalars, expected) {
            #expect(abs(Double(a) - e) <= 1e-5 * max(1, abs(e)), "\(what): \(a) against \(e)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [1, 3, 64])
    func smoothedCrossEntropyAndItsGradient(_ batch: Int) {
        let (x, labels) = Self.inputs(batch)
        let model = SmoothedClassifier(seed: 3)
        let z = Self.logits(x, weight: model.fc.weight, bias: model.fc.bias, batch: batch)
        let p = Self.softmax(z, batch: batch)
        // Label smoothing s: the target is (1 - s) on the label plus s / classes everywhere.
        let s = 0.2
        var loss = 0.0
        var dz = [Double](repeating: 0, count: batch * Self.classes)
        for row in 0..<batch {
            for c in 0..<Self.classes {
                let target = (c == labels[row] ? 1 - s : 0) + s / Double(Self.classes)
                loss -= target * Foundation.log(p[row * Self.classes + c]) / Double(batch)
                dz[row * Self.classes + c] = (p[row * Self.classes + c] - target) / Double(batch)
            }
        }
        let expected = Self.layerGradient(x, dz, batch: batch)
        let xTensor = Tensor(shape: [batch, Self.features], scalars: x)
        let (value, gradient) = model.lossWithGradient(x: xTensor, labels: IntTensor(labels))
        #expect(abs(Double(value) - loss) <= 1e-5 * max(1, loss))
        #expect(abs(Double(model.loss(x: xTensor, labels: IntTensor(labels))) - loss) <= 1e-5 * max(1, loss))
        Self.expectClose(gradient.fc.weight, expected.weight, "weight gradient")
        Self.expectClose(gradient.fc.bias, expected.bias, "bias gradient")
    }

    @Test(arguments: [1, 3, 64])
    func softmaxAndItsPullback(_ batch: Int) throws {
        let (x, _) = Self.inputs(batch)
        let model = SoftmaxHead(seed: 4)
        let p = Self.softmax(Self.logits(x, weight: model.fc.weight, bias: model.fc.bias, batch: batch), batch: batch)
        let seed = (0..<batch * Self.classes).map { Float($0 % 7) - 3 }
        // The pullback of softmax: dz = p ⊙ (g − Σ_c g·p) along each row.
        var dz = [Double](repeating: 0, count: batch * Self.classes)
        for row in 0..<batch {
            let range = row * Self.classes..<(row + 1) * Self.classes
            let dot = range.map { Double(seed[$0]) * p[$0] }.reduce(0, +)
            for i in range { dz[i] = p[i] * (Double(seed[i]) - dot) }
        }
        let expected = Self.layerGradient(x, dz, batch: batch)
        let xTensor = Tensor(shape: [batch, Self.features], scalars: x)
        Self.expectClose(model(xTensor), p, "softmax")
        let gradient = model.gradient(at: xTensor) { output in
            Self.expectClose(output, p, "the output the pullback hands over")
            return Tensor(shape: [batch, Self.classes], scalars: seed)
        }
        Self.expectClose(gradient.fc.weight, expected.weight, "weight gradient")
        Self.expectClose(gradient.fc.bias, expected.bias, "bias gradient")
    }
}

/// The tensors a generated pullback hands to its closure are kept between calls; they must
/// still behave as values.
@Suite struct HandedTensorTests {
    @Test func anOutputKeptByTheCallerIsNotOverwrittenByTheNextCall() {
        let model = SoftmaxHead(seed: 4)
        let first = Tensor(shape: [2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let second = Tensor(shape: [2, 4], scalars: [-1, 0, 2, 1, 0, 0, 3, -2])
        var gradient = SoftmaxHead.Gradient.zero
        var kept: [Tensor] = []
        for x in [first, second] {
            model.gradient(at: x, into: &gradient) { output, outputGradient in
                kept.append(output)
                outputGradient = Tensor(shape: output.shape, repeating: 1)
            }
        }
        #expect(kept[0] == model(first))
        #expect(kept[1] == model(second))
    }

    @Test func theSameModelCanBeDifferentiatedInsideItsOwnOutputGradient() {
        let model = SoftmaxHead(seed: 4)
        let x = Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) / 4 })
        let seed = Tensor(shape: [3, 5], scalars: (0..<15).map { Float($0 % 4) - 1.5 })
        let alone = model.gradient(at: x) { _ in seed }
        var nested = SoftmaxHead.Gradient.zero
        var inner = SoftmaxHead.Gradient.zero
        model.gradient(at: x, into: &nested) { output, outputGradient in
            model.gradient(at: x, into: &inner) { innerOutput, innerGradient in
                #expect(innerOutput == output)
                innerGradient = seed
            }
            outputGradient = seed
        }
        #expect(nested.parameterScalars == alone.parameterScalars)
        #expect(inner.parameterScalars == alone.parameterScalars)
    }

    @Test func aLossWritesItsGradientIntoTheHandedTensor() throws {
        let model = SmoothedClassifier(seed: 3)
        let x = Tensor(shape: [4, 4], scalars: (0..<16).map { Float($0 % 5) - 2 })
        let labels = IntTensor([0, 4, 2, 2])
        let criterion = CrossEntropy(labelSmoothing: 0.2)
        let expected = try model.gradient(at: x) { try criterion.valueWithGradient($0, labels).gradient }
        var gradient = SmoothedClassifier.Gradient.zero
        var value: Float = 0
        for _ in 0..<2 {
            try model.gradient(at: x, into: &gradient) { logits, logitsGradient in
                value = try criterion.value(logits, labels, gradientInto: &logitsGradient)
            }
            #expect(gradient.parameterScalars == expected.parameterScalars)
        }
        #expect(abs(value - model.loss(x: x, labels: labels)) < 1e-5)
    }
}

extension HandedTensorTests {
    @Test func anOutputThatIsTheInputIsHandedOverUnchanged() {
        let model = PassThrough(seed: 0)
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var gradient = PassThrough.Gradient.zero
        gradient.scale = 9
        var seen: Tensor?
        model.gradient(at: x, into: &gradient) { output, outputGradient in
            seen = output
            outputGradient = Tensor(shape: [2, 3], repeating: 1)
        }
        #expect(seen == x)
        #expect(gradient.scale == 0)  // the forward function does not read the parameter
    }
}
