import Testing
@testable import TapelessCompiler

/// Words of other languages (`if`, `for`, `var`) are not keywords: the parser takes them for
/// the construct only where a name could not stand, so programs that use them as names still
/// parse. The constructs themselves are in `Resources/bad/habit-*.tapeless`.
@Suite struct ForeignConstructTests {
    func diagnostics(_ source: String) -> [String] {
        parse(source: source, path: "t").diagnostics.map(\.message)
    }

    @Test func wordsOfOtherLanguagesStillServeAsNames() {
        #expect(diagnostics("func f(if: Float, var: Float) -> Float {\n    let for = if * var\n    for\n}") == [])
        #expect(diagnostics("func f(x: Float) -> Float { while(x) }\nfunc while(x: Float) -> Float { x }") == [])
    }

    @Test func aMatrixProductStillContinuesOnTheNextLine() throws {
        let (file, diagnostics) = parse(source: "func f(a: [2, 2], b: [2, 2]) -> [2, 2] {\n    a\n    @ b\n}", path: "t")
        #expect(diagnostics.isEmpty)
        guard case .function(let function) = try #require(file.declarations.first) else { return }
        #expect(notation(function.body.result) == "(@ a b)")
    }

    @Test func powerOperatorIsReadAsPowSoNothingCascades() throws {
        let (file, diagnostics) = parse(source: "func f(x: Float) -> Float { -x ** 2 * 3 }", path: "t")
        #expect(diagnostics.map(\.message) == ["the language has no '**' operator; write 'square(x)' or 'pow(x, 2)'"])
        guard case .function(let function) = try #require(file.declarations.first) else { return }
        #expect(notation(function.body.result) == "(* (neg (call pow x 2)) 3)")
    }
}
