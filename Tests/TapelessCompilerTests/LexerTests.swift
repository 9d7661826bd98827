import Testing
@testable import TapelessCompiler

@Suite struct LexerTests {
    func tokenize(_ source: String) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var collector = DiagnosticCollector()
        let tokens = Lexer.tokenize(source, diagnostics: &collector)
        return (tokens, collector.sorted)
    }

    @Test func recognizesEveryKindOfToken() {
        let (tokens, diagnostics) = tokenize(
            "model func param frozen layer let return Float x_1 ( ) { } [ ] , : ; . -> ..< + - * / @ < <= > >= == != =")
        #expect(diagnostics.isEmpty)
        let expected: [TokenKind] = [
            .keyword(.model), .keyword(.func), .keyword(.param), .keyword(.frozen), .keyword(.layer),
            .keyword(.let), .keyword(.return), .identifier, .identifier,
            .leftParen, .rightParen, .leftBrace, .rightBrace, .leftBracket, .rightBracket,
            .comma, .colon, .semicolon, .dot, .arrow, .halfOpenRange,
            .plus, .minus, .star, .slash, .at, .less, .lessEqual, .greater, .greaterEqual, .equalEqual, .notEqual,
            .equal, .endOfFile,
        ]
        #expect(tokens.map(\.kind) == expected)
        #expect(tokens[8].text == "x_1")
    }

    @Test func readsNumberValues() {
        let (tokens, diagnostics) = tokenize("3 0.5 1e-3 2.5E+4 7e2")
        #expect(diagnostics.isEmpty)
        #expect(tokens.dropLast().map(\.numberValue) == [3, 0.5, 0.001, 25_000, 700])
        #expect(tokens.dropLast().allSatisfy { $0.kind == .number })
    }

    @Test func splitsARangeAfterAnInteger() {
        let (tokens, _) = tokenize("0..<2")
        #expect(tokens.map(\.kind) == [.number, .halfOpenRange, .number, .endOfFile])
        #expect(tokens.map(\.text) == ["0", "..<", "2", ""])
    }

    @Test func tracksLinesColumnsAndOffsetsInUnicodeScalars() {
        // The comment holds a two-byte 'é' and a four-byte emoji: one column each.
        let (tokens, _) = tokenize("a\n  /* \u{E9}\u{1F600} */ bc\n\tx")
        let locations = tokens.map { ($0.range.start.line, $0.range.start.column, $0.range.start.offset) }
        #expect(locations.count == 4)
        #expect(locations[0] == (1, 1, 0))
        #expect(locations[1] == (2, 12, 13))
        #expect(locations[2] == (3, 2, 17))
        #expect(tokens[1].range.end.column == 14)
        #expect(tokens.map(\.isAtStartOfLine) == [true, true, true, true])
        #expect(tokenize("a b").tokens.map(\.isAtStartOfLine) == [true, false, true])
    }

    @Test func readsWindowsLineEndings() {
        let (tokens, diagnostics) = tokenize("a // c\r\n  b\r\n")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["a", "b", ""])
        #expect(tokens[1].range.start.line == 2 && tokens[1].range.start.column == 3)
        let rendered = DiagnosticRenderer(path: "w", source: "a // c\r\n  b\r\n")
            .render(.error("e", at: tokens[1].range))
        #expect(rendered == "w:2:3: error: e\n  b\n  ^\n")
    }

    @Test func skipsCommentsIncludingNestedBlockComments() {
        let (tokens, diagnostics) = tokenize("a // b c\n/* d /* e */ f */ g")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["a", "g", ""])
    }

    @Test func reportsUnexpectedCharactersAndKeepsGoing() {
        let (tokens, diagnostics) = tokenize("a $ caf\u{E9} &b | \u{7}")
        #expect(diagnostics.map(\.message) == [
            "unexpected character '$'", "unexpected character '\u{E9}'", "unexpected character '&'",
            "unexpected character '|'", "unexpected character '\\u{7}'",
        ])
        #expect(diagnostics.map(\.range.start.column) == [3, 8, 10, 13, 15])
        #expect(tokens.map(\.text) == ["a", "caf", "b", ""])
    }

    @Test func readsLogicalOperators() {
        let (tokens, diagnostics) = tokenize("a && !b || c != d")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.kind) == [
            .identifier, .ampersandAmpersand, .exclamation, .identifier, .pipePipe, .identifier, .notEqual, .identifier,
            .endOfFile,
        ])
    }

    @Test func reportsMalformedAndHugeNumbers() {
        let (_, diagnostics) = tokenize("1e 2e+ 9x 1e400 1.2.3")
        #expect(diagnostics.map(\.message) == [
            "malformed number '1e': expected digits after the exponent",
            "malformed number '2e+': expected digits after the exponent",
            "malformed number '9x': put a space or an operator between a number and what follows",
            "number '1e400' is too large; the largest Float is about 3.4e38",
            "malformed number '1.2.3': put a space or an operator between a number and what follows",
        ])
        #expect(diagnostics.map(\.range.start.column) == [1, 4, 8, 11, 17])
    }

    @Test func reportsAnUnterminatedBlockComment() {
        let (tokens, diagnostics) = tokenize("a /* b /* c */")
        #expect(diagnostics.map(\.message) == ["unterminated '/*' comment; close it with '*/'"])
        #expect(diagnostics.first?.range.start.column == 3 && diagnostics.first?.range.end.column == 5)
        #expect(tokens.map(\.text) == ["a", ""])
    }
}
