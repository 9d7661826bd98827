/// Stops a generated `while` loop that runs out of iterations.
///
/// A `while condition, maxIterations: n` loop checks its condition before each iteration;
/// the condition still holding after `n` iterations means the loop did not converge from these
/// inputs, which generated code reports here rather than returning a value that is not the
/// answer.
public enum LoopCheck {
    /// Stops because a `while` loop's condition still holds after its bound of iterations.
    ///
    /// It calls `fatalError`, so the message is printed in release builds too: the failure
    /// depends on the data, and may first happen long into a run.
    ///
    /// - Parameters:
    ///   - maxIterations: The loop's bound.
    ///   - loop: The loop as written, with its line, such as `"while abs(step) > 1e-6, maxIterations: 50" at line 12`.
    ///   - function: The Swift name of the called function, such as `root(a:)`.
    public static func iterationLimit(_ maxIterations: Int, loop: String, function: String) -> Never {
        fatalError(
            "\(function): the loop \(loop) ran \(maxIterations) iterations and its condition still holds; "
                + "raise maxIterations, or check that the loop converges for these inputs."
        )
    }
}
