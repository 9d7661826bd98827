import Testing
import TapelessCompiler

/// Feeds the parser hostile input: it must always return, with diagnostics where the input is wrong.
@Suite struct ParserRobustnessTests {
    /// A small deterministic generator (splitmix64), so failures reproduce.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Parses and checks invariants that hold for any input; returns the diagnostics.
    @discardableResult
    func parseChecked(_ source: String) -> [Diagnostic] {
        let (file, diagnostics) = parse(source: source, path: "fuzz")
        let scalarCount = source.unicodeScalars.count
        for diagnostic in diagnostics {
            #expect(diagnostic.range.start.offset <= diagnostic.range.end.offset)
            #expect(diagnostic.range.end.offset <= scalarCount)
            #expect(diagnostic.range.start.line >= 1 && diagnostic.range.start.column >= 1)
        }
        let ids = allExpressions(in: file).map(\.id)
        #expect(Set(ids).count == ids.count, "expression ids must be unique")
        // Rendering must cope with every range the parser produces.
        _ = DiagnosticRenderer(path: "fuzz", source: source).render(diagnostics)
        return diagnostics
    }

    @Test func survivesRandomBytes() {
        var generator = Generator(state: 1)
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            parseChecked(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func survivesRandomTokenSoup() {
        let vocabulary = [
            "model", "func", "param", "frozen", "layer", "let", "return", "grad", "wrt", "x", "Float", "Int",
            "Dense", "3", "0.5", "1e-3", "(", ")", "{", "}", "[", "]", ",", ":", ";", ".", "->", "..<",
            "+", "-", "*", "/", "@", "<", "<=", ">", ">=", "==", "!=", "=", "\n", "//c\n", "/*", "*/", "$",
        ]
        var generator = Generator(state: 2)
        for _ in 0..<500 {
            let count = Int.random(in: 0...60, using: &generator)
            let soup = (0..<count).map { _ in vocabulary.randomElement(using: &generator)! }.joined(separator: " ")
            parseChecked(soup)
        }
    }

    /// Every prefix that ends strictly inside a top-level declaration of the example is an
    /// incomplete program and must be reported (by the parser, or by the checker where the
    /// prefix still parses, as `let df = gr` does: a constant with an unknown name); prefixes
    /// made of whole declarations are clean.
    @Test func reportsEveryTruncationInsideADeclaration() {
        let source = ExampleProgram.source
        let scalars = Array(source.unicodeScalars)
        #expect(scalars.allSatisfy { $0.isASCII })
        // Top-level declarations start at column 1 with a keyword and end at the last
        // non-blank character before the next one.
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var lineStarts: [Int] = []
        var offset = 0
        for line in lines {
            lineStarts.append(offset)
            offset += line.unicodeScalars.count + 1
        }
        let starts = lines.indices.filter { index in
            ["model ", "func ", "let "].contains { lines[index].hasPrefix($0) }
        }
        // A lone '/' (the header comment cut after one scalar) is a stray operator.
        var spans: [Range<Int>] = [0..<2]
        for (number, startLine) in starts.enumerated() {
            let nextStart = number + 1 < starts.count ? lineStarts[starts[number + 1]] : scalars.count
            var end = nextStart
            while end > 0, scalars[end - 1] == "\n" || scalars[end - 1] == " " { end -= 1 }
            spans.append(lineStarts[startLine]..<end)
        }
        #expect(spans.count == 7)
        for length in 0...scalars.count {
            let prefix = String(String.UnicodeScalarView(scalars[0..<length]))
            var diagnostics = parseChecked(prefix)
            let isInside = spans.contains { $0.lowerBound < length && length < $0.upperBound }
            if isInside, diagnostics.isEmpty { diagnostics = check(parse(source: prefix, path: "fuzz").file).diagnostics }
            if isInside {
                #expect(!diagnostics.isEmpty, "prefix of \(length) scalars should be reported")
            } else {
                #expect(diagnostics.isEmpty, "prefix of \(length) scalars is complete: \(diagnostics)")
            }
        }
    }

    @Test(arguments: [
        ("parentheses", String(repeating: "(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)),
        ("minus signs", String(repeating: "-", count: 100_000) + "x"),
        ("nested calls", String(repeating: "f(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)),
        ("long sum", Array(repeating: "x", count: 100_000).joined(separator: " + ")),
        ("member chain", "x" + String(repeating: ".y", count: 100_000)),
        ("unclosed", String(repeating: "(", count: 100_000)),
    ])
    func reportsDeepNestingOnceInsteadOfOverflowingTheStack(name: String, expression: String) {
        let diagnostics = parseChecked("func f(x: Float) -> Float { \(expression) }\nfunc g(x: Float) -> Float { x }")
        #expect(diagnostics.count == 1, "\(name): \(diagnostics.prefix(3))")
        #expect(diagnostics.first?.message.hasPrefix("expression is nested too deeply (more than 200 levels)") == true)
    }

    @Test(arguments: [
        ("branches", "var y = x\n" + String(repeating: "if x > 0 {\n", count: 5_000) + "y = 1\n" + String(repeating: "}\n", count: 5_000) + "y"),
        ("loops", "var y = x\n" + String(repeating: "for i in 0..<2 {\n", count: 5_000) + "y += 1\n" + String(repeating: "}\n", count: 5_000) + "y"),
    ])
    func reportsDeeplyNestedStatementsOnce(name: String, body: String) {
        let diagnostics = parseChecked("func f(x: Float) -> Float {\n\(body)\n}\nfunc g(x: Float) -> Float { x }")
        #expect(diagnostics.count == 1, "\(name): \(diagnostics.prefix(3))")
        #expect(diagnostics.first?.message.hasPrefix("loops and branches are nested too deeply (more than 64 levels)") == true)
    }

    @Test func acceptsNestingBelowTheLimit() {
        let expression = String(repeating: "(", count: 60) + "x" + String(repeating: ")", count: 60)
        #expect(parseChecked("func f(x: Float) -> Float { \(expression) }").isEmpty)
    }

    @Test func survivesDeepBracketsAndBracesOutsideExpressions() {
        #expect(!parseChecked(String(repeating: "{", count: 100_000)).isEmpty)
        #expect(!parseChecked("model M { param w: " + String(repeating: "[", count: 100_000) + " }").isEmpty)
        #expect(!parseChecked("func f(x: Float) -> Float { x" + String(repeating: "[", count: 100_000) + " }").isEmpty)
        #expect(!parseChecked(String(repeating: "}", count: 100_000)).isEmpty)
    }

    @Test func parsesALargeProgram() {
        let function = "func f(x: [n, 4]) -> Float { let y = x * 2 + 1\n mean(y[0, :]) }\n"
        let diagnostics = parseChecked(String(repeating: function, count: 5_000))
        #expect(diagnostics.isEmpty)
    }
}
