/// Renders diagnostics the way `swift build`, Xcode and editors expect to read them.
///
/// Each diagnostic becomes `path:line:column: error: message`, then the source line and a caret
/// line (`^~~~`) under the range, then the text of any fix-it on that line aligned where it
/// goes; each note follows in the same form with `note:`.
public struct DiagnosticRenderer: Sendable {
    /// The path printed at the start of each diagnostic.
    public let path: String
    private let scalars: [Unicode.Scalar]
    /// The offset of the first scalar of each line.
    private let lineStarts: [Int]

    /// Creates a renderer for the diagnostics of one file.
    public init(path: String, source: String) {
        self.path = path
        scalars = Array(source.unicodeScalars)
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(offset + 1)
        }
        lineStarts = starts
    }

    /// Renders diagnostics in the order given, each followed by its notes.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    /// Renders one diagnostic and its notes; the text ends with a newline.
    public func render(_ diagnostic: Diagnostic) -> String {
        var text = renderEntry(diagnostic.severity, diagnostic.message, diagnostic.range)
        for fixIt in diagnostic.fixIts where fixIt.range.start.line == diagnostic.range.start.line {
            if let line = sourceLine(fixIt.range.start.line), !fixIt.replacement.isEmpty {
                text += String(indentation(in: line, upTo: fixIt.range.start.column - 1)) + fixIt.replacement + "\n"
            }
        }
        for note in diagnostic.notes {
            text += renderEntry(.note, note.message, note.range)
        }
        return text
    }

    /// A closing line such as `2 errors and 1 warning generated.`, or an empty string when there are none.
    public static func summary(of diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        let parts = [(errors, "error"), (warnings, "warning")]
            .filter { $0.0 > 0 }
            .map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        return parts.isEmpty ? "" : parts.joined(separator: " and ") + " generated."
    }

    private func renderEntry(_ severity: Diagnostic.Severity, _ message: String, _ range: SourceRange) -> String {
        var text = "\(path):\(range.start.line):\(range.start.column): \(severity.rawValue): \(message)\n"
        if let snippet = snippet(for: range) {
            text += snippet
        }
        return text
    }

    /// The text of a 1-based line without its line break, or `nil` outside the file.
    private func sourceLine(_ number: Int) -> ArraySlice<Unicode.Scalar>? {
        let lineIndex = number - 1
        guard lineIndex >= 0, lineIndex < lineStarts.count else { return nil }
        let lineStart = lineStarts[lineIndex]
        var lineEnd = lineIndex + 1 < lineStarts.count ? lineStarts[lineIndex + 1] - 1 : scalars.count
        if lineEnd > lineStart, scalars[lineEnd - 1] == "\r" { lineEnd -= 1 }
        return scalars[lineStart..<lineEnd]
    }

    /// Blanks as wide as the first `count` scalars of `line`; tabs are copied so what follows lines
    /// up however the terminal expands them.
    private func indentation(in line: ArraySlice<Unicode.Scalar>, upTo count: Int) -> String.UnicodeScalarView {
        var blanks = String.UnicodeScalarView()
        for scalar in line.prefix(max(0, count)) {
            blanks.append(scalar == "\t" ? "\t" : " ")
        }
        return blanks
    }

    /// The source line of the range's start and a caret line under the range, or `nil` outside the file.
    private func snippet(for range: SourceRange) -> String? {
        guard let line = sourceLine(range.start.line) else { return nil }
        let startColumn = max(0, min(range.start.column - 1, line.count))
        let endColumn = range.end.line == range.start.line
            ? max(startColumn + 1, min(range.end.column - 1, line.count))
            : max(startColumn + 1, line.count)
        var caret = indentation(in: line, upTo: startColumn)
        caret.append("^")
        for _ in (startColumn + 1)..<endColumn {
            caret.append("~")
        }
        return String(String.UnicodeScalarView(line)) + "\n" + String(caret) + "\n"
    }
}
