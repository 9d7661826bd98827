import Testing
@testable import TapelessCompiler

/// The statement tree between planning and text: what each kind of statement renders to, and
/// the clean-ups rendering makes.
@Suite struct CodePrinterTests {
    @Test func declarationsAssignmentsAndBlocksRenderAsAPersonWouldWriteThem() {
        var printer = CodePrinter()
        printer.block("func f() -> Float {") { p in
            p.declare("total", type: "Float", value: "0", mutable: true)
            p.declare("pointer", value: "slot0 + 4", note: "[2, 3]")
            p.declare("later", type: "Float", value: nil)
            p.assign("total", "pointer[0]", operator: "+=")
            p.line("return total")
        }
        #expect(printer.text == """
            func f() -> Float {
                var total: Float = 0
                let pointer = slot0 + 4  // [2, 3]
                let later: Float
                total += pointer[0]
                return total
            }

            """)
    }

    @Test func aLoopOfOneShortAssignmentTakesOneLine() {
        var printer = CodePrinter()
        printer.loop("k", in: "0..<n") { $0.assign("out[k]", "x[k]", operator: "*=") }
        printer.loop("k", in: "0..<n") { p in
            p.declare("e", value: "exp(x[k])")
            p.assign("out[k]", "e")
        }
        let long = String(repeating: "a", count: 120)
        printer.loop("k", in: "0..<n") { $0.assign("out[k]", long) }
        #expect(printer.text == """
            for k in 0..<n { out[k] *= x[k] }
            for k in 0..<n {
                let e = exp(x[k])
                out[k] = e
            }
            for k in 0..<n {
                out[k] = \(long)
            }

            """)
    }

    @Test func aLoopOverOneElementIsNoLoopAndItsIndexIsZero() {
        var printer = CodePrinter()
        printer.loop("row", upTo: "5") { p, row in
            p.loop("k", upTo: "1") { p, k in
                p.assign("out[\(IndexCode.sum([row, k]))]", "x[\(IndexCode.sum([IndexCode.product(row, "4"), k]))]")
            }
        }
        #expect(printer.text == "for row in 0..<5 { out[row] = x[row &* 4] }\n")
    }

    @Test func aSourceCommentWithNoCodeUnderItIsDropped() {
        var printer = CodePrinter()
        printer.comment("line 1: a")
        printer.comment("line 2: b")
        printer.assign("y", "b")
        printer.block("do {") { $0.comment("line 3: c") }
        #expect(printer.text == "// line 2: b\ny = b\ndo {\n}\n")
    }

    @Test func aCallTooLongForOneLineWraps() {
        var printer = CodePrinter()
        let arguments = (0..<12).map { "argument\($0): value\($0)" }
        printer.call("Kernels.matrixMultiply", arguments: arguments)
        let lines = printer.text.split(separator: "\n")
        #expect(lines.first == "Kernels.matrixMultiply(")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("    ") && $0.count <= CodePrinter.lineWidth })
        #expect(lines.last?.hasSuffix("value11)") == true)
    }
}
