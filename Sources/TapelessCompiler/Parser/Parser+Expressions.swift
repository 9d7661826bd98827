extension Parser {
    /// Binary operator groups, lowest precedence first, as in Swift: `||`; `&&`; comparisons
    /// (non-associative); `+ -`; `* / @`.
    private static let operatorGroups: [[TokenKind: BinaryOperator]] = [
        [.pipePipe: .or],
        [.ampersandAmpersand: .and],
        [.less: .less, .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual,
         .equalEqual: .equal, .notEqual: .notEqual],
        [.plus: .add, .minus: .subtract],
        [.star: .multiply, .slash: .divide, .at: .matrixMultiply],
    ]

    /// The position of the comparisons in ``operatorGroups``.
    private static let comparisonGroup = 2

    /// Any expression.
    mutating func parseExpression() -> Expr {
        guard enterNesting() else { return missingExpression(at: missingRange) }
        defer { nesting -= 1 }
        return parseBinary(group: 0)
    }

    /// Counts one more level of nesting; when that is too deep, reports it, skips the rest of the
    /// statement and returns `false`.
    private mutating func enterNesting() -> Bool {
        guard nesting < Self.maximumNesting else {
            error("expression is nested too deeply (more than \(Self.maximumNesting) levels); "
                  + "split it into smaller 'let' bindings", at: current.range)
            skip { $0.endsStatement }
            return false
        }
        nesting += 1
        return true
    }

    /// A left-associative chain of the operators of `group` and tighter groups.
    private mutating func parseBinary(group: Int) -> Expr {
        guard group < Self.operatorGroups.count else { return parseUnary() }
        var left = parseBinary(group: group + 1)
        // Each operator in a chain deepens the tree by one level, so it counts as nesting.
        var levels = 0
        defer { nesting -= levels }
        while let op = Self.operatorGroups[group][current.kind] ?? pythonLogicalOperator(in: group), !startsNegation,
              !startsAttribute {
            if group == Self.comparisonGroup, levels > 0 {
                report("comparisons cannot be chained; compare two values at a time", at: current.range)
            }
            if current.kind == .identifier {
                report("Swift writes Python's '\(current.text)' as '\(op.rawValue)'", at: current.range)
            }
            guard enterNesting() else { break }
            levels += 1
            advance()
            let right = parseBinary(group: group + 1)
            left = makeExpression(.binary(op, left, right), left.range.union(right.range))
        }
        return left
    }

    /// Whether the current token is a `-` that begins a line and touches what follows (`-t`):
    /// as in Swift, a negation starting a new statement, not a subtraction continuing the
    /// previous line (`- t`, with a space, still continues it).
    private var startsNegation: Bool {
        at(.minus) && current.isAtStartOfLine && peek().range.start.offset == current.range.end.offset
    }

    /// Whether the current token is an `@` that begins a line and touches a name (`@derivative`):
    /// an attribute before the next declaration, not a matrix product continuing the line above.
    private var startsAttribute: Bool {
        at(.at) && current.isAtStartOfLine && peek().kind == .identifier && peek().range.start == current.range.end
    }

    /// Python's spellings of `&&` and `||`.
    private static let pythonLogicalOperators: [String: BinaryOperator] = ["and": .and, "or": .or]

    /// Python's `and` or `or` between two operands, where `group` holds that operator: read as
    /// `&&` or `||` after reporting it.
    private func pythonLogicalOperator(in group: Int) -> BinaryOperator? {
        guard at(.identifier), !current.isAtStartOfLine, peek().kind.startsExpression, !peek().isAtStartOfLine,
              let op = Self.pythonLogicalOperators[current.text], Self.operatorGroups[group].values.contains(op)
        else { return nil }
        return op
    }

    /// Python's `not` before an operand on the same line (`not x`, `not (x)`, but not the call
    /// `not(x)`), read as `!` after reporting it.
    private var atPythonNot: Bool {
        guard at(.identifier), current.text == "not", !peek().isAtStartOfLine else { return false }
        return peek().kind == .identifier || peek().kind == .number
            || (peek().kind == .leftParen && peek().range.start != current.range.end)
    }

    /// `-operand`, `!operand` or a postfix expression.
    private mutating func parseUnary() -> Expr {
        guard at(.minus) || at(.exclamation) || atPythonNot else { return parsePower() }
        guard enterNesting() else { return missingExpression(at: missingRange) }
        defer { nesting -= 1 }
        if atPythonNot {
            report("Swift writes Python's 'not' as '!', which applies to the operand right after it: "
                   + "'not x > y' is '!(x > y)'", at: current.range)
        }
        let sign = advance()
        let operand = parseUnary()
        return makeExpression(sign.kind == .minus ? .negate(operand) : .not(operand), sign.range.union(operand.range))
    }

    /// A postfix expression, or Python's `base ** exponent` (an error, read as `pow`), which
    /// like Python's binds tighter than `-` on its left and groups to the right.
    private mutating func parsePower() -> Expr {
        let base = parsePostfix()
        guard atPowerOperator, enterNesting() else { return base }
        defer { nesting -= 1 }
        return parsePowerOperator(base: base) { $0.parseUnary() }
    }

    /// A primary followed by calls `(…)`, members `.name` and subscripts `[…]`.
    ///
    /// A `(` or `[` on a new line starts a new statement rather than continuing the expression.
    private mutating func parsePostfix() -> Expr {
        var expression = parsePrimary()
        var levels = 0
        defer { nesting -= levels }
        while at(.dot) || (at(.leftParen) || at(.leftBracket)) && !current.isAtStartOfLine {
            guard enterNesting() else { break }
            levels += 1
            let start = expression.range.start
            switch advance().kind {
            case .dot:
                let member = expectIdentifier("expected a member name after '.'")
                expression = makeExpression(.member(expression, member), range(from: start))
            case .leftParen:
                let arguments = parseArguments(openedBy: tokens[position - 1])
                expression = makeExpression(.call(expression, arguments), range(from: start))
            default:
                let indices = parseSubscript(openedBy: tokens[position - 1])
                expression = makeExpression(.index(expression, indices), range(from: start))
            }
        }
        return expression
    }

    /// A number, a name or `( expression )`.
    private mutating func parsePrimary() -> Expr {
        switch current.kind {
        case .number:
            let token = advance()
            return makeExpression(.number(token.numberValue), token.range)
        case .identifier:
            if let statement = foreignStatement, case .branch(let word) = statement {
                // Swift's `if` expression, as in `let y = if x > 0 { x } else { 0 }`.
                let start = current.range
                skipForeignBranchOrLoop(.branchExpression(word))
                return missingExpression(at: start)
            }
            let token = advance()
            return makeExpression(.identifier(token.text), token.range)
        case .leftParen:
            let open = advance()
            // A parenthesized expression is read directly: nesting costs no more stack than
            // before tuples, which matters for the deepest expressions the parser accepts.
            guard at(.identifier) && peek().kind == .colon else {
                var inner = parseExpression()
                guard consume(.comma) != nil else {
                    if let close = expectClosing(.rightParen, for: open) { inner.range = open.range.union(close.range) }
                    return inner
                }
                let rest = parseList(of: "values", closedBy: .rightParen, openedBy: open) { $0.parseArgument() }
                return makeExpression(.tuple([Argument(label: nil, value: inner)] + rest), range(from: open.range.start))
            }
            let elements = parseList(of: "values", closedBy: .rightParen, openedBy: open) { $0.parseArgument() }
            return makeExpression(.tuple(elements), range(from: open.range.start))
        default:
            let range = missingRange
            let found = range == current.range ? ", found \(current.quoted)" : ""
            error("expected an expression\(found)", at: range)
            return missingExpression(at: range)
        }
    }

    /// The arguments of a call, after its `(`, through the closing `)`.
    private mutating func parseArguments(openedBy open: Token) -> [Argument] {
        parseList(of: "arguments", closedBy: .rightParen, openedBy: open) { $0.parseArgument() }
    }

    /// `value` or `label: value`.
    mutating func parseArgument() -> Argument {
        var label: Identifier?
        if at(.identifier), peek().kind == .colon {
            let token = advance()
            label = Identifier(token.text, range: token.range)
            advance()
        }
        return Argument(label: label, value: parseExpression())
    }

    /// The indices of a subscript, after its `[`, through the closing `]`.
    private mutating func parseSubscript(openedBy open: Token) -> [SubscriptIndex] {
        if at(.rightBracket) {
            report("a subscript needs at least one index, such as '0', ':' or '0..<2'", at: current.range)
        }
        return parseList(of: "subscript indices", closedBy: .rightBracket, openedBy: open) { $0.parseSubscriptIndex() }
    }

    /// `:`, an integer (possibly negative), `a..<b`, or a position computed from loop indices
    /// (`i`, `i + 1`), which the checker reads.
    private mutating func parseSubscriptIndex() -> SubscriptIndex {
        let start = current.range.start
        if consume(.colon) != nil {
            guard let step = parseStep() else { return .all(range(from: start)) }
            return .strided(nil, nil, by: step, range(from: start))
        }
        if at(.identifier) || at(.number) && [.plus, .minus, .star].contains(peek().kind) {
            return .position(parseBinary(group: 1))
        }
        guard let lower = parseSignedInteger() else {
            error("expected a subscript index: an integer such as 0 or -1, ':', a range such as '0..<2', or a loop "
                  + "index such as 'i'", at: missingRange)
            return .all(missingRange)
        }
        guard consume(.halfOpenRange) != nil else {
            return .index(lower, range(from: start))
        }
        guard let upper = parseSignedInteger() else {
            error("expected an integer after '..<', as in '0..<2'", at: missingRange)
            return .range(lower, lower, range(from: start))
        }
        guard let step = parseStep() else { return .range(lower, upper, range(from: start)) }
        return .strided(lower, upper, by: step, range(from: start))
    }

    /// `by k` after a range or `:`, if written: the step of a strided subscript (any integer
    /// here; the checker wants it positive).
    private mutating func parseStep() -> Int? {
        guard at(.identifier), current.text == "by" else { return nil }
        advance()
        guard let step = parseSignedInteger() else {
            error("expected an integer step after 'by', as in '0..<8 by 2'", at: missingRange)
            return 1
        }
        return step
    }

    /// `[-]digits`, or `nil` without consuming anything if the next tokens are not a number.
    private mutating func parseSignedInteger() -> Int? {
        let isNegative = at(.minus) && peek().kind == .number
        guard isNegative || at(.number) else { return nil }
        if isNegative { advance() }
        let value = integerValue(of: advance(), what: "a subscript index") ?? 0
        return isNegative ? -value : value
    }
}
