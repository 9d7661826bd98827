extension Parser {
    static let typeExamples = "'Float', '[n, 784]' or 'Int[batch]'"

    /// `Float`, `Int`, `[d0, …]` (a Float tensor) or `Int[d0, …]`.
    mutating func parseType() -> TypeExpr {
        let start = current.range.start
        switch current.kind {
        case .leftBracket:
            let dimensions = parseDimensionList()
            return TypeExpr(element: .float, dimensions: dimensions, range: range(from: start))
        case .identifier where current.text == "Float" || current.text == "Int":
            let elementToken = advance()
            var dimensions: [DimExpr] = []
            if at(.leftBracket), !current.isAtStartOfLine {
                if elementToken.text == "Float" {
                    report("write a Float tensor type without 'Float', as in '[n, 784]'", at: elementToken.range)
                }
                dimensions = parseDimensionList()
            }
            return TypeExpr(
                element: elementToken.text == "Int" ? .int : .float, dimensions: dimensions, range: range(from: start))
        case .identifier where recordNames.contains(current.text):
            let token = advance()
            return TypeExpr(element: .named(token.text), dimensions: [], range: token.range)
        case .identifier:
            let token = advance()
            report("unknown type '\(token.text)'; expected a type such as \(Self.typeExamples), or a record declared with 'struct'", at: token.range)
            return TypeExpr(element: .float, dimensions: [], range: token.range)
        default:
            error("expected a type such as \(Self.typeExamples)", at: missingRange)
            return TypeExpr(element: .float, dimensions: [], range: missingRange)
        }
    }

    /// `[d0, d1, …]`
    private mutating func parseDimensionList() -> [DimExpr] {
        let open = advance()
        if at(.rightBracket) {
            report("a tensor type needs at least one dimension; write 'Float' for a scalar", at: current.range)
        }
        return parseList(of: "dimensions", closedBy: .rightBracket, openedBy: open) { $0.parseDimension() }
    }

    /// A whole number such as `784` or a size name such as `batch`.
    mutating func parseDimension() -> DimExpr {
        switch current.kind {
        case .identifier:
            let token = advance()
            return .symbol(Identifier(token.text, range: token.range))
        case .number:
            let token = advance()
            return .literal(integerValue(of: token, what: "a dimension") ?? 0, token.range)
        default:
            let range = missingRange
            error("expected a dimension: a whole number such as 784 or a size name such as 'batch'", at: range)
            return .symbol(Identifier("", range: range))
        }
    }

    /// The value of an integer literal, or `nil` (after reporting) if the number is not a whole number that fits.
    mutating func integerValue(of token: Token, what: String) -> Int? {
        guard token.text.unicodeScalars.allSatisfy(\.isDigit) else {
            report("\(what) must be a whole number, not '\(token.text)'", at: token.range)
            return nil
        }
        guard let value = Int(token.text) else {
            report("integer '\(token.text)' is too large", at: token.range)
            return nil
        }
        return value
    }
}
