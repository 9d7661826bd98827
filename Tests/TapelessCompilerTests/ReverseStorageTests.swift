import Testing
@testable import TapelessCompiler

/// What a reverse pass keeps from its forward pass and what it computes again, as `tapeless
/// explain --stage fused` and `tapeless summary` report it.
@Suite struct ReverseStorageTests {
    static let source = """
        model Small {
            param w: [3, 4] = glorotUniform
            layer drop = Dropout(0.5)
            func loss(x: [n, 3]) -> Float {
                var h = tanh(x @ w)
                for t in 0..<2 { h = h * sigmoid(h) }
                mean(square(drop(h)))
            }
        }
        """

    static func plan(mode: String) throws -> FusionPlan {
        let program = try CompiledFunctions(source).program
        let model = try #require(program.models.first)
        let function = try #require(model.functions.first { $0.mode?.rawValue == mode })
        return try #require(FunctionPlans(function, in: model).withGradient)
    }

    @Test func keepsTheProductAndComputesTheElementwiseChainAndTheMaskAgain() throws {
        let reverse = try #require(ReverseStorage(try Self.plan(mode: "training")))
        // The matrix product is kept (it is not elementwise); tanh, the loop's steps and the
        // dropout mask are computed again inside the reverse pass's fused loop.
        #expect(reverse.kept.map(\.op) == [.matmul(transposeLeft: false, transposeRight: false)])
        #expect(reverse.formula == "n·4")
        #expect(reverse.bytesPerExample == 16)
        #expect(reverse.recomputed.contains { $0.op == .unary(.tanh) })
        #expect(reverse.recomputed.contains { if case .dropoutMask = $0.op { true } else { false } })
        let text = FusionPrinter.render(try Self.plan(mode: "training"))
        #expect(text.contains("reverse pass keeps 1 forward value, n·4 elements:"))
        #expect(text.contains("reverse pass computes again instead of keeping:"))
    }

    @Test func aFunctionWithoutDerivativesHasNoReversePass() throws {
        let program = try CompiledFunctions("func f(x: [n]) -> [n] { tanh(x) }").program
        let function = try #require(program.functions.first)
        #expect(ReverseStorage(FunctionPlans(function, in: nil).body) == nil)
    }

    @Test func theSummaryReportsWhatTheBackwardPassKeepsPerExample() throws {
        let text = ModelSummary(program: try CompiledFunctions(Self.source).program).render()
        let rows = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.contains { $0.starts(with: ["Function", "Forward", "FLOPs"]) && $0.suffix(3) == ["Kept", "for", "backward"] })
        let training = try #require(rows.first { $0.starts(with: ["loss", "(training)"]) })
        #expect(training.suffix(2) == ["16", "B"])
    }
}
