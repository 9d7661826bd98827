/// Turns names from `.tapeless` source into safe Swift, and hands out local names that can
/// never collide with them.
///
/// Source identifiers are ASCII letters, digits and underscores (the lexer guarantees it),
/// so the only way a name could break generated code is by being a Swift keyword: those are
/// written in backticks.
public enum SwiftNames {
    /// Every Swift keyword that cannot be used as a plain identifier in some position.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self",
        "super", "throws", "true", "try", "_", "consume", "copy", "borrowing", "consuming", "discard",
        "some", "any", "Type", "Protocol", "package", "async", "each", "actor", "macro", "nonisolated",
    ]

    /// `name` as a Swift identifier: backticked when it is a keyword.
    public static func identifier(_ name: String) -> String {
        keywords.contains(name) ? "`\(name)`" : name
    }

    /// `name` as a label in an argument list or a tuple expression, where Swift takes every
    /// keyword but these bare (and warns about needless backticks).
    static func label(_ name: String) -> String {
        ["inout", "var", "let", "_"].contains(name) ? "`\(name)`" : name
    }

    /// The argument label of the Swift parameter for the argument `name` (which may be a
    /// record's field, `s.velocity`, labeled `sVelocity`).
    static func argumentLabel(_ name: String) -> String {
        label(unescaped(property(name)))
    }

    /// The bare name of a Swift identifier: `identifier(_:)` undone.
    static func unescaped(_ identifier: String) -> String {
        identifier.hasPrefix("`") && identifier.hasSuffix("`") && identifier.count > 1
            ? String(identifier.dropFirst().dropLast()) : identifier
    }

    /// A Swift property name for a parameter path: `fc1.weight` becomes `fc1Weight`.
    public static func property(_ path: String) -> String {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first else { return identifier(path) }
        return identifier(first + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())
    }

    /// A Swift string literal's contents for arbitrary text (used in messages and comments).
    public static func escapedString(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                result += scalar.value < 0x20 || scalar.value == 0x7F
                    ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
        }
        return result
    }

    /// Text safe to put after `//` on one line.
    public static func comment(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }
}

/// Local names for one generated function: each request gets a name not used before and not
/// among the reserved names (the function's own arguments).
struct LocalNames {
    private var used: Set<String>

    init(reserving reserved: some Sequence<String>) {
        used = Set(reserved)
    }

    /// `base`, or `base_2`, `base_3`… if taken. A record's field (`s.velocity`, or
    /// `state#1.velocity` for one a call returned) becomes one identifier (`sVelocity`).
    mutating func fresh(_ name: String) -> String {
        let base = SwiftNames.unescaped(SwiftNames.property(name)).filter { $0 != "#" }
        var candidate = base
        var suffix = 2
        while used.contains(candidate) || SwiftNames.keywords.contains(candidate) {
            candidate = "\(base)_\(suffix)"
            suffix += 1
        }
        used.insert(candidate)
        return candidate
    }
}
