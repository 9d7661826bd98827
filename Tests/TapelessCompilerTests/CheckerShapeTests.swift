import Testing
@testable import TapelessCompiler

/// Shape rules: broadcasting, matrix products, subscripts, reductions and unification through calls.
@Suite struct CheckerShapeTests {
    /// Checks `body` as the result of a function with the given arguments and returns the check.
    private func checkBody(_ body: String, arguments: String, returns: String = "Float") -> CheckedSource {
        CheckedSource("func probe(\(arguments)) -> \(returns) {\n    \(body)\n}\n")
    }

    @Test(arguments: [
        ("a + b", "a: [batch, 128], b: [128]", shape("batch", 128)),
        ("a * b", "a: [n, 1], b: [1, m]", shape("n", "m")),
        ("a - 2", "a: [n]", shape("n")),
        ("a / b", "a: [n, 3], b: [n, 1]", shape("n", 3)),
        ("a + b", "a: [2, 1, 4], b: [3, 1]", shape(2, 3, 4)),
        ("-a", "a: [n, 3]", shape("n", 3)),
    ])
    func broadcasting(expression: String, arguments: String, expected: ValueType) {
        let checked = checkBody("sum(\(expression))", arguments: arguments)
        #expect(checked.messages == [])
        #expect(checked.type(of: expression) == expected)
    }

    @Test func broadcastingMismatchesNameBothShapes() {
        let checked = checkBody("sum(a + b) + sum(c * d)", arguments: "a: [batch, 128], b: [10], c: [n], d: [m]")
        #expect(checked.errors == [
            "cannot add [batch, 128] and [10]: dimension 1 is 128 on the left and 10 on the right",
            "cannot multiply [n] and [m]: dimension 0 is n on the left and m on the right",
        ])
    }

    @Test func comparisonsGiveBooleansForWhere() {
        let checked = checkBody("where(x > 0, x, 0.1 * x)", arguments: "x: [n, 4]", returns: "[n, 4]")
        #expect(checked.messages == [])
        #expect(checked.type(of: "x > 0") == ValueType(element: .bool, shape: [.size("n"), .fixed(4)]))
        #expect(checked.type(of: "where(x > 0, x, 0.1 * x)") == shape("n", 4))
        #expect(checked.builtinCall("x > 0")?.builtin == .greater)
    }

    @Test(arguments: [
        ("a @ b", "a: [n, 784], b: [784, 10]", shape("n", 10)),
        ("a @ b", "a: [3, k], b: [k]", shape(3)),
        ("a @ b", "a: [k], b: [k, 5]", shape(5)),
        ("matmul(a, b)", "a: [n, 2], b: [2, n]", shape("n", "n")),
        ("transpose(a)", "a: [n, 2]", shape(2, "n")),
    ])
    func matrixProducts(expression: String, arguments: String, expected: ValueType) {
        let checked = checkBody("sum(\(expression))", arguments: arguments)
        #expect(checked.messages == [])
        #expect(checked.type(of: expression) == expected)
    }

    @Test func matrixProductMismatches() {
        let checked = checkBody("sum(a @ b) + sum(c @ c) + sum(transpose(c))", arguments: "a: [n, 784], b: [128, 10], c: [4]")
        #expect(checked.errors == [
            "cannot multiply [n, 784] and [128, 10]: the inner dimensions 784 and 128 differ",
            "cannot multiply two vectors [4] and [4] with @; for a dot product write sum(a * b)",
            "transpose needs a matrix (rank 2), not [4]",
        ])
    }

    @Test func subscripts() throws {
        let checked = checkBody(
            "sum(x[:, 0]) + sum(x[0..<2]) + sum(x[:, -1]) + sum(x[1, 2..<5]) + sum(y[-1])",
            arguments: "x: [5, 784], y: [4, 3]")
        #expect(checked.messages == [])
        #expect(checked.type(of: "x[:, 0]") == shape(5))
        #expect(checked.type(of: "x[0..<2]") == shape(2, 784))
        #expect(checked.type(of: "x[1, 2..<5]") == shape(3))
        #expect(checked.type(of: "y[-1]") == shape(3))
        let base = try #require(checked.expression("x", occurrence: 2))
        // A negative index counts from the end of its (literal) dimension.
        guard case .index(let indexed, let indices)? = checked.resolution(of: "x[:, -1]") else {
            Issue.record("x[:, -1] did not resolve to a subscript")
            return
        }
        #expect(indexed == base)
        guard case .index(783, _) = indices[1] else {
            Issue.record("expected index 783, got \(indices[1])")
            return
        }
        guard case .index(_, let yIndices)? = checked.resolution(of: "y[-1]"), case .index(3, _) = yIndices[0] else {
            Issue.record("y[-1] should be normalized to index 3")
            return
        }
    }

    @Test func subscriptBoundsAreCheckedAgainstLiteralDimensions() {
        let checked = checkBody("sum(x[:, 784]) + sum(x[0..<3, 0]) + sum(x[0, 0, 0]) + sum(y[0..<900])",
                                arguments: "x: [batch, 784], y: [n]")
        #expect(checked.errors == [
            "index 784 is out of range for dimension 1 of size 784",
            "cannot pick positions along dimension 0 of [batch, 784]: its size 'batch' is only known when the function is called; use ':' for that dimension",
            "too many indices: [batch, 784] has rank 2 but 3 indices were given",
            "cannot pick positions along dimension 0 of [n]: its size 'n' is only known when the function is called; use ':' for that dimension",
        ])
    }

    @Test func reductionsRemoveTheirAxis() {
        let checked = checkBody(
            "sum(x) + sum(mean(x, axis: 0)) + sum(sum(x, axis: -1)) + sum(max(x, axis: 1)) + sum(logSumExp(x)) + max(sum(softmax(x, axis: 0)), 0)",
            arguments: "x: [batch, 10]")
        #expect(checked.messages == [])
        #expect(checked.type(of: "sum(x)") == .scalar)
        #expect(checked.builtinCall("sum(x)")?.axis == nil)
        #expect(checked.type(of: "mean(x, axis: 0)") == shape(10))
        #expect(checked.type(of: "sum(x, axis: -1)") == shape("batch"))
        #expect(checked.builtinCall("sum(x, axis: -1)")?.axis == 1)
        #expect(checked.builtinCall("max(x, axis: 1)")?.builtin == .maxReduce)
        #expect(checked.type(of: "logSumExp(x)") == shape("batch"))
        #expect(checked.builtinCall("logSumExp(x)")?.axis == 1)
        #expect(checked.type(of: "softmax(x, axis: 0)") == shape("batch", 10))
        #expect(checked.builtinCall("softmax(x, axis: 0)")?.axis == 0)
        #expect(checked.builtinCall("max(sum(softmax(x, axis: 0)), 0)")?.builtin == .maximum)
    }

    @Test func axisOutOfRange() {
        let checked = checkBody("sum(x, axis: 2) + sum(softmax(x, axis: -3))", arguments: "x: [batch, 10]")
        #expect(checked.errors == [
            "axis 2 is out of range for a tensor of rank 2",
            "axis -3 is out of range for a tensor of rank 2",
        ])
    }

    @Test func builtinConstantsAndLabels() throws {
        let checked = checkBody(
            "sum(leakyRelu(x) + leakyRelu(x, 0.2) + leakyRelu(x, slope: 0.3) + elu(x) + gelu(x, approximate: tanh) + gelu(x) + pow(x, 3) + clamp(x, -1, 1)) + huber(x, x) + huber(x, x, delta: 0.5)",
            arguments: "x: [n]")
        #expect(checked.messages == [])
        #expect(checked.builtinCall("leakyRelu(x)")?.constant == 0.01)
        #expect(checked.builtinCall("leakyRelu(x, 0.2)")?.constant == 0.2)
        #expect(checked.builtinCall("leakyRelu(x, slope: 0.3)")?.constant == 0.3)
        #expect(checked.builtinCall("elu(x)")?.constant == 1)
        #expect(checked.builtinCall("gelu(x, approximate: tanh)")?.builtin == .geluTanh)
        #expect(checked.builtinCall("gelu(x)")?.builtin == .gelu)
        #expect(checked.builtinCall("pow(x, 3)")?.constant == 3)
        #expect(checked.builtinCall("pow(x, 3)")?.operands.count == 1)
        #expect(checked.builtinCall("clamp(x, -1, 1)")?.operands.count == 3)
        #expect(checked.builtinCall("huber(x, x)")?.constant == 1)
        #expect(checked.builtinCall("huber(x, x, delta: 0.5)")?.constant == 0.5)
    }

    @Test func labeledOperandsAreReordered() throws {
        let checked = checkBody(
            "crossEntropy(labels: y, logits: z, labelSmoothing: 0.1) + mse(target: t, predicted: p)",
            arguments: "z: [b, 3], y: Int[b], t: [b], p: [b]")
        #expect(checked.messages == [])
        let z = try #require(checked.expression("z"))
        let y = try #require(checked.expression("y"))
        #expect(checked.builtinCall("crossEntropy(labels: y, logits: z, labelSmoothing: 0.1)")
            == ResolvedCall(builtin: .crossEntropy, operands: [z, y], constant: 0.1))
        let p = try #require(checked.expression("p"))
        let t = try #require(checked.expression("t"))
        #expect(checked.builtinCall("mse(target: t, predicted: p)")?.operands == [p, t])
    }

    @Test func callsUnifySizeVariablesWithTheCallersShapes() {
        let checked = CheckedSource("""
            func rowSums(a: [n, 3]) -> [n] { sum(a, axis: 1) }
            func pair(a: [n], b: [n]) -> [n] { a + b }
            func outer(a: [n, 1], b: [m]) -> [n, m] { a * b }
            func caller(x: [rows, 3], y: [rows], p: [q]) -> Float {
                sum(pair(rowSums(x), y)) + sum(outer(x[:, 0..<1], p)) + sum(pair(y, p))
            }
            """)
        #expect(checked.type(of: "rowSums(x)") == shape("rows"))
        #expect(checked.type(of: "pair(rowSums(x), y)") == shape("rows"))
        #expect(checked.type(of: "outer(x[:, 0..<1], p)") == shape("rows", "q"))
        #expect(checked.errors == ["argument 'b' of 'pair' must be [rows], not [q]"])
    }
}
