import Foundation
import Tapeless
import Testing

/// Custom derivative rules as the plugin compiles them (CustomDerivatives.tapeless): the
/// generated Swift uses the rules, a wrong one included, and a stable rule stays finite where
/// the derived derivative overflows.
@Suite struct CustomDerivativeTests {
    @Test func theGeneratedGradientUsesTheRule() {
        let x = Tensor([-1.5, -0.25, 0.5, 2])
        #expect(dSumCube(x: x).scalars == x.scalars.map { 2 * $0 }, "the rule's 2x, not the true 3x²")
    }

    @Test func aStableRuleStaysFiniteInFloat() {
        // exp(100) overflows Float: the derived derivative would be NaN.
        let x = Tensor([100, -100, 0.5])
        let gradient = dSumSoft(x: x).scalars
        #expect(gradient[0] == 1 && gradient[1] == 0 && abs(gradient[2] - 1 / (1 + exp(-0.5))) < 1e-6)
        let forward = tSoft(x: x, xTangent: Tensor([2, 2, 2]))
        #expect(forward.tangent.scalars[0] == 2 && forward.tangent.scalars[1] == 0)
        var model = Softly.zero
        model.w = Tensor([1, 1, 1, 1])
        let modelGradient = model.lossWithGradient(x: Tensor([100, -100, 0, 1])).gradient
        let w = modelGradient.w.scalars
        #expect(w.allSatisfy { $0.isFinite })
        #expect(w[0] == 100 && w[1] == 0, "x · sigmoid(x w)")
    }
}
