/// Constructs from Swift and Python that the language does not have (yet), and other
/// languages' spellings of those it has: each is reported once, with what to write instead,
/// and skipped whole, so that nothing cascades from it and the errors after it are still found.
///
/// The words involved (`if`, `while`, …) are not keywords: a name may still be spelled
/// that way. A word counts as the construct only where a name could not stand, such as `if`
/// followed by an expression on the same line.
extension Parser {
    /// A statement the language does not have, recognized by its first word.
    enum ForeignStatement {
        /// `guard`, `switch`, or `if` written without braces (Python's `if x > 0:`): a branch.
        case branch(String)
        /// `if` or `switch` where an expression belongs (Swift's `let y = if c { a } else { b }`).
        case branchExpression(String)
        /// `while`, `repeat`, or `for` written other than `for i in 0..<n`: a loop.
        case loop(String)

        var message: String {
            switch self {
            case .branch("if"):
                "a branch is written 'if condition { … } else { … }', with braces, as in 'if e > 0 { h = e } else { h = 0 }'"
            case .branch(let word):
                "the language has no '\(word)'; write 'if condition { … } else { … }', or 'where(condition, a, b)' "
                    + "for a choice per element"
            case .branchExpression(let word):
                "'\(word)' is a statement, not a value: declare a variable before it and assign it in each side, "
                    + "as in 'var y = 0' and then 'if x > 0 { y = x }'"
            case .loop("for"):
                "a loop is written 'for i in 0..<8 { … }', counting from 0 up to a whole number"
            case .loop("while"):
                "a 'while' loop is written 'while condition, maxIterations: 100 { … }', with braces and a bound on its iterations"
            case .loop(let word):
                "the language has no '\(word)' loop; write 'for i in 0..<8 { … }' with a fixed count, or 'while condition, maxIterations: 100 { … }'"
            }
        }
    }

    /// The foreign statement that starts at the current token, if any.
    var foreignStatement: ForeignStatement? {
        guard at(.identifier), !peek().isAtStartOfLine else { return nil }
        let word = current.text
        guard peek().kind == .identifier || peek().kind == .number || braceLaterOnLine else { return nil }
        switch word {
        case "if", "guard", "switch": return .branch(word)
        case "for", "while", "repeat": return .loop(word)
        default: return nil
        }
    }

    /// Whether a `{` comes later on the current line: after a name, only a statement's block can open.
    var braceLaterOnLine: Bool {
        var ahead = 1
        while !peek(ahead).isAtStartOfLine, peek(ahead).kind != .endOfFile {
            if peek(ahead).kind == .leftBrace { return true }
            ahead += 1
        }
        return false
    }

    /// Reports a branch or a loop and skips it with its blocks (and `else` blocks). Without a
    /// block on its line (Python's indented style), it skips to the end of the function body,
    /// since nothing can tell where the construct ends.
    mutating func skipForeignBranchOrLoop(_ statement: ForeignStatement) {
        error(statement.message, at: current.range)
        repeat {
            advance()
            skipThroughBlock()
        } while at(.identifier) && current.text == "else"
    }

    /// Skips to the `{` on the current line and through its matching `}`; with no `{` on the
    /// line, skips to the `}` that closes the enclosing body.
    mutating func skipThroughBlock() {
        while !current.isAtStartOfLine, !at(.leftBrace), !at(.endOfFile) { advance() }
        guard at(.leftBrace) else {
            skip { $0 == .rightBrace }
            return
        }
        var depth = 0
        repeat {
            if at(.leftBrace) { depth += 1 }
            if at(.rightBrace) { depth -= 1 }
            advance()
        } while depth > 0 && !at(.endOfFile)
    }

    /// Whether the current statement assigns to a name: `name = value` or `name += value`.
    var startsAssignment: Bool {
        guard at(.identifier), !peek().isAtStartOfLine else { return false }
        // `s.field = …` assigns a record's field.
        let operatorAt = peek().kind == .dot && peek(2).kind == .identifier && !peek(3).isAtStartOfLine ? 3 : 1
        if peek(operatorAt).kind == .equal { return true }
        let compound: Set<TokenKind> = [.plus, .minus, .star, .slash]
        return compound.contains(peek(operatorAt).kind) && peek(operatorAt + 1).kind == .equal
            && peek(operatorAt + 1).range.start == peek(operatorAt).range.end
    }

    /// `@name(…)` before a declaration (the current token is `@`, the next a name): reported and
    /// skipped, so the declaration after it is read as usual.
    mutating func skipAttribute() {
        let sign = advance()
        let name = advance().text
        let message = switch name {
        case "derivative":
            "a custom derivative is written '@vjp(of: f, wrt: x)' (reverse) or '@jvp(of: f)' (forward) before a "
                + "top-level function that computes it"
        case "vjp", "jvp":
            "derivative rules ('@\(name)') are declared at top level, for top-level functions; move the rule and "
                + "its function out of the model"
        case "differentiable":
            "'@differentiable' is not needed: every function can be differentiated, as in 'let df = grad(f)'"
        default:
            "the language has no attributes such as '@\(name)'; remove it"
        }
        report(message, at: sign.range.union(tokens[position - 1].range))
        if at(.leftParen), !current.isAtStartOfLine {
            skip { $0 == .rightParen || $0.startsDeclaration }
            _ = consume(.rightParen)
        }
    }

    /// `base ** exponent` (Python's power operator), reported with the call to write instead and
    /// read as `pow(base, exponent)`; `exponent` parses what follows the operator.
    mutating func parsePowerOperator(base: Expr, exponent parseExponent: (inout Parser) -> Expr) -> Expr {
        let operatorRange = advance().range.union(advance().range)
        let exponent = parseExponent(&self)
        let (x, n) = (sourceText(of: base.range), sourceText(of: exponent.range))
        let instead = n == "2" ? "'square(\(x))' or 'pow(\(x), 2)'" : "'pow(\(x), \(n))'"
        report("the language has no '**' operator; write \(instead)", at: operatorRange)
        let pow = makeExpression(.identifier("pow"), operatorRange)
        return makeExpression(.call(pow, [Argument(label: nil, value: base), Argument(label: nil, value: exponent)]),
                              base.range.union(exponent.range))
    }

    /// Whether the current tokens are `**` written together.
    var atPowerOperator: Bool {
        at(.star) && peek().kind == .star && peek().range.start == current.range.end
    }

    /// The source text of the tokens in `range`, with one space where the source had any.
    func sourceText(of range: SourceRange) -> String {
        var text = ""
        var previousEnd: SourceLocation?
        for token in tokens where token.range.start >= range.start && token.range.end <= range.end && token.kind != .endOfFile {
            if let previousEnd, previousEnd < token.range.start { text += " " }
            text += token.text
            previousEnd = token.range.end
        }
        return text
    }
}
