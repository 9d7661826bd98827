import Foundation
import Tapeless
import Testing

/// Data-dependent branches as the plugin compiles them (Branches.tapeless): a piecewise
/// function against PyTorch (`branches.json`, from `branches.py`), finite where the pieces
/// not chosen are not, and a model whose loss takes one of two heads.
@Suite struct BranchTests {
    @Test func aPiecewiseFunctionMatchesPyTorchWithoutNaNFromThePiecesNotChosen() throws {
        let url = try #require(Bundle.module.url(forResource: "branches", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let reference = try #require(json["pieces"] as? [String: Any])
        let x = ReferenceCases.tensor(reference["x"], shape: [6])
        let value = try #require(reference["value"] as? Double)
        #expect(abs(Double(pieces(x: x)) - value) < 1e-5)
        let gradient = dPieces(x: x)
        let expected = try #require(reference["gradient"] as? [Double])
        #expect(gradient.scalars.allSatisfy { $0.isFinite })
        for (computed, wanted) in zip(gradient.scalars, expected) {
            #expect(abs(Double(computed) - wanted) < 1e-5, "\(gradient.scalars) vs \(expected)")
        }
    }

    @Test func onlyTheHeadTakenGetsAGradient() throws {
        let model = TwoHeads(seed: 3)
        let labels = IntTensor([0, 1, 1, 0])
        let positive = Tensor(randomUniform: [4, 3], seed: 1, low: 0.1, high: 1)
        let negative = Tensor(randomUniform: [4, 3], seed: 2, low: -1, high: -0.1)
        for (x, taken, other) in [(positive, "first", "second"), (negative, "second", "first")] {
            let (loss, gradient) = model.lossWithGradient(x: x, labels: labels)
            #expect(loss.isFinite)
            let takenGradient = [gradient[parameter: "\(taken).weight"], gradient[parameter: "\(taken).bias"]]
            let otherGradient = [gradient[parameter: "\(other).weight"], gradient[parameter: "\(other).bias"]]
            #expect(takenGradient.contains { $0.scalars.contains { $0 != 0 } }, "\(taken) is taken")
            #expect(otherGradient.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } }, "\(other) is not taken")
        }
    }

    @Test func aLayerInASideUpdatesItsStateOnlyWhenTheSideIsTaken() throws {
        var model = NormalizedWhenPositive(seed: 4)
        let labels = IntTensor([0, 1, 1, 0])
        var gradient = NormalizedWhenPositive.Gradient.zero
        let negative = Tensor(randomUniform: [4, 3], seed: 2, low: -1, high: -0.1)
        _ = model.lossWithGradient(x: negative, labels: labels, mode: .training(seed: 1, step: 0), into: &gradient)
        #expect(model[parameter: "norm.running_mean"].scalars == [0, 0, 0] && model[parameter: "norm.running_var"].scalars == [1, 1, 1])
        #expect(gradient[parameter: "norm.weight"].scalars.allSatisfy { $0 == 0 }, "the normalization is not applied")

        let positive = Tensor(randomUniform: [4, 3], seed: 1, low: 0.1, high: 1)
        _ = model.lossWithGradient(x: positive, labels: labels, mode: .training(seed: 1, step: 1), into: &gradient)
        // PyTorch's momentum 0.1: the running mean moves a tenth of the way to the batch's mean.
        let batchMean = (0..<3).map { column in (0..<4).map { positive[$0, column] }.reduce(0, +) / 4 }
        for (running, mean) in zip(model[parameter: "norm.running_mean"].scalars, batchMean) {
            #expect(abs(running - 0.1 * mean) < 1e-6)
        }
        #expect(gradient[parameter: "norm.weight"].scalars.contains { $0 != 0 })
    }
}
