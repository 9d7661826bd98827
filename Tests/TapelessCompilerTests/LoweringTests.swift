import Testing
@testable import TapelessCompiler

/// Inlining: every call copies its callee's body, already simplified.
@Suite struct LoweringTests {
    /// `f(x) + f(x) + f(x)` at thirteen levels would be 3^13 copies of `f0` if each call copied
    /// an unsimplified body; with each body reduced before it is copied, every level adds a few
    /// instructions. (A random-program fuzzer found this taking 15 s and 570 MB to check.)
    @Test func callsRepeatedAtEveryLevelAddOneCopy() throws {
        var source = "func f0(x: Float) -> Float { x * x }\n"
        for level in 1...13 {
            source += "func f\(level)(x: Float) -> Float { f\(level - 1)(x) + f\(level - 1)(x) + f\(level - 1)(x) }\n"
        }
        source += "let df = grad(f13)\n"
        let functions = try CompiledFunctions(source)
        let f13 = try #require(functions.program.functions.first { $0.name == "f13" })
        #expect(f13.body.instructions.count < 50)
        let threeToThe13 = 1_594_323.0
        #expect(try functions("f13", 0.5) == threeToThe13 / 4)  // 3^13 x²
        #expect(try functions("df", 0.5) == threeToThe13)  // 2 · 3^13 x
    }
}
