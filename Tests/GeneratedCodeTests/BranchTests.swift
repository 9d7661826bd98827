import Foundation
import Tapeless
import Testing

/// Data-dependent branches as the plugin compiles them (Branches.tapeless): a piecewise
/// function against PyTorch (`branches.json`, from `branches.py`), finite where the pieces
/// not chosen are not, a model whose loss takes one of two heads, and benchmark B6's
/// thermostat, whose 1,000 steps run as a loop, against the check values of BENCHMARKS.md.
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

    /// B6's inputs, as BENCHMARKS.md defines them: `out[i] = Float(5 + 10·uniform(7)[i])` and
    /// `target[i] = Float(20 + 2·sin(2πi/250))`, the arithmetic in Double.
    static func thermostatInputs() -> (outside: Tensor, target: Tensor) {
        let stream = RandomStream(seed: 7)
        let outside = (0..<1000).map { Float(5 + 10 * Double(stream.uniform(at: $0))) }
        let target = (0..<1000).map { Float(20 + 2 * sin(2 * Double.pi * Double($0) / 250)) }
        return (Tensor(shape: [1000], scalars: outside), Tensor(shape: [1000], scalars: target))
    }

    @Test func theThermostatLoopMatchesBenchmarkB6sFloat32CheckValues() throws {
        let (outside, target) = Self.thermostatInputs()
        let value = thermostat(c: 2, u: 0.1, p: 3, k: 0.5, s: 21, t0: 15, outside: outside, target: target)
        // PyTorch, JAX and NumPy in float32 agree bit for bit: 1.4086391.
        #expect(abs(value - 1.4086391) <= 2e-7, "\(value)")
        let g = dThermostat(c: 2, u: 0.1, p: 3, k: 0.5, s: 21, t0: 15, outside: outside, target: target)
        let expected: [Float] = [0.06506423, -0.606305, -0.023165986, 0.15051284, 0.12794569, -0.04165017]
        for (computed, wanted) in zip([g.c, g.u, g.p, g.k, g.s, g.t0], expected) {
            #expect(abs(computed - wanted) <= 2e-6 * max(1, abs(wanted)) + 1e-7, "\(computed) vs \(wanted)")
        }
        // Forward mode gives the same derivative along k, and the curvature along k agrees
        // with central differences of the reverse-mode derivative.
        let alongK = thermostatAlongK(c: 2, u: 0.1, p: 3, k: 0.5, s: 21, t0: 15, outside: outside, target: target, kTangent: 1)
        #expect(alongK.value == value)
        #expect(abs(alongK.tangent - g.k) <= 1e-6, "\(alongK.tangent) vs \(g.k)")
        let h: Float = 1e-3
        let above = dThermostat(c: 2, u: 0.1, p: 3, k: 0.5 + h, s: 21, t0: 15, outside: outside, target: target).k
        let below = dThermostat(c: 2, u: 0.1, p: 3, k: 0.5 - h, s: 21, t0: 15, outside: outside, target: target).k
        let curvature = thermostatCurvature(c: 2, u: 0.1, p: 3, k: 0.5, s: 21, t0: 15, outside: outside, target: target, kTangent: 1)
        #expect(abs(curvature - (above - below) / (2 * h)) <= 1e-3 * max(1, abs(curvature)), "\(curvature)")
    }
}
