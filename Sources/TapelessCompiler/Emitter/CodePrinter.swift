/// Generated source as a tree of statements, rendered to text in one place.
///
/// Emitters append lines, source comments, calls and nested levels (``line(_:)``,
/// ``comment(_:)``, ``call(_:arguments:suffix:)``, ``block(_:closing:_:)``, ``indent()`` and
/// ``outdent()``); ``text`` renders the tree, and only it counts spaces. Rendering cleans up
/// as it goes: a source comment with no code under it is dropped, and a call too long for one
/// line is wrapped.
public struct CodePrinter {
    /// One statement of generated code.
    public indirect enum Statement: Sendable {
        /// A line of code, a doc comment, or a blank line when empty.
        case line(String)
        /// A comment naming the source of the statements after it; dropped when none follow.
        case comment(String)
        /// `function(arguments…)` followed by `suffix`, wrapped when it doesn't fit one line.
        case call(function: String, arguments: [String], suffix: String)
        /// Statements one level deeper.
        case nested([Statement])
    }

    /// The longest line a call is printed on before its arguments wrap.
    static let lineWidth = 120

    /// The statements of each open level, the outermost first.
    private var levels: [[Statement]] = [[]]
    private let unit: String

    /// Creates an empty printer that indents each level by `indentUnit`.
    public init(indentUnit: String = "    ") {
        self.unit = indentUnit
    }

    /// The statements printed so far, with the levels still open as nested statements.
    public var statements: [Statement] {
        var folded: [Statement] = []
        for level in levels.reversed() {
            folded = level + (folded.isEmpty ? [] : [.nested(folded)])
        }
        return folded
    }

    /// The text of everything printed so far, every line ending in a newline.
    public var text: String {
        var output = ""
        Self.render(statements, level: 0, unit: unit, into: &output)
        return output
    }

    /// Appends one line at the current level (an empty string gives a blank line).
    public mutating func line(_ content: String = "") { append(.line(content)) }

    /// Appends several lines at the current level.
    public mutating func lines(_ contents: [String]) { contents.forEach { line($0) } }

    /// Appends a `//` comment about the code that follows; it is dropped if none does.
    public mutating func comment(_ content: String) { append(.comment(content)) }

    /// Appends a call, `function(arguments…)` then `suffix`, on one line when it fits.
    public mutating func call(_ function: String, arguments: [String], suffix: String = "") {
        append(.call(function: function, arguments: arguments, suffix: suffix))
    }

    /// Appends statements printed elsewhere, at the current level.
    public mutating func append(_ statements: [Statement]) { levels[levels.count - 1] += statements }

    /// Indents the following statements one more level.
    public mutating func indent() { levels.append([]) }

    /// Indents the following statements one level less; there must be a level to close.
    public mutating func outdent() {
        precondition(levels.count > 1, "outdent below zero")
        let inner = levels.removeLast()
        append(.nested(inner))
    }

    /// Prints `opening`, the body one level deeper, then `closing`.
    public mutating func block(_ opening: String, closing: String = "}", _ body: (inout CodePrinter) -> Void) {
        line(opening)
        indent()
        body(&self)
        outdent()
        line(closing)
    }

    private mutating func append(_ statement: Statement) { levels[levels.count - 1].append(statement) }

    /// The words of the code in `statements`, comments left out: what a generated name can be
    /// checked against.
    static func codeWords(of statements: [Statement]) -> Set<Substring> {
        var words: Set<Substring> = []
        func add(_ code: String) {
            let code = code.firstRange(of: "//").map { code[..<$0.lowerBound] } ?? code[...]
            words.formUnion(code.split { !($0.isLetter || $0.isNumber || $0 == "_") })
        }
        for statement in statements {
            switch statement {
            case .line(let code): add(code)
            case .comment: break
            case .call(let function, let arguments, let suffix): ([function, suffix] + arguments).forEach(add)
            case .nested(let inner): words.formUnion(codeWords(of: inner))
            }
        }
        return words
    }

    private static func render(_ statements: [Statement], level: Int, unit: String, into output: inout String) {
        let indentation = String(repeating: unit, count: level)
        for (index, statement) in statements.enumerated() {
            switch statement {
            case .line(let content):
                output += content.isEmpty ? "\n" : indentation + content + "\n"
            case .comment(let content):
                // A comment describes the code under it: none follows when the next statement is
                // another comment or the level ends.
                let next = statements.dropFirst(index + 1).first
                if case .comment? = next { continue }
                if next == nil { continue }
                output += indentation + "// " + content + "\n"
            case .call(let function, let arguments, let suffix):
                renderCall(function, arguments, suffix, indentation: indentation, unit: unit, into: &output)
            case .nested(let inner):
                render(inner, level: level + 1, unit: unit, into: &output)
            }
        }
    }

    /// A call on one line, or with its arguments filling lines one level deeper.
    private static func renderCall(
        _ function: String, _ arguments: [String], _ suffix: String, indentation: String, unit: String,
        into output: inout String
    ) {
        let oneLine = indentation + function + "(" + arguments.joined(separator: ", ") + ")" + suffix
        guard oneLine.count > lineWidth, !arguments.isEmpty else {
            output += oneLine + "\n"
            return
        }
        output += indentation + function + "(\n"
        let deeper = indentation + unit
        var current = ""
        for (index, argument) in arguments.enumerated() {
            let piece = argument + (index == arguments.count - 1 ? ")" + suffix : ",")
            if !current.isEmpty && deeper.count + current.count + 1 + piece.count > lineWidth {
                output += deeper + current + "\n"
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + piece
        }
        output += deeper + current + "\n"
    }
}
