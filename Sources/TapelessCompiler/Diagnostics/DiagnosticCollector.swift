/// Collects the diagnostics of every compiler stage for one file.
///
/// Stages append in whatever order they discover problems; ``sorted`` gives them in source order.
public struct DiagnosticCollector: Sendable {
    /// The diagnostics in the order they were reported.
    public private(set) var diagnostics: [Diagnostic] = []

    /// Creates an empty collector.
    public init() {}

    /// Adds a diagnostic.
    public mutating func append(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Adds several diagnostics, such as those of an earlier stage.
    public mutating func append(contentsOf other: some Sequence<Diagnostic>) {
        diagnostics.append(contentsOf: other)
    }

    /// Reports an error.
    public mutating func error(
        _ message: String, at range: SourceRange, notes: [Diagnostic.Note] = [], fixIts: [Diagnostic.FixIt] = []
    ) {
        append(.error(message, at: range, notes: notes, fixIts: fixIts))
    }

    /// Reports a warning.
    public mutating func warning(_ message: String, at range: SourceRange, notes: [Diagnostic.Note] = []) {
        append(.warning(message, at: range, notes: notes))
    }

    /// Whether any error was reported.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The diagnostics in source order; diagnostics at the same place keep the order they were reported in.
    public var sorted: [Diagnostic] {
        diagnostics.enumerated()
            .sorted { ($0.element.range.start.offset, $0.offset) < ($1.element.range.start.offset, $1.offset) }
            .map(\.element)
    }
}
