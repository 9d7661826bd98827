import Testing
@testable import TapelessCompiler

/// `tapeless summary`: parameters per layer and in total, FLOPs and activations per example.
@Suite struct ModelSummaryTests {
    @Test func summarizesLayersParametersAndCosts() throws {
        let program = try CompiledFunctions("""
            model SimpleNN {
                layer fc1 = Dense(784 -> 128, activation: relu)
                layer fc2 = Dense(128 -> 10)
                frozen param scale: Float = 1
                func forward(x: [batch, 784]) -> [batch, 10] { fc2(fc1(x)) * scale }
            }
            """).program
        let text = ModelSummary(program: program).render()
        let lines = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.contains(["fc1", "(layer)", "100480", "392.5", "KiB", "yes"]))
        #expect(lines.contains(["fc2.bias", "[10]", "10", "40", "B", "yes"]))
        #expect(lines.contains(["scale", "[]", "1", "4", "B", "no"]))
        #expect(lines.contains(["Total", "101771", "397.5", "KiB", "101770", "trainable"]))
        // Per example: the two products (2·784·128 + 2·128·10 multiply-adds) plus the bias, relu and scale.
        let forward = try #require(lines.first { $0.first == "forward" })
        let flops = try #require(Int(forward[1]))
        #expect(flops >= 2 * (784 * 128 + 128 * 10) && flops < 2 * (784 * 128 + 128 * 10) + 1_000)
    }

    @Test func reportsTheSizeOfTheGeneratedSwift() throws {
        let source = "model M { param w: Float = 1\n func loss(x: [n]) -> Float { w * sum(x) } }"
        let program = try CompiledFunctions(source).program
        let swift = Compiler().swiftSource(for: program)
        let lines = swift.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        let text = ModelSummary(program: program, generatedSwift: swift).render()
        #expect(text.contains("Generated Swift: \(lines) lines, "))
        #expect(!ModelSummary(program: program).render().contains("Generated Swift"))
    }
}
