/// Elementwise comparisons, broadcast; the result is Bool (1 or 0 in the interpreter), and no
/// derivative flows through it.
public enum Comparison: String, Hashable, Sendable, CaseIterable {
    /// `x < y`, `x <= y`, `x > y`, `x >= y`, `x == y` and `x != y`, spelled as their raw values
    /// in the language and in Swift, and with a leading `.` on SIMD vectors (`.<`).
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="

    /// Whether the comparison holds for two `Double`s: the interpreter's semantics and constant
    /// folding's.
    func holds(_ x: Double, _ y: Double) -> Bool {
        switch self {
        case .less: x < y
        case .lessEqual: x <= y
        case .greater: x > y
        case .greaterEqual: x >= y
        case .equal: x == y
        case .notEqual: x != y
        }
    }

    /// The Swift expression on two `Float`s.
    func swift(_ x: String, _ y: String) -> String { "\(x) \(rawValue) \(y)" }

    /// The expression on SIMD vectors: a mask.
    func lanes(_ x: LaneOperand, _ y: LaneOperand) -> String { "\(x.vector) .\(rawValue) \(y.code)" }
}
