import Testing
import TapelessCompiler

@Suite struct DiagnosticRendererTests {
    let source = "func f(x: Float) -> Float {\n\t(x + 1\n}\n"

    func location(_ line: Int, _ column: Int) -> TapelessCompiler.SourceLocation {
        // Offsets do not matter to the renderer, which works from lines and columns.
        TapelessCompiler.SourceLocation(line: line, column: column, offset: 0)
    }

    @Test func rendersLocationSourceLineCaretsAndNotes() {
        let diagnostic = Diagnostic.error(
            "expected ')' to close '(' opened at 2:2",
            at: SourceRange(start: location(2, 3), end: location(2, 8)),
            notes: [.init("'(' opened here", at: SourceRange(start: location(2, 2), end: location(2, 2)))])
        let text = DiagnosticRenderer(path: "Models/f.tapeless", source: source).render(diagnostic)
        #expect(text == """
        Models/f.tapeless:2:3: error: expected ')' to close '(' opened at 2:2
        \t(x + 1
        \t ^~~~~
        Models/f.tapeless:2:2: note: '(' opened here
        \t(x + 1
        \t^

        """)
    }

    @Test func underlinesARangeSpanningLinesToTheEndOfItsFirstLine() {
        let warning = Diagnostic.warning("w", at: SourceRange(start: location(1, 21), end: location(3, 2)))
        let text = DiagnosticRenderer(path: "a", source: source).render([warning])
        #expect(text == "a:1:21: warning: w\nfunc f(x: Float) -> Float {\n                    ^~~~~~~\n")
    }

    @Test func rendersAParserDiagnosticEndToEnd() {
        let (_, diagnostics) = parse(source: "func f(x: Float) -> Float { x $ }\n", path: "p.tapeless")
        let text = DiagnosticRenderer(path: "p.tapeless", source: "func f(x: Float) -> Float { x $ }\n")
            .render(diagnostics)
        #expect(text == """
        p.tapeless:1:31: error: unexpected character '$'
        func f(x: Float) -> Float { x $ }
                                      ^

        """)
    }

    @Test func showsAnInsertionFixItUnderTheCaret() {
        let (_, diagnostics) = parse(source: source, path: "f.tapeless")
        #expect(diagnostics.first?.fixIts.map(\.replacement) == [")"])
        let text = DiagnosticRenderer(path: "f.tapeless", source: source).render(diagnostics)
        #expect(text == "f.tapeless:2:8: error: expected ')' to close '(' opened at 2:2\n"
            + "\t(x + 1\n"
            + "\t      ^\n"
            + "\t      )\n")
    }

    /// Columns count Unicode scalars (an accented letter written as two scalars takes two), a
    /// character of several UTF-8 bytes is one blank under the caret, and a Windows line break
    /// is not part of the line.
    @Test func measuresColumnsInScalarsAndDropsCarriageReturns() {
        let source = "e\u{301}\u{2192}x = 1\r\nnext\r\n"
        let renderer = DiagnosticRenderer(path: "w", source: source)
        let onX = Diagnostic.error("x", at: SourceRange(start: location(1, 4), end: location(1, 5)))
        let toNextLine = Diagnostic.error("y", at: SourceRange(start: location(1, 2), end: location(2, 1)))
        let outside = Diagnostic.error("z", at: SourceRange(start: location(4, 1), end: location(4, 1)))
        #expect(renderer.render([onX, toNextLine, outside]) == "w:1:4: error: x\ne\u{301}\u{2192}x = 1\n   ^\n"
            + "w:1:2: error: y\ne\u{301}\u{2192}x = 1\n ^~~~~~~\n"
            + "w:4:1: error: z\n")
    }

    @Test func summarizesCounts() {
        let range = SourceRange(start: location(1, 1), end: location(1, 1))
        let error = Diagnostic.error("e", at: range)
        let warning = Diagnostic.warning("w", at: range)
        #expect(DiagnosticRenderer.summary(of: []) == "")
        #expect(DiagnosticRenderer.summary(of: [error]) == "1 error generated.")
        #expect(DiagnosticRenderer.summary(of: [error, warning, error]) == "2 errors and 1 warning generated.")
        #expect(DiagnosticRenderer.summary(of: [warning, warning]) == "2 warnings generated.")
    }

    @Test func collectorSortsBySourcePositionKeepingReportOrderForTies() {
        func at(_ offset: Int) -> SourceRange {
            let location = TapelessCompiler.SourceLocation(line: 1, column: offset + 1, offset: offset)
            return SourceRange(start: location, end: location)
        }
        var collector = DiagnosticCollector()
        collector.error("late", at: at(9))
        collector.warning("first tie", at: at(2))
        collector.error("second tie", at: at(2))
        #expect(collector.hasErrors)
        #expect(collector.sorted.map(\.message) == ["first tie", "second tie", "late"])
        #expect(collector.diagnostics.map(\.message) == ["late", "first tie", "second tie"])
    }
}
