/// A message about a source file: an error, a warning or a note, with where it applies.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// The program is wrong and cannot be compiled.
        case error
        /// The program compiles but probably does not do what was meant.
        case warning
        /// Extra information attached to an error or warning.
        case note

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

    /// A suggested edit that fixes the problem, such as inserting a missing `)`.
    public struct FixIt: Sendable, Hashable {
        /// The text to replace; empty (start equals end) for an insertion.
        public var range: SourceRange
        /// The text to put there.
        public var replacement: String

        /// Creates a fix-it that replaces `range` with `replacement`.
        public init(replacing range: SourceRange, with replacement: String) {
            self.range = range
            self.replacement = replacement
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
    /// Suggested edits, for editors that can apply them.
    public var fixIts: [FixIt]

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ message: String, at range: SourceRange, notes: [Note] = [], fixIts: [FixIt] = []
    ) {
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
        self.fixIts = fixIts
    }

    /// Creates an error.
    public static func error(
        _ message: String, at range: SourceRange, notes: [Note] = [], fixIts: [FixIt] = []
    ) -> Diagnostic {
        Diagnostic(.error, message, at: range, notes: notes, fixIts: fixIts)
    }

    /// Creates a warning.
    public static func warning(_ message: String, at range: SourceRange, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: range, notes: notes)
    }

    /// `line:column: severity: message`, without the path (see ``DiagnosticRenderer`` for the full form).
    public var description: String { "\(range.start): \(severity.rawValue): \(message)" }
}
