import Testing
@testable import TapelessCompiler

/// The checker never traps on a damaged file, and whenever it accepts a file it has typed and
/// resolved every expression lowering will look at.
@Suite struct CheckerRobustnessTests {
    static let source = CheckerTests.examples + """

        func helper(a: [n, 3], m: Int[n], w: [4, 3]) -> Float {
            let p = softmax(a, axis: -1)
            let mask = a[:, 0..<2] > 0
            let q = where(mask, a[:, 0..<2] @ transpose(w[0..<2, 0..<2]), -w[1, 0..<2])
            crossEntropy(logits: a, labels: m, labelSmoothing: 0.1) + sum(q) + max(p) + gelu(df(2), approximate: tanh)
        }
        let dh = grad(helper, wrt: a)
        """

    @Test func acceptedSourceIsCompletelyChecked() {
        let checked = CheckedSource(Self.source)
        #expect(checked.messages == [])
        #expect(checked.incompletelyCheckedExpressions() == [])
        #expect(checked.type(of: "where(mask, a[:, 0..<2] @ transpose(w[0..<2, 0..<2]), -w[1, 0..<2])") == shape("n", 2))
    }

    /// Deletes each non-space character in turn and checks whatever the parser recovers.
    @Test func everySingleCharacterDeletion() {
        let scalars = Array(Self.source.unicodeScalars)
        var incomplete: [String] = []
        var accepted = 0
        for position in scalars.indices where !scalars[position].properties.isWhitespace {
            var damaged = scalars
            damaged.remove(at: position)
            let checked = CheckedSource(String(String.UnicodeScalarView(damaged)))
            guard !checked.diagnostics.contains(where: { $0.severity == .error }) else { continue }
            accepted += 1
            incomplete += checked.incompletelyCheckedExpressions().map { "deleting at \(position): \($0)" }
        }
        #expect(incomplete == [])
        // Some deletions leave a valid program (`784` to `78` in a layer size, for example).
        #expect(accepted > 0)
    }
}
