import Foundation
import Tapeless
import Testing

/// Loops and variables as the plugin compiles them (Loops.tapeless): gradients against
/// PyTorch (`loops.json`, from `loops.py`), and a recurrent model written with a loop against
/// the same model written out by hand.
@Suite struct LoopTests {
    static func reference() throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: "loops", withExtension: "json", subdirectory: "Resources"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func expectClose(_ computed: Tensor, _ expected: Any?, _ label: String) throws {
        let reference = try #require(expected as? [Double]).map(Float.init)
        #expect(computed.scalars.count == reference.count, "\(label)")
        let error = zip(computed.scalars, reference).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(error < 1e-4, "\(label): relative error \(error)")
    }

    @Test func gradientsThroughLoopsMatchPyTorch() throws {
        let json = try Self.reference()
        let run = try #require(json["run"] as? [String: Any])
        let runGradient = try #require(run["gradient"] as? [String: Any])
        let x = ReferenceCases.tensor(run["x"], shape: [2, 4, 3])
        let w = ReferenceCases.tensor(run["w"], shape: [3, 5])
        let u = ReferenceCases.tensor(run["u"], shape: [5, 5])
        #expect(abs(recurrentSum(x: x, w: w, u: u) - Float(try #require(run["value"] as? Double))) < 1e-4)
        let gradient = dRecurrentSum(x: x, w: w, u: u)
        try Self.expectClose(gradient.x, runGradient["x"], "∂/∂x")
        try Self.expectClose(gradient.w, runGradient["w"], "∂/∂w")
        try Self.expectClose(gradient.u, runGradient["u"], "∂/∂u")

        let simulation = try #require(json["simulate"] as? [String: Any])
        let simulationGradient = try #require(simulation["gradient"] as? [String: Any])
        let v0 = ReferenceCases.tensor(simulation["v0"], shape: [3])
        let k = Float(try #require(simulation["k"] as? Double))
        let force = ReferenceCases.tensor(simulation["force"], shape: [8, 3])
        let value = Float(try #require(simulation["value"] as? Double))
        #expect(abs(simulate(v0: v0, k: k, force: force) - value) / value < 1e-5)
        let derivatives = dSimulate(v0: v0, k: k, force: force)
        try Self.expectClose(derivatives.v0, simulationGradient["v0"], "∂/∂v0")
        try Self.expectClose(Tensor([derivatives.k]), simulationGradient["k"], "∂/∂k")
        try Self.expectClose(derivatives.force, simulationGradient["force"], "∂/∂force")
    }

    @Test func aRecurrentModelWithALoopTrainsLikeTheSameModelWrittenOutByHand() throws {
        let looped = RowReader(seed: 5)
        let byHand = RowReaderByHand(parameterScalars: looped.parameterScalars)
        let x = Tensor(randomUniform: [6, 4, 3], seed: 8, low: -1, high: 1)
        let labels = IntTensor([0, 1, 1, 0, 1, 0])
        let (loopLoss, loopGradient) = looped.lossWithGradient(x: x, labels: labels)
        let (handLoss, handGradient) = byHand.lossWithGradient(x: x, labels: labels)
        #expect(loopLoss == handLoss)
        #expect(loopGradient.parameterScalars == handGradient.parameterScalars)
        #expect(loopGradient.parameterScalars.contains { $0 != 0 }, "the loss depends on every parameter")
    }
}
