/// A reserved word of the language.
enum Keyword: String, Sendable, Hashable {
    case model, `func`, param, frozen, layer, `let`, `return`
}

/// What a token is.
enum TokenKind: Sendable, Hashable {
    case identifier
    case keyword(Keyword)
    /// A number literal; its value is ``Token/numberValue``.
    case number
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, colon, semicolon, dot, arrow, halfOpenRange
    case plus, minus, star, slash, at
    case less, lessEqual, greater, greaterEqual, equalEqual, notEqual
    case ampersandAmpersand, pipePipe, exclamation
    case equal
    case endOfFile

    /// How the token reads in a message, such as `')'` or `end of file`.
    var spelling: String? {
        switch self {
        case .identifier, .number: return nil
        case .keyword(let keyword): return keyword.rawValue
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBrace: return "{"
        case .rightBrace: return "}"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .comma: return ","
        case .colon: return ":"
        case .semicolon: return ";"
        case .dot: return "."
        case .arrow: return "->"
        case .halfOpenRange: return "..<"
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .at: return "@"
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .equalEqual: return "=="
        case .notEqual: return "!="
        case .ampersandAmpersand: return "&&"
        case .pipePipe: return "||"
        case .exclamation: return "!"
        case .equal: return "="
        case .endOfFile: return nil
        }
    }
}

/// One token of a `.tapeless` file.
struct Token: Sendable, Equatable {
    var kind: TokenKind
    /// The text as written.
    var text: String
    var range: SourceRange
    /// Whether a line break (or the start of the file) comes before the token.
    var isAtStartOfLine: Bool
    /// The value of a number literal; 0 for other tokens and malformed numbers.
    var numberValue: Double = 0

    /// How the token reads in a message: `'x'`, `')'` or `end of file`.
    var quoted: String {
        kind == .endOfFile ? "end of file" : "'\(text)'"
    }
}
