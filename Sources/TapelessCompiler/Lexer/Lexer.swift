/// Splits a `.tapeless` source into tokens, reporting characters and numbers it cannot read.
///
/// The lexer never stops early: a bad character is reported and skipped, so the parser always
/// sees every token of the file and the list always ends with an end-of-file token.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private var column = 1
    private var sawLineBreak = true
    private var tokens: [Token] = []
    private var diagnostics: DiagnosticCollector

    /// Returns every token of `source`, the last being `.endOfFile`, and appends lexical errors to `diagnostics`.
    static func tokenize(_ source: String, diagnostics: inout DiagnosticCollector) -> [Token] {
        var lexer = Lexer(scalars: Array(source.unicodeScalars), diagnostics: diagnostics)
        lexer.run()
        diagnostics = lexer.diagnostics
        return lexer.tokens
    }

    private init(scalars: [Unicode.Scalar], diagnostics: DiagnosticCollector) {
        self.scalars = scalars
        self.diagnostics = diagnostics
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column, offset: position) }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        position + ahead < scalars.count ? scalars[position + ahead] : nil
    }

    private mutating func advance() {
        if scalars[position] == "\n" {
            line += 1
            column = 1
            sawLineBreak = true
        } else {
            column += 1
        }
        position += 1
    }

    private mutating func run() {
        while let scalar = peek() {
            let start = location
            switch scalar {
            case " ", "\t", "\r", "\n":
                advance()
            case "/" where peek(1) == "/":
                while let next = peek(), next != "\n" { advance() }
            case "/" where peek(1) == "*":
                skipBlockComment(from: start)
            case "0"..."9":
                lexNumber(from: start)
            case _ where scalar.isIdentifierStart:
                while let next = peek(), next.isIdentifierContinue { advance() }
                let text = self.text(from: start)
                add(Keyword(rawValue: text).map(TokenKind.keyword) ?? .identifier, from: start)
            default:
                if let kind = lexPunctuation(scalar) {
                    add(kind, from: start)
                } else {
                    advance()
                    diagnostics.error(
                        "unexpected character '\(scalar.displayed)'", at: SourceRange(start: start, end: location))
                }
            }
        }
        tokens.append(Token(kind: .endOfFile, text: "", range: SourceRange(start: location, end: location),
                            isAtStartOfLine: true))
    }

    /// Consumes the longest operator or punctuation at the current position.
    private mutating func lexPunctuation(_ scalar: Unicode.Scalar) -> TokenKind? {
        let next = peek(1)
        let twoScalar: TokenKind? = switch (scalar, next) {
        case ("-", ">"): .arrow
        case ("<", "="): .lessEqual
        case (">", "="): .greaterEqual
        case ("=", "="): .equalEqual
        case ("!", "="): .notEqual
        case ("&", "&"): .ampersandAmpersand
        case ("|", "|"): .pipePipe
        default: nil
        }
        if let twoScalar {
            advance()
            advance()
            return twoScalar
        }
        if scalar == ".", next == ".", peek(2) == "<" {
            advance()
            advance()
            advance()
            return .halfOpenRange
        }
        let single: TokenKind? = switch scalar {
        case "(": .leftParen
        case ")": .rightParen
        case "{": .leftBrace
        case "}": .rightBrace
        case "[": .leftBracket
        case "]": .rightBracket
        case ",": .comma
        case ":": .colon
        case ";": .semicolon
        case ".": .dot
        case "!": .exclamation
        case "+": .plus
        case "-": .minus
        case "*": .star
        case "/": .slash
        case "@": .at
        case "<": .less
        case ">": .greater
        case "=": .equal
        default: nil
        }
        if single != nil { advance() }
        return single
    }

    /// Skips a `/* … */` comment, which may nest.
    private mutating func skipBlockComment(from start: SourceLocation) {
        advance()
        advance()
        var depth = 1
        while depth > 0 {
            guard let scalar = peek() else {
                let opener = SourceRange(start: start, end: SourceLocation(
                    line: start.line, column: start.column + 2, offset: start.offset + 2))
                diagnostics.error("unterminated '/*' comment; close it with '*/'", at: opener)
                return
            }
            if scalar == "*", peek(1) == "/" {
                depth -= 1
                advance()
            } else if scalar == "/", peek(1) == "*" {
                depth += 1
                advance()
            }
            advance()
        }
    }

    /// Lexes `digits [. digits] [(e|E) [+|-] digits]`, reporting malformed and out-of-range numbers.
    private mutating func lexNumber(from start: SourceLocation) {
        skipDigits()
        if peek() == ".", let digit = peek(1), digit.isDigit {
            advance()
            skipDigits()
        }
        var problem: String?
        if peek() == "e" || peek() == "E" {
            let signLength = peek(1) == "+" || peek(1) == "-" ? 1 : 0
            if let digit = peek(1 + signLength), digit.isDigit {
                for _ in 0...signLength { advance() }
                skipDigits()
            } else {
                for _ in 0...signLength { advance() }
                problem = "expected digits after the exponent"
            }
        }
        if let next = peek(), next.isIdentifierContinue || next == "." && peek(1)?.isDigit == true {
            while let next = peek(), next.isIdentifierContinue || next == "." { advance() }
            problem = "put a space or an operator between a number and what follows"
        }
        let text = self.text(from: start)
        let range = SourceRange(start: start, end: location)
        var value: Double = 0
        if let problem {
            diagnostics.error("malformed number '\(text)': \(problem)", at: range)
        } else if let parsed = Double(text), parsed.isFinite {
            value = parsed
        } else {
            diagnostics.error("number '\(text)' is too large; the largest Float is about 3.4e38", at: range)
        }
        add(.number, from: start, numberValue: value)
    }

    private mutating func skipDigits() {
        while let next = peek(), next.isDigit { advance() }
    }

    /// The text from `start` to the current position, decoded from its UTF-8 in one go: appending
    /// the scalars to a string one by one took five times as long, a tenth of the fuzzer's time.
    private func text(from start: SourceLocation) -> String {
        String(decoding: scalars[start.offset..<position].flatMap(\.utf8), as: UTF8.self)
    }

    private mutating func add(_ kind: TokenKind, from start: SourceLocation, numberValue: Double = 0) {
        tokens.append(Token(
            kind: kind, text: text(from: start), range: SourceRange(start: start, end: location),
            isAtStartOfLine: sawLineBreak, numberValue: numberValue))
        sawLineBreak = false
    }
}

extension Unicode.Scalar {
    var isDigit: Bool { ("0"..."9").contains(self) }
    var isIdentifierStart: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_" }
    var isIdentifierContinue: Bool { isIdentifierStart || isDigit }

    /// The scalar as it should appear inside quotes in a message: itself if visible, else `\u{…}`.
    var displayed: String {
        if properties.generalCategory == .control || properties.isWhitespace || properties.generalCategory == .format {
            return "\\u{\(String(value, radix: 16, uppercase: true))}"
        }
        return String(self)
    }
}
