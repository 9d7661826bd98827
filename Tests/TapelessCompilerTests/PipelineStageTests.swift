import Foundation
import Testing
@testable import TapelessCompiler

/// Each IR stage stores what its doc comment promises: lowering leaves calls and `grad`
/// requests alone, differentiation inlines and derives without simplifying, and
/// simplification is the only stage that changes the derived code.
@Suite struct PipelineStageTests {
    let source = """
        func f(x: Float) -> Float { sin(x) * x }
        let df = grad(f)
        func g(x: Float) -> Float { df(x) * f(x) + 0 }
        model Line {
            param w: Float = 0.5
            func predict(x: [n]) -> [n] { w * x }
            func loss(x: [n], y: [n]) -> Float { mean(square(predict(x) - y)) }
        }
        """

    func compilation() throws -> Compilation {
        let compilation = Compiler().run(source: source, path: "stages.tapeless")
        try #require(!compilation.hasErrors, "\(compilation.diagnostics)")
        return compilation
    }

    static func calls(in function: IRFunction) -> [String] {
        function.instructions.compactMap { instruction in
            if case .call(let callee) = instruction.op { callee.description } else { nil }
        }
    }

    @Test func loweringKeepsCallsAndGradRequestsAndDerivesNothing() throws {
        let lowered = try #require(try compilation().lowered)
        let byName = Dictionary(uniqueKeysWithValues: lowered.functions.map { ($0.name, $0) })
        #expect(Self.calls(in: try #require(byName["g"]).body) == ["df", "f"])
        let df = try #require(byName["df"])
        #expect(df.derivative == DerivativeRequest(function: "f", withRespectTo: [0], resultNames: ["x"]))
        #expect(df.body.instructions.isEmpty)
        let model = try #require(lowered.models.first)
        #expect(model.functions.map { Self.calls(in: $0.body) } == [[], ["self.predict"]])
        #expect(model.functions.allSatisfy { $0.withGradient == nil && $0.pullback == nil })
        // `+ 0` is still there: nothing is simplified yet.
        #expect(try #require(byName["g"]).body.instructions.contains { $0.op == .constant(0) })
    }

    @Test func differentiationInlinesEveryCallAndDerivesByRule() throws {
        let differentiated = try #require(try compilation().differentiated)
        let everyForm = (differentiated.functions + differentiated.models.flatMap(\.functions))
            .flatMap { [$0.body, $0.withGradient, $0.pullback].compactMap { $0 } }
        #expect(everyForm.allSatisfy { Self.calls(in: $0).isEmpty })
        let model = try #require(differentiated.models.first)
        let forms = model.functions.map { ($0.name, $0.withGradient != nil, $0.pullback != nil) }
        // `predict` is the forward function (pullback) and a helper of `loss` (no gradient of its own).
        #expect(forms.map(\.0) == ["predict", "loss"])
        #expect(forms.map(\.1) == [false, true])
        #expect(forms.map(\.2) == [true, false])
        let df = try #require(differentiated.functions.first { $0.name == "df" })
        #expect(df.body.results.map(\.name) == ["x"])
    }

    @Test func simplificationIsTheStageThatSimplifies() throws {
        let compilation = try compilation()
        let differentiated = try #require(compilation.differentiated)
        let simplified = try #require(compilation.simplified)
        for (before, after) in zip(differentiated.functions, simplified.functions) {
            #expect(Simplifier.simplify(before.body) == after.body)
        }
        let g = try #require(differentiated.functions.first { $0.name == "g" })
        #expect(g.body.instructions.contains { $0.op == .constant(0) })
        // Simplified or not, `g` computes the same: (sin x + x cos x) · x sin x.
        let x = 0.7
        let expected = (sin(x) + x * cos(x)) * (x * sin(x))
        for stage in [differentiated, simplified] {
            let body = try #require(stage.functions.first { $0.name == "g" }).body
            let value = try IRInterpreter.run(body, arguments: [IRTensor(x)])["value"]
            #expect(abs(try #require(value).values[0] - expected) < 1e-12)
        }
    }

    @Test func explainPrintsTheStoredStages() throws {
        let compiler = Compiler()
        let ir = try #require(compiler.explain(source: source, path: "stages.tapeless", stage: .ir).text)
        #expect(ir.contains("call df %0"))
        #expect(ir.contains("grad of f with respect to x, derived by the next stage"))
        let gradient = try #require(compiler.explain(source: source, path: "stages.tapeless", stage: .gradient).text)
        #expect(!gradient.contains("call "))
        #expect(gradient.contains("// Line.loss, with gradient"))
        #expect(gradient.contains("// Line.predict, pullback"))
    }

    @Test func theCheckedStageShowsTheInferredShapeOfEveryBinding() throws {
        let source = """
            model Net {
                param w: [4, 3] = glorotUniform
                func loss(x: [batch, 4]) -> Float {
                    let h = tanh(x @ w)
                    mean(h)
                }
            }
            """
        let text = try #require(Compiler().explain(source: source, path: "checked.tapeless", stage: .checked).text)
        #expect(text.contains("func loss(x: [batch, 4]) -> Float   sizes: batch"))
        #expect(text.contains("let h: [batch, 3]"))
        #expect(text.contains("param w: [4, 3]"))
    }

    @Test func theInterpreterRefusesACallInsteadOfGuessing() throws {
        let lowered = try #require(try compilation().lowered)
        let g = try #require(lowered.functions.first { $0.name == "g" }).body
        #expect(throws: IRInterpreter.Failure.call("df")) { try IRInterpreter.run(g, arguments: [IRTensor(0.5)]) }
    }
}
