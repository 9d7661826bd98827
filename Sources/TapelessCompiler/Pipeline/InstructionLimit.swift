/// The most IR instructions a function may hold once its calls are inlined, and a derivative
/// (written in the file or needed for training) once derived.
///
/// Every call copies the callee's body, so functions that each call others on different
/// values, a few levels deep, grow exponentially (3 calls per level, 13 levels: 1.6 million
/// copies), and so does each order of derivative. Real models stay far below; the limit keeps
/// such a file from stalling a build, and the user's program, not the compiler, is reported
/// where the growth happens.
struct InstructionLimit {
    /// The limit unless a test lowers it.
    static let standard = InstructionLimit(maximum: 100_000)

    /// The most instructions allowed.
    var maximum: Int

    /// A function past the limit.
    struct Exceeded: Error {
        enum Cause {
            /// Inlining a call to this function.
            case call(String)
            /// Differentiating this function (each order multiplies the size).
            case derivative(of: String)
            /// The gradient or pullback of this model function that training uses.
            case training(of: String)
        }

        /// The call, the `grad` declaration, or the model function.
        var range: SourceRange
        var cause: Cause
        var limit: Int

        /// What went wrong and what to do, for the diagnostic.
        var message: String {
            switch cause {
            case .call(let callee):
                "calling '\(callee)' here makes this function too large: every call is inlined, and with this one it "
                    + "would exceed \(limit) operations; functions that each call others several times "
                    + "multiply in size at every level, so make fewer calls or nest them less deeply"
            case .derivative(let function):
                "this derivative of '\(function)' is too large: it would exceed \(limit) operations; each "
                    + "order of derivative multiplies the size of the function, so take fewer orders or differentiate "
                    + "a smaller function"
            case .training(let function):
                "'\(function)' is too large to train: its derivative would exceed \(limit) operations; "
                    + "make the function smaller, for example with fewer layers or fewer calls"
            }
        }
    }

    /// `body`, unless it holds more than ``maximum`` instructions: then the error, at `range`.
    func check(_ body: IRFunction, at range: SourceRange, _ cause: Exceeded.Cause) throws -> IRFunction {
        try check(count: body.instructions.count, at: range, cause)
        return body
    }

    /// Throws unless `count` instructions are within the limit.
    func check(count: Int, at range: SourceRange, _ cause: Exceeded.Cause) throws {
        guard count <= maximum else { throw Exceeded(range: range, cause: cause, limit: maximum) }
    }
}
