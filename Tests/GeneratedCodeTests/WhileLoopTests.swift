import Foundation
import Tapeless
import Testing

/// `while` loops as the plugin compiles them (WhileLoops.tapeless): against PyTorch's Python
/// `while` (`while_loops.json`, from `while_loops.py`), a loop that runs out of iterations
/// stopping the program, and a model's gradient through a loop against the derivative of the
/// fixed point it converges to.
@Suite struct WhileLoopTests {
    static func reference(_ name: String) throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: "while_loops", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(json[name] as? [String: Any])
    }

    static func expectClose(_ computed: Float, _ expected: Double, _ label: String) {
        #expect(abs(Double(computed) - expected) <= 2e-5 * max(1, abs(expected)), "\(label): \(computed) vs \(expected)")
    }

    @Test func newtonsMethodMatchesPyTorchWithItsDerivatives() throws {
        let reference = try Self.reference("loss")
        let (a, b) = (Float(try #require(reference["a"] as? Double)), Float(try #require(reference["b"] as? Double)))
        let direction = try #require(reference["direction"] as? [Double]).map(Float.init)
        Self.expectClose(loss(a: a, b: b), try #require(reference["value"] as? Double), "loss")
        let gradient = dLoss(a: a, b: b)
        let expected = try #require(reference["gradient"] as? [Double])
        Self.expectClose(gradient.a, expected[0], "∂loss/∂a")
        Self.expectClose(gradient.b, expected[1], "∂loss/∂b")
        Self.expectClose(lossAlongA(a: a, b: b, aTangent: 1).tangent, expected[0], "jvp along a")
        let curvature = lossCurvature(a: a, b: b, aTangent: direction[0], bTangent: direction[1])
        let hvp = try #require(reference["hvp"] as? [Double])
        Self.expectClose(curvature.a, hvp[0], "(H v)_a")
        Self.expectClose(curvature.b, hvp[1], "(H v)_b")
    }

    @Test func clippedGradientDescentMatchesPyTorch() throws {
        let reference = try Self.reference("settle")
        let c = Float(try #require(reference["c"] as? Double))
        let s = Float(try #require(reference["s"] as? Double))
        let q = Tensor(try #require(reference["q"] as? [Double]).map(Float.init))
        Self.expectClose(settle(c: c, s: s, q: q), try #require(reference["value"] as? Double), "settle")
        let gradient = dSettle(c: c, s: s, q: q)
        let expected = try #require(reference["gradient"] as? [Any])
        Self.expectClose(gradient.c, try #require(expected[0] as? Double), "∂settle/∂c")
        Self.expectClose(gradient.s, try #require(expected[1] as? Double), "∂settle/∂s")
        for (computed, wanted) in zip(gradient.q.scalars, try #require(expected[2] as? [Double])) {
            Self.expectClose(computed, wanted, "∂settle/∂q")
        }
    }

    @Test func aLoopWithinItsBoundReturns() {
        // 20 halves to 0.625 in exactly the five iterations allowed.
        #expect(halvings(x: 20) == 0.625)
    }

    @Test func aLoopWhoseConditionStillHoldsAfterItsBoundStopsTheProgram() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = halvings(x: 40)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("halvings(x:): the loop 'while y > 1, maxIterations: 5' at line 44 ran 5 iterations"), "\(message)")
    }

    @Test func aModelsGradientThroughTheLoopIsTheDerivativeOfItsFixedPoint() {
        var model = FixedPoint.zero
        model.k = 0.8
        let target = Tensor([0.5])
        // x = cos(k x) by iteration in Double, and dx/dk = -x sin(k x) / (1 + k sin(k x)) from
        // differentiating the equation.
        let k = 0.8
        var x = 0.0
        for _ in 0..<200 { x = cos(k * x) }
        let dxdk = -x * sin(k * x) / (1 + k * sin(k * x))
        let (loss, gradient) = model.lossWithGradient(target: target)
        Self.expectClose(loss, (x - 0.5) * (x - 0.5), "loss")
        Self.expectClose(gradient.k, 2 * (x - 0.5) * dxdk, "∂loss/∂k")
    }
}
