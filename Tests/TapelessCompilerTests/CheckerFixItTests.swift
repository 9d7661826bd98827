import Testing
@testable import TapelessCompiler

/// "Did you mean" suggestions carry a fix-it that replaces exactly the misspelled name.
@Suite struct CheckerFixItTests {
    /// The source with each fix-it of each diagnostic applied (they never overlap here).
    private func applyingFixIts(_ checked: CheckedSource) -> String {
        var scalars = Array(checked.source.unicodeScalars)
        let fixIts = checked.diagnostics.flatMap(\.fixIts).sorted { $0.range.start > $1.range.start }
        for fixIt in fixIts {
            scalars.replaceSubrange(fixIt.range.start.offset..<fixIt.range.end.offset, with: fixIt.replacement.unicodeScalars)
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Misspellings whose fix reveals more (the labels of a misspelled function, the options of
    /// a misspelled layer kind, then the members of the layer) are fixed in later rounds, as a
    /// user would.
    @Test func fixItsRepairTheProgram() {
        let first = CheckedSource("""
            model M {
                layer fc1 = Dens(4 -> 3, activation: rleu)
                func f(input: [n, 4]) -> [n] { sofmax(fc1(inptu), axes: 0)[:, 0] + sum(fc1.weigth) }
            }
            """)
        #expect(first.errors.count == 3)
        #expect(first.diagnostics.allSatisfy { $0.fixIts.count == 1 })
        let second = CheckedSource(applyingFixIts(first))
        #expect(second.errors == [
            "unknown activation 'rleu'; did you mean 'relu'?",
            "'softmax' has no argument 'axes:'; did you mean 'axis:'?",
        ])
        let third = CheckedSource(applyingFixIts(second))
        #expect(third.errors == ["layer 'fc1' has no member 'weigth'; did you mean 'weight'?"])
        let repaired = applyingFixIts(third)
        #expect(repaired == """
            model M {
                layer fc1 = Dense(4 -> 3, activation: relu)
                func f(input: [n, 4]) -> [n] { softmax(fc1(input), axis: 0)[:, 0] + sum(fc1.weight) }
            }
            """)
        #expect(CheckedSource(repaired).messages == [])
    }

    @Test func noFixItWithoutACloseCandidate() {
        let checked = CheckedSource("func f(x: Float) -> Float { frobnicate(x) }")
        #expect(checked.errors == ["unknown function 'frobnicate'"])
        #expect(checked.diagnostics.first?.fixIts == [])
    }
}
