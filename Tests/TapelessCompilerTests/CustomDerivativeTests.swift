import Foundation
import Testing
@testable import TapelessCompiler

/// Custom derivative rules (`@vjp`, `@jvp`) in the interpreter: used in place of the derived
/// derivatives (a deliberately wrong rule changes every result that depends on it), right
/// against finite differences when right, and differentiated like any other code at higher
/// orders.
@Suite struct CustomDerivativeTests {
    /// `cube`'s rules are deliberately wrong (the truth is 3x²), so that every derivative
    /// through them shows whether they were used; `soft`'s are right.
    static let source = """
        func cube(x: [n]) -> [n] { x * x * x }

        @vjp(of: cube, wrt: x)
        func cubeWrongPullback(x: [n], outputGradient: [n]) -> [n] { outputGradient * 2 * x }

        @jvp(of: cube)
        func cubeWrongTangent(x: [n], xTangent: [n]) -> [n] { xTangent * 5 }

        func sumCube(x: [n]) -> Float { sum(cube(x)) }
        let dSumCube = grad(sumCube)
        let jCube = jvp(cube)
        let hSumCube = hessian(sumCube)

        // log(1 + exp(x)) written naively, with its stable derivative as the rule.
        func soft(x: [n]) -> [n] { log(1 + exp(x)) }

        @vjp(of: soft, wrt: x)
        func softPullback(x: [n], outputGradient: [n]) -> [n] { outputGradient * sigmoid(x) }

        func weighted(x: [n], w: [n]) -> Float { sum(soft(x * w) * x) }
        let dWeighted = grad(weighted, wrt: x, w)
        let hvpWeighted = hvp(weighted, wrt: x)
        let dSoft = vjp(soft)
        let tSoft = jvp(soft)

        model Scaled {
            param w: [3] = 0.5
            func loss(x: [3]) -> Float { sum(cube(x * w)) }
        }
        """

    static func function(_ program: LoweredProgram, _ name: String) throws -> IRFunction {
        try #require(program.functions.first { $0.name == name }?.body)
    }

    static let x = IRTensor(shape: [4], values: [-1.5, -0.25, 0.5, 2])

    @Test func aWrongReverseRuleIsUsedAtFirstAndSecondOrder() throws {
        let program = try CompiledFunctions(Self.source).program
        let gradient = try IRInterpreter.run(try Self.function(program, "dSumCube"), arguments: [Self.x])
        #expect(try #require(gradient["x"]).values == Self.x.values.map { 2 * $0 }, "the rule's 2x, not the true 3x²")
        // The Hessian differentiates the rule's body: 2 on the diagonal (the truth is 6x).
        let hessian = try #require(try IRInterpreter.run(try Self.function(program, "hSumCube"), arguments: [Self.x]).values.first)
        #expect(hessian.values == (0..<16).map { $0 % 5 == 0 ? 2 : 0 })
    }

    @Test func aWrongForwardRuleIsUsedByForwardMode() throws {
        let program = try CompiledFunctions(Self.source).program
        let direction = IRTensor(shape: [4], values: [1, -2, 0.5, 3])
        let results = try IRInterpreter.run(try Self.function(program, "jCube"), arguments: [Self.x, direction])
        #expect(try #require(results["tangent"]).values == direction.values.map { 5 * $0 })
        #expect(try #require(results["value"]).values == Self.x.values.map { $0 * $0 * $0 })
    }

    @Test func aRightRuleAgreesWithFiniteDifferencesAtEveryOrder() throws {
        let program = try CompiledFunctions(Self.source).program
        let weighted = try Self.function(program, "weighted")
        let w = IRTensor(shape: [4], values: [0.5, 2, -1, 0.25])
        let gradients = try IRInterpreter.run(try Self.function(program, "dWeighted"), arguments: [Self.x, w])
        for (index, name) in ["x", "w"].enumerated() {
            try GradientChecking.expectFiniteDifferences(
                of: weighted, result: "value", at: [Self.x, w], varying: .argument(index),
                equal: try #require(gradients[name]), step: 1e-6, tolerance: 1e-7, "∂weighted/∂\(name)")
        }
        // Forward over reverse through the rule's body, against the change of the gradient.
        let direction = IRTensor(shape: [4], values: [1, -1, 0.5, 2])
        let hvp = try IRInterpreter.run(try Self.function(program, "hvpWeighted"), arguments: [Self.x, w, direction])
        let gradientOfX = try Self.function(program, "dWeighted")
        try GradientChecking.expectDirectionalDerivative(
            of: gradientOfX, result: "x", at: [Self.x, w], along: [direction, nil],
            equal: try #require(hvp["x"]), step: 1e-5, tolerance: 1e-6, "hvp")
        // Forward mode without a forward rule differentiates the body; reverse mode uses the rule.
        let seed = IRTensor(shape: [4], values: [0.25, 1, -2, 0.5])
        let vjp = try IRInterpreter.run(try Self.function(program, "dSoft"), arguments: [Self.x, seed])
        let jvp = try IRInterpreter.run(try Self.function(program, "tSoft"), arguments: [Self.x, seed])
        let sigmoid = Self.x.values.map { 1 / (1 + exp(-$0)) }
        for i in 0..<4 {
            #expect(abs(try #require(vjp["x"]).values[i] - seed.values[i] * sigmoid[i]) < 1e-12)
            #expect(abs(try #require(jvp["tangent"]).values[i] - seed.values[i] * sigmoid[i]) < 1e-12)
        }
    }

    @Test func theRuleStaysFiniteWhereTheDerivedDerivativeOverflows() throws {
        let program = try CompiledFunctions(Self.source).program
        let large = IRTensor(shape: [2], values: [800, -800])
        let seed = IRTensor(shape: [2], values: [1, 1])
        // exp(800) overflows: the derived derivative exp(x) / (1 + exp(x)) is NaN, the rule's 1.
        let vjp = try IRInterpreter.run(try Self.function(program, "dSoft"), arguments: [large, seed])
        #expect(try #require(vjp["x"]).values == [1, 0])
        let jvp = try IRInterpreter.run(try Self.function(program, "tSoft"), arguments: [large, seed])
        #expect(try #require(jvp["tangent"]).values[0].isNaN, "forward mode has no rule here and derives through the body")
    }

    @Test func aModelsParameterGradientGoesThroughTheRule() throws {
        let program = try CompiledFunctions(Self.source).program
        let loss = try #require(program.models.first?.functions.first { $0.name == "loss" }?.withGradient)
        let x = IRTensor(shape: [3], values: [1, -2, 0.5])
        let w = IRTensor(shape: [3], values: [0.5, 1.5, -2])
        let results = try IRInterpreter.run(loss, arguments: [x], parameters: ["w": w])
        // d/dw Σ cube(x w) through the rule 2·(x w): 2 (x w) x (the truth is 3 (x w)² x).
        let expected = (0..<3).map { j -> Double in 2 * x.values[j] * w.values[j] * x.values[j] }
        #expect(try #require(results["w"]).values == expected)
    }

    /// The same functions with `torch.autograd.Function` rules (`custom_derivatives.py`):
    /// first derivatives, and second derivatives through the rules' bodies.
    @Test func derivativesThroughRulesMatchPyTorchsAutogradFunctions() throws {
        let program = try CompiledFunctions(Self.source).program
        let json = try CompiledFunctions.reference("custom_derivatives")
        func vector(_ value: Any?) throws -> [Double] { try #require(value as? [Double]) }
        let x = IRTensor(shape: [4], values: try vector(json["x"]))
        let w = IRTensor(shape: [4], values: try vector(json["w"]))
        let direction = IRTensor(shape: [4], values: try vector(json["direction"]))
        let weighted = try #require(json["weighted"] as? [String: Any])
        let sumCube = try #require(json["sumCube"] as? [String: Any])
        func expectClose(_ computed: IRTensor?, _ expected: Any?, _ label: String) throws {
            let values = try #require(computed, "\(label)").values
            let reference = try vector(expected)
            #expect(values.count == reference.count && zip(values, reference).allSatisfy { abs($0 - $1) < 1e-10 }, "\(label): \(values) vs \(reference)")
        }
        let gradients = try IRInterpreter.run(try Self.function(program, "dWeighted"), arguments: [x, w])
        try expectClose(gradients["x"], weighted["x"], "∂weighted/∂x")
        try expectClose(gradients["w"], weighted["w"], "∂weighted/∂w")
        try expectClose(try IRInterpreter.run(try Self.function(program, "hvpWeighted"), arguments: [x, w, direction])["x"], weighted["hvp"], "hvp")
        try expectClose(try IRInterpreter.run(try Self.function(program, "dSumCube"), arguments: [x])["x"], sumCube["gradient"], "∂sumCube/∂x")
        try expectClose(try IRInterpreter.run(try Self.function(program, "hSumCube"), arguments: [x]).values.first, sumCube["hessian"], "Hessian")
    }
}

