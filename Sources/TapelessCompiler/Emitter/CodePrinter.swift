/// Generated source as a tree of statements, rendered to text in one place.
///
/// Emitters append declarations, assignments, calls, loops, blocks, source comments and other
/// lines (``declare(_:type:value:mutable:note:)``, ``assign(_:_:operator:)``,
/// ``call(_:arguments:suffix:)``, ``loop(_:in:_:)``, ``block(_:closing:_:)``, ``comment(_:)``,
/// ``line(_:)``, and ``indent()`` with ``outdent()`` for levels opened by hand); ``text``
/// renders the tree, and only it counts spaces. Rendering cleans up as it goes: a source
/// comment with no code under it is dropped, a call too long for one line is wrapped, and a
/// loop whose body is one short statement takes one line.
public struct CodePrinter {
    /// One statement of generated code.
    public indirect enum Statement: Sendable {
        /// A line of code, a doc comment, or a blank line when empty.
        case line(String)
        /// A comment naming the source of the statements after it; dropped when none follow.
        case comment(String)
        /// `let name: type = value` (or `var`), each part optional but the name.
        case declaration(Declaration)
        /// `target = value`, or with another operator such as `+=`.
        case assignment(target: String, operator: String, value: String)
        /// `function(arguments…)` followed by `suffix`, wrapped when it doesn't fit one line.
        case call(function: String, arguments: [String], suffix: String)
        /// `for variable in range { body }`.
        case loop(variable: String, range: String, body: [Statement])
        /// `opening`, the body one level deeper, then `closing`: a function, a `do`, an `if`.
        case block(opening: String, body: [Statement], closing: String)
        /// Statements one level deeper.
        case nested([Statement])
    }

    /// A constant or variable being declared.
    public struct Declaration: Sendable {
        /// `var` rather than `let`.
        public var isMutable: Bool
        /// The name declared.
        public var name: String
        /// The type annotation, if any.
        public var type: String?
        /// The initial value, if any.
        public var value: String?
        /// A comment at the end of the line, if any.
        public var note: String?

        /// The declaration as one line of Swift.
        var code: String {
            (isMutable ? "var " : "let ") + name + (type.map { ": " + $0 } ?? "") + (value.map { " = " + $0 } ?? "")
                + (note.map { "  // " + $0 } ?? "")
        }
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

    /// Declares `name` (a `var` when `mutable`), with a type annotation, an initial value and
    /// a trailing comment where given.
    public mutating func declare(_ name: String, type: String? = nil, value: String?, mutable: Bool = false, note: String? = nil) {
        append(.declaration(Declaration(isMutable: mutable, name: name, type: type, value: value, note: note)))
    }

    /// Appends a declaration made elsewhere.
    public mutating func declare(_ declaration: Declaration) { append(.declaration(declaration)) }

    /// Appends `target = value`, or `target += value` and the like with another `operator`.
    public mutating func assign(_ target: String, _ value: String, operator: String = "=") {
        append(.assignment(target: target, operator: `operator`, value: value))
    }

    /// Appends `for variable in range { … }` with the statements `body` prints.
    public mutating func loop(_ variable: String, in range: String, _ body: (inout CodePrinter) -> Void) {
        append(.loop(variable: variable, range: range, body: printed(body)))
    }

    /// Appends `for variable in 0..<count { … }`, handing `body` the index to use: the
    /// variable, or `0` with no loop at all when `count` is 1.
    public mutating func loop(_ variable: String, upTo count: String, _ body: (inout CodePrinter, _ index: String) -> Void) {
        guard count != "1" else { return body(&self, "0") }
        loop(variable, in: "0..<\(count)") { body(&$0, variable) }
    }

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
        append(.block(opening: opening, body: printed(body), closing: closing))
    }

    private mutating func append(_ statement: Statement) { levels[levels.count - 1].append(statement) }

    /// The statements `body` prints into a printer of its own.
    private func printed(_ body: (inout CodePrinter) -> Void) -> [Statement] {
        var inner = CodePrinter(indentUnit: unit)
        body(&inner)
        return inner.statements
    }

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
            case .declaration(let declaration): add(declaration.code)
            case .assignment(let target, _, let value): [target, value].forEach(add)
            case .call(let function, let arguments, let suffix): ([function, suffix] + arguments).forEach(add)
            case .loop(let variable, let range, let body):
                [variable, range].forEach(add)
                words.formUnion(codeWords(of: body))
            case .block(let opening, let body, let closing):
                [opening, closing].forEach(add)
                words.formUnion(codeWords(of: body))
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
            case .declaration(let declaration):
                output += indentation + declaration.code + "\n"
            case .assignment(let target, let `operator`, let value):
                output += indentation + target + " " + `operator` + " " + value + "\n"
            case .call(let function, let arguments, let suffix):
                renderCall(function, arguments, suffix, indentation: indentation, unit: unit, into: &output)
            case .loop(let variable, let range, let body):
                let opening = "for \(variable) in \(range) {"
                if let single = oneLine(body), indentation.count + opening.count + single.count + 3 <= lineWidth {
                    output += indentation + opening + " " + single + " }\n"
                } else {
                    output += indentation + opening + "\n"
                    render(body, level: level + 1, unit: unit, into: &output)
                    output += indentation + "}\n"
                }
            case .block(let opening, let body, let closing):
                output += indentation + opening + "\n"
                render(body, level: level + 1, unit: unit, into: &output)
                output += indentation + closing + "\n"
            case .nested(let inner):
                render(inner, level: level + 1, unit: unit, into: &output)
            }
        }
    }

    /// The text of a loop body that is one assignment, the only bodies printed on the loop's line.
    private static func oneLine(_ body: [Statement]) -> String? {
        guard body.count == 1, case .assignment(let target, let `operator`, let value) = body[0] else { return nil }
        return target + " " + `operator` + " " + value
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
