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
}
