/// Renders diagnostics the way `swift build`, Xcode and editors expect to read them.
///
/// Each diagnostic becomes `path:line:column: error: message`, then the source line and a caret
/// line (`^~~~`) under the range, then the text of any fix-it on that line aligned where it
/// goes; each note follows in the same form with `note:`.
public struct DiagnosticRenderer: Sendable {
    /// The path printed at the start of each diagnostic.
    public let path: String
    /// The file's lines, without their line breaks.
    private let lines: [Line]

    /// One line of the file, prepared once for every diagnostic on it, from its UTF-8: copying
    /// the line and its blanks scalar by scalar for each diagnostic took most of the time of a
    /// file with many errors on a long line.
    private struct Line {
        /// The text, without a final carriage return.
        let text: Substring
        /// One blank for each scalar of `text`: a tab for a tab, so what follows lines up
        /// however the terminal expands them, else a space. Every byte of UTF-8 but a
        /// continuation byte (`10xxxxxx`) starts a scalar.
        let blanks: [UInt8]

        init(_ utf8: Substring.UTF8View) {
            let content = utf8.last == UInt8(ascii: "\r") ? utf8.dropLast() : utf8
            text = Substring(content)
            blanks = content.compactMap { byte in
                byte & 0xC0 == 0x80 ? nil : byte == UInt8(ascii: "\t") ? byte : UInt8(ascii: " ")
            }
        }

        /// The blanks under the first `count` scalars, as text.
        func indentation(upTo count: Int) -> String {
            String(decoding: blanks.prefix(max(0, count)), as: UTF8.self)
        }
    }

    /// Creates a renderer for the diagnostics of one file.
    public init(path: String, source: String) {
        self.path = path
        lines = source.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Line.init)
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
                text += line.indentation(upTo: fixIt.range.start.column - 1) + fixIt.replacement + "\n"
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

    /// A 1-based line, or `nil` outside the file.
    private func sourceLine(_ number: Int) -> Line? {
        lines.indices.contains(number - 1) ? lines[number - 1] : nil
    }

    /// The source line of the range's start and a caret line under the range, or `nil` outside the file.
    private func snippet(for range: SourceRange) -> String? {
        guard let line = sourceLine(range.start.line) else { return nil }
        let width = line.blanks.count
        let startColumn = max(0, min(range.start.column - 1, width))
        let endColumn = range.end.line == range.start.line
            ? max(startColumn + 1, min(range.end.column - 1, width))
            : max(startColumn + 1, width)
        let caret = line.indentation(upTo: startColumn) + "^" + String(repeating: "~", count: endColumn - startColumn - 1)
        return String(line.text) + "\n" + caret + "\n"
    }
}
