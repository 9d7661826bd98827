import Foundation
import Tapeless
import Testing

/// Recurrent layers as the plugin compiles them (Recurrent.tapeless): a PyTorch sequence
/// classifier's `state_dict` (pytorch_recurrent.py) loads by PyTorch's names and computes
/// PyTorch's output, a recurrent model learns a task that needs its carried state, and a
/// sequence continued from a given initial state (`h0:`) matches the whole sequence.
@Suite struct RecurrentLayerTests {
    @Test func aPyTorchStateDictLoadsAndComputesPyTorchsOutput() throws {
        var model = RecurrentInterop.zero
        try model.load(fromPyTorch: PyTorchInteropTests.resource("pytorch_recurrent", "safetensors"))
        let url = try PyTorchInteropTests.resource("pytorch_recurrent", "json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let x = ReferenceCases.tensor(json["x"], shape: [3, 7, 4])
        let expected = ReferenceCases.tensor(json["output"], shape: [3, 3])
        #expect(PyTorchInteropTests.maximumDifference(model(x), expected) < 1e-5)
        #expect(model[parameter: "lstm.weight_hh_l0_reverse"].shape == [24, 6], "PyTorch's names and layouts")
    }

    @Test func aRecurrentModelLearnsWhatOnlyItsStateCanRemember() throws {
        // The label says which feature was larger at the first step; the other steps are noise.
        let x = Tensor(randomUniform: [256, 6, 2], seed: 4, low: -1, high: 1)
        let labels = IntTensor((0..<256).map { x.scalars[$0 * 12] > x.scalars[$0 * 12 + 1] ? 1 : 0 })
        var model = FirstStepMemory(seed: 2)
        var optimizer = Adam(learningRate: 0.02)
        let metrics: [any Metric<IntTensor>] = [Accuracy()]
        let before = try model.evaluate(x: x, y: labels, loss: CrossEntropy(), metrics: metrics)["accuracy"]!
        try model.fit(x: x, y: labels, loss: CrossEntropy(), optimizer: &optimizer, epochs: 60, batchSize: 64, verbosity: .silent)
        let after = try model.evaluate(x: x, y: labels, loss: CrossEntropy(), metrics: metrics)["accuracy"]!
        #expect(before < 0.7 && after > 0.95, "accuracy \(before) before training, \(after) after")
    }

    /// Steps `range` of a batch-first sequence of 2 examples with `features` features.
    static func steps(_ t: Tensor, _ range: Range<Int>, features: Int) -> Tensor {
        let length = t.shape[1]
        let scalars = (0..<2).flatMap { b in range.flatMap { s in (0..<features).map { t.scalars[(b * length + s) * features + $0] } } }
        return Tensor(shape: [2, range.count, features], scalars: scalars)
    }

    @Test func aSequenceContinuedFromItsLastStateMatchesTheWholeSequence() {
        let model = Continued(seed: 3)
        let x = Tensor(randomUniform: [2, 8, 2], seed: 5, low: -1, high: 1)
        let whole = model.whole(x: x)
        let first = model.firstHalf(x: Self.steps(x, 0..<4, features: 2))
        let last = Self.steps(first, 3..<4, features: 3)
        let second = model.secondHalf(x: Self.steps(x, 4..<8, features: 2), h0: Tensor(shape: [1, 2, 3], scalars: last.scalars))
        let expected = Self.steps(whole, 4..<8, features: 3).scalars
        #expect(zip(second.scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(second.scalars) vs \(expected)")
        #expect(zip(first.scalars, Self.steps(whole, 0..<4, features: 3).scalars).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func stackedLayersContinueFromTheFinalStatesAChunkReturns() {
        let model = Carried(seed: 4)
        let x = Tensor(randomUniform: [2, 8, 2], seed: 6, low: -1, high: 1)
        let zero = Tensor(shape: [2, 2, 3], scalars: Array(repeating: 0, count: 12))
        let first = model.chunk(x: Self.steps(x, 0..<4, features: 2), h0: zero, c0: zero)
        let second = model.chunk(x: Self.steps(x, 4..<8, features: 2), h0: first.h, c0: first.c)
        let whole = model.whole(x: x)
        #expect(zip(first.y.scalars, Self.steps(whole, 0..<4, features: 3).scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(zip(second.y.scalars, Self.steps(whole, 4..<8, features: 3).scalars).allSatisfy { abs($0 - $1) < 1e-6 },
                "\(second.y.scalars) vs \(Self.steps(whole, 4..<8, features: 3).scalars)")
        // The last layer's final hidden state is the output's last step.
        let lastStep = Self.steps(second.y, 3..<4, features: 3).scalars
        #expect(zip(Array(second.h.scalars[6..<12]), lastStep).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}
