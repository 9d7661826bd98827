import Foundation
import Testing
import TapelessCompiler

/// Runs every program in `Resources/bad` and compares its diagnostics with the `// expect:` lines
/// at the top of the file, exactly and in order.
///
/// An expectation reads `// expect: LINE:COLUMN: SEVERITY: MESSAGE`; a diagnostic's notes are
/// expected as their own `note` lines right after it.
@Suite struct BadProgramTests {
    /// The diagnostics of every stage up to lowering for one file, as the `tapeless` command
    /// reports them.
    static func compileDiagnostics(source: String, path: String) -> [Diagnostic] {
        Compiler().compile(source: source, path: path).diagnostics
    }

    static func badProgramURLs() throws -> [URL] {
        let folder = try #require(Bundle.module.url(forResource: "bad", withExtension: nil, subdirectory: "Resources"))
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "tapeless" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The `// expect:` lines of the leading comment block.
    static func expectations(in source: String) -> [String] {
        let prefix = "// expect: "
        return source.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { $0.hasPrefix("//") }
            .filter { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
    }

    /// Each diagnostic and then its notes, as `LINE:COLUMN: SEVERITY: MESSAGE`.
    static func describe(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.flatMap { diagnostic in
            ["\(diagnostic.range.start): \(diagnostic.severity.rawValue): \(diagnostic.message)"]
                + diagnostic.notes.map { "\($0.range.start): note: \($0.message)" }
        }
    }

    @Test func corpusIsLargeEnough() throws {
        #expect(try Self.badProgramURLs().count >= 15)
    }

    @Test(arguments: try badProgramURLs())
    func reportsExactlyTheExpectedDiagnostics(url: URL) throws {
        let source = try String(contentsOf: url, encoding: .utf8)
        let expected = Self.expectations(in: source)
        #expect(!expected.isEmpty, "\(url.lastPathComponent) states no '// expect:' lines")
        let actual = Self.describe(Self.compileDiagnostics(source: source, path: url.lastPathComponent))
        #expect(actual == expected, "\(url.lastPathComponent)")
    }
}
