/// A message about a source file: an error, a warning or a note, with where it applies.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error, warning, note

        /// Errors sort before warnings, warnings before notes.
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

        private var rank: Int {
            switch self {
            case .error: return 0
            case .warning: return 1
            case .note: return 2
            }
        }
    }

    /// A secondary message attached to a diagnostic, pointing at a related place.
    public struct Note: Sendable, Hashable {
        /// What the note says.
        public var message: String
        /// Where the note points.
        public var range: SourceRange

        /// Creates a note.
        public init(_ message: String, at range: SourceRange) {
            self.message = message
            self.range = range
        }
    }

    /// How serious the diagnostic is.
    public var severity: Severity
    /// The message: plain English that says what is wrong and what to do.
    public var message: String
    /// The source text the diagnostic is about.
    public var range: SourceRange
    /// Related places, such as where a bracket was opened.
    public var notes: [Note]

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ message: String, at range: SourceRange, notes: [Note] = []) {
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
    }

    /// Creates an error.
    public static func error(_ message: String, at range: SourceRange, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: range, notes: notes)
    }

    /// Creates a warning.
    public static func warning(_ message: String, at range: SourceRange, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: range, notes: notes)
    }

    /// `line:column: severity: message`, without the path (see ``DiagnosticRenderer`` for the full form).
    public var description: String { "\(range.start): \(severity.rawValue): \(message)" }
}
