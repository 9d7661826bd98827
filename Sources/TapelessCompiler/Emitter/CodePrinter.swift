/// Accumulates generated source text and owns its indentation.
///
/// Emitters call ``line(_:)``, ``indent()`` and ``outdent()``; nothing else in the
/// compiler counts spaces.
public struct CodePrinter {
    /// The text printed so far, every line ending in a newline.
    public private(set) var text = ""
    private var level = 0
    private let unit: String

    /// The lines printed so far, without their newlines, to print again inside a block.
    public var printedLines: [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Creates an empty printer that indents each level by `indentUnit`.
    public init(indentUnit: String = "    ") {
        self.unit = indentUnit
    }

    /// Appends one line at the current indentation (an empty string gives a blank line).
    public mutating func line(_ content: String = "") {
        if !content.isEmpty { text += String(repeating: unit, count: level) + content }
        text += "\n"
    }

    /// Appends several lines at the current indentation.
    public mutating func lines(_ contents: [String]) {
        contents.forEach { line($0) }
    }

    /// Indents the following lines one more level.
    public mutating func indent() { level += 1 }

    /// Indents the following lines one level less; there must be a level to remove.
    public mutating func outdent() {
        precondition(level > 0, "outdent below zero")
        level -= 1
    }

    /// Prints `opening`, the body one level deeper, then `closing`.
    public mutating func block(_ opening: String, closing: String = "}", _ body: (inout CodePrinter) -> Void) {
        line(opening)
        indent()
        body(&self)
        outdent()
        line(closing)
    }
}
