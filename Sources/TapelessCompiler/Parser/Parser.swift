/// Parses a `.tapeless` file into its syntax tree.
///
/// Parsing never fails and never traps: every syntax error is reported and the parser
/// recovers at the next declaration, member, statement or closing brace, so the tree is a
/// best-effort picture of the whole file. Pieces that could not be read are ``Expr/isMissing``
/// expressions and empty identifiers.
///
/// - Returns: The tree and the diagnostics of the lexer and parser, in source order.
public func parse(source: String, path: String) -> (file: SourceFile, diagnostics: [Diagnostic]) {
    var diagnostics = DiagnosticCollector()
    let tokens = Lexer.tokenize(source, diagnostics: &diagnostics)
    var parser = Parser(tokens: tokens, diagnostics: diagnostics)
    let declarations = parser.parseDeclarations()
    return (SourceFile(path: path, declarations: declarations), parser.diagnostics.sorted)
}

extension Expr {
    /// Whether the parser put this expression in place of one it could not read.
    ///
    /// Later stages skip missing expressions: their error has been reported already.
    public var isMissing: Bool { kind == .identifier("") }
}

/// A recursive-descent parser over the token list, with panic-mode error recovery.
struct Parser {
    /// Expressions deeper than this are reported instead of parsed, so the parser (and every
    /// later stage that walks the tree recursively) stays far from the end of the stack.
    static let maximumNesting = 200
    /// The deepest nest of loops and branches: far beyond what a person writes, and it keeps
    /// checking and lowering (which recurse through statements) well inside the stack.
    static let maximumStatementNesting = 64

    var tokens: [Token]
    var position = 0
    var diagnostics: DiagnosticCollector
    /// Set after an error until the parser reaches a point where it can trust the tokens again;
    /// errors reported meanwhile are consequences of the first one and are dropped.
    var isRecovering = false
    var nextExpressionID = 0
    var nesting = 0
    /// How many loops and branches enclose the current statement.
    var statementNesting = 0
    /// Whether a `return` inside a loop or a branch of the current body was reported, so that
    /// the body's missing result is not reported too.
    var reportedNestedReturn = false

    /// The names of the records the file declares (`struct Name`), which are types wherever
    /// they are declared.
    let recordNames: Set<String>

    init(tokens: [Token], diagnostics: DiagnosticCollector) {
        self.tokens = tokens
        self.diagnostics = diagnostics
        recordNames = Set(zip(tokens, tokens.dropFirst()).compactMap { first, second in
            first.kind == .identifier && first.text == "struct" && first.isAtStartOfLine && second.kind == .identifier ? second.text : nil
        })
    }

    // MARK: Tokens

    var current: Token { tokens[position] }

    func peek(_ ahead: Int = 1) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

    /// Where the previous token ended: the place to point at when something is missing after it.
    var previousEnd: SourceLocation {
        position > 0 ? tokens[position - 1].range.end : current.range.start
    }

    func at(_ kind: TokenKind) -> Bool { current.kind == kind }

    func at(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    /// Consumes the current token if it is of `kind`.
    mutating func consume(_ kind: TokenKind) -> Token? {
        at(kind) ? advance() : nil
    }

    /// Consumes a token of `kind`, or reports `message` and consumes nothing.
    @discardableResult
    mutating func expect(_ kind: TokenKind, _ message: @autoclosure () -> String) -> Token? {
        if let token = consume(kind) { return token }
        error(message(), at: missingRange)
        return nil
    }

    /// Consumes `closer`, or reports that it is needed to close `opener`, suggesting to insert it.
    @discardableResult
    mutating func expectClosing(_ closer: TokenKind, for opener: Token) -> Token? {
        if let token = consume(closer) { return token }
        let spelling = closer.spelling ?? ""
        let range = missingRange
        let insertion = Diagnostic.FixIt(
            replacing: SourceRange(start: range.start, end: range.start),
            with: range.start == previousEnd ? spelling : spelling + " ")
        error("expected '\(spelling)' to close '\(opener.text)' opened at \(opener.range.start)", at: range,
              fixIts: [insertion])
        return nil
    }

    /// Consumes an identifier, or reports `message` and returns an empty identifier.
    ///
    /// - Parameter what: What the name declares, such as `a function`: a keyword on the same
    ///   line is then reported as a name that can't be used and read as the name, so the rest
    ///   of the declaration still parses.
    mutating func expectIdentifier(_ message: @autoclosure () -> String, naming what: String? = nil) -> Identifier {
        if let token = consume(.identifier) { return Identifier(token.text, range: token.range) }
        if let what, case .keyword = current.kind, !current.isAtStartOfLine {
            let token = advance()
            report("'\(token.text)' is a keyword and cannot name \(what)", at: token.range)
            return Identifier(token.text, range: token.range)
        }
        error(message(), at: missingRange)
        return Identifier("", range: missingRange)
    }

    /// Where to report a missing token: the next token if it is on the same line, else just after the previous one.
    var missingRange: SourceRange {
        if current.isAtStartOfLine || current.kind == .endOfFile, position > 0 {
            return SourceRange(start: previousEnd, end: previousEnd)
        }
        return current.range
    }

    // MARK: Errors and recovery

    /// Reports an error unless the parser is recovering from an earlier one, then starts recovering.
    mutating func error(_ message: String, at range: SourceRange, fixIts: [Diagnostic.FixIt] = []) {
        if !isRecovering {
            diagnostics.error(message, at: range, fixIts: fixIts)
        }
        isRecovering = true
    }

    /// Skips tokens until `isStop` accepts one (or the file ends), skipping `{ … }` groups whole;
    /// with `atLineStart`, also stops at the first token of a line.
    mutating func skip(atLineStart: Bool = false, until isStop: (TokenKind) -> Bool) {
        var braceDepth = 0
        while !at(.endOfFile) {
            if braceDepth == 0, isStop(current.kind) || atLineStart && current.isAtStartOfLine { return }
            if at(.leftBrace) { braceDepth += 1 }
            if at(.rightBrace) { braceDepth = max(0, braceDepth - 1) }
            advance()
        }
    }

    /// The range from `start` to the end of the last consumed token.
    func range(from start: SourceLocation) -> SourceRange {
        SourceRange(start: start, end: max(start, previousEnd))
    }

    /// A new expression with the next identifier.
    mutating func makeExpression(_ kind: ExprKind, _ range: SourceRange) -> Expr {
        defer { nextExpressionID += 1 }
        return Expr(id: nextExpressionID, kind: kind, range: range)
    }

    /// An expression standing for one that could not be read.
    mutating func missingExpression(at range: SourceRange) -> Expr {
        makeExpression(.identifier(""), range)
    }
}
