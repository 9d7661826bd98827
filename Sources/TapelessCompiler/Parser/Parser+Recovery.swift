/// Token classes the parser resynchronizes on after an error.
extension TokenKind {
    /// A token that starts a top-level declaration (or a model member written outside a model).
    var startsDeclaration: Bool {
        switch self {
        case .keyword(.model), .keyword(.func), .keyword(.let), .keyword(.param), .keyword(.layer), .keyword(.frozen):
            return true
        default:
            return false
        }
    }

    /// A token that starts a model member.
    var startsMember: Bool {
        switch self {
        case .keyword(.func), .keyword(.param), .keyword(.layer), .keyword(.frozen): return true
        default: return false
        }
    }

    /// A token that can start an expression.
    var startsExpression: Bool {
        switch self {
        case .identifier, .number, .leftParen, .minus, .exclamation: return true
        default: return false
        }
    }

    /// A token that can start an argument, a parameter, a dimension or a subscript index.
    var startsListElement: Bool {
        switch self {
        case .colon: return true
        default: return startsExpression
        }
    }

    /// A token where a statement inside a body can start or the body can end.
    var endsStatement: Bool {
        switch self {
        case .keyword(.return), .rightBrace: return true
        default: return startsDeclaration
        }
    }
}

extension Parser {
    /// Reports an error that does not derail parsing (the tokens still make sense), so the parser
    /// does not start recovering and later errors are still reported.
    mutating func report(_ message: String, at range: SourceRange) {
        if !isRecovering {
            diagnostics.error(message, at: range)
        }
    }

    /// Parses `element, element, …` up to `closer` (a trailing comma is allowed) and consumes the
    /// closer. A missing comma between elements on one line is reported and assumed; after any
    /// other error it skips to the closer, so the rest of the statement can still be read.
    ///
    /// - Parameter elementsName: What the elements are called in a message, such as `arguments`.
    mutating func parseList<Element>(
        of elementsName: String, closedBy closer: TokenKind, openedBy open: Token,
        _ element: (inout Parser) -> Element
    ) -> [Element] {
        var elements: [Element] = []
        while !at(closer), !at(.endOfFile) {
            let before = position
            elements.append(element(&self))
            guard position != before else { break }
            if consume(.comma) == nil {
                guard !isRecovering, current.kind.startsListElement, !current.isAtStartOfLine else { break }
                report("expected ',' between \(elementsName)", at: current.range)
            }
        }
        if isRecovering {
            skip { $0 == closer || $0 == .leftBrace || $0.endsStatement }
        }
        expectClosing(closer, for: open)
        return elements
    }
}
