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
}
