import Testing
@testable import TapelessCompiler

@Suite struct ParserTests {
    /// Parses `source` and requires that it produced no diagnostics.
    func parseClean(_ source: String) throws -> SourceFile {
        let (file, diagnostics) = parse(source: source, path: "test.tapeless")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        return file
    }

    /// The result expression of `func t(...) -> Float { expression }`, in prefix notation.
    func parseExpression(_ expression: String) throws -> String {
        let file = try parseClean("func t(a: Float) -> Float { \(expression) }")
        guard case .function(let function) = try #require(file.declarations.first) else {
            Issue.record("expected a function")
            return ""
        }
        return notation(function.body.result)
    }

    func range(_ startLine: Int, _ startColumn: Int, _ endLine: Int, _ endColumn: Int) -> (Int, Int, Int, Int) {
        (startLine, startColumn, endLine, endColumn)
    }

    func position(_ range: SourceRange) -> (Int, Int, Int, Int) {
        (range.start.line, range.start.column, range.end.line, range.end.column)
    }

    @Test func parsesTheExampleIntoTheExpectedDeclarations() throws {
        let file = try parseClean(ExampleProgram.source)
        #expect(file.path == "test.tapeless")
        #expect(file.declarations.count == 6)
        guard case .model(let linear) = file.declarations[0], case .model(let network) = file.declarations[1],
              case .function(let f) = file.declarations[2] else {
            Issue.record("unexpected declaration kinds: \(file.declarations)")
            return
        }
        #expect(linear.name.name == "LinearRegression")
        #expect(linear.members.count == 4)
        #expect(position(linear.range) == range(2, 1, 13, 2))

        guard case .parameter(let w) = linear.members[0], case .function(let predict) = linear.members[2],
              case .function(let loss) = linear.members[3] else {
            Issue.record("unexpected members: \(linear.members)")
            return
        }
        #expect(w.name.name == "w" && !w.isFrozen)
        #expect(w.type == TypeExpr(element: .float, dimensions: [], range: w.type.range))
        #expect(w.initializer.map(notation) == "0")
        #expect(position(w.range) == range(3, 5, 3, 23))
        #expect(position(w.name.range) == range(3, 11, 3, 12))
        let offsetOfW = ExampleProgram.source.utf8.firstRange(of: "w: Float".utf8).map {
            ExampleProgram.source.utf8.distance(from: ExampleProgram.source.utf8.startIndex, to: $0.lowerBound)
        }
        #expect(w.name.range.start.offset == offsetOfW)

        #expect(predict.name.name == "predict")
        #expect(predict.parameters.map(\.name.name) == ["x"])
        #expect(predict.parameters[0].type.dimensions.map(dimensionText) == ["n"])
        #expect(predict.returnType.elements[0].type.dimensions.map(dimensionText) == ["n"])
        #expect(predict.body.bindings.isEmpty)
        #expect(notation(predict.body.result) == "(+ (* w x) b)")
        #expect(position(predict.body.result.range) == range(7, 9, 7, 18))
        #expect(notation(loss.body.result) == "(call mean (call square (- (call predict x: x) y)))")
        #expect(loss.returnType.elements[0].type.dimensions.isEmpty && loss.returnType.elements[0].type.element == .float)

        #expect(network.name.name == "SimpleNN")
        guard network.members.count == 6,
              case .layer(let fc1) = network.members[0], case .layer(let fc2) = network.members[1],
              case .parameter(let scale) = network.members[2], case .parameter(let t) = network.members[3],
              case .function(let forward) = network.members[4], case .function(let nnLoss) = network.members[5]
        else {
            Issue.record("unexpected members: \(network.members)")
            return
        }
        #expect(fc1.name.name == "fc1" && fc1.kind.name == "Dense" && !fc1.isFrozen)
        guard case .sizes(let fc1Input, let fc1Output) = fc1.arguments.first?.value,
              case .sizes(_, let fc2Output) = fc2.arguments.first?.value,
              case .expression(let activation) = fc1.arguments.last?.value else {
            Issue.record("unexpected layer arguments: \(fc1.arguments), \(fc2.arguments)")
            return
        }
        #expect(dimensionText(fc1Input) == "784" && dimensionText(fc1Output) == "128")
        #expect(position(fc1Input.range) == range(16, 23, 16, 26))
        #expect(fc1.arguments.map { $0.label?.name } == [nil, "activation"])
        #expect(notation(activation) == "relu")
        #expect(position(fc1.range) == range(16, 5, 16, 52))
        #expect(fc2.arguments.count == 1 && dimensionText(fc2Output) == "10")

        #expect(scale.isFrozen && scale.name.name == "scale")
        #expect(scale.type.dimensions.map(dimensionText) == ["10"])
        #expect(scale.initializer.map(notation) == "ones")
        #expect(position(scale.range).0 == 18 && position(scale.range).1 == 5)
        #expect(t.type.dimensions.map(dimensionText) == ["3", "4"])
        #expect(t.initializer.map(notation) == "(call uniform (neg 0.1) 0.1)")

        #expect(forward.parameters[0].type.dimensions.map(dimensionText) == ["batch", "784"])
        #expect(forward.returnType.elements[0].type.dimensions.map(dimensionText) == ["batch", "10"])
        #expect(forward.body.bindings.map(\.name.name) == ["h"])
        #expect(forward.body.bindings.map { notation($0.value) } == ["(call fc1 x)"])
        #expect(notation(forward.body.result) == "(* (call fc2 h) scale)")
        #expect(position(forward.body.result.range) == range(23, 16, 23, 30))
        #expect(position(forward.body.range) == range(21, 50, 24, 6))

        let labels = nnLoss.parameters[1]
        #expect(labels.name.name == "labels")
        #expect(labels.type.element == .int && labels.type.dimensions.map(dimensionText) == ["batch"])
        #expect(notation(nnLoss.body.result) == "(call crossEntropy logits: (call forward x) labels: labels)")

        #expect(f.name.name == "f" && notation(f.body.result) == "(+ (* x x) (* 3 x))")
    }

    @Test func parsesDerivativeDeclarations() throws {
        let file = try parseClean(ExampleProgram.source)
        let derivatives = file.declarations.compactMap { declaration -> DerivativeDecl? in
            if case .derivative(let derivative) = declaration { return derivative }
            return nil
        }
        #expect(derivatives.map(\.name.name) == ["df", "d2f", "dg"])
        #expect(derivatives.map(\.function.name) == ["f", "df", "g"])
        #expect(derivatives.map { $0.withRespectTo.map(\.name) } == [[], [], ["y"]])
        #expect(derivatives.allSatisfy { $0.kind == .grad })
        #expect(position(derivatives[2].range) == range(34, 1, 34, 25))
        let argument = try #require(derivatives[2].withRespectTo.first)
        #expect(position(argument.range) == range(34, 23, 34, 24))
    }

    @Test func parsesEveryDerivativeKindAndSeveralArguments() throws {
        let source = DerivativeKind.allCases.map { "let d\($0.rawValue) = \($0.rawValue)(f, wrt: x, y)" }.joined(separator: "\n")
        let derivatives = try parseClean(source).declarations.compactMap { declaration -> DerivativeDecl? in
            if case .derivative(let derivative) = declaration { return derivative }
            return nil
        }
        #expect(derivatives.map(\.kind) == DerivativeKind.allCases)
        #expect(derivatives.allSatisfy { $0.withRespectTo.map(\.name) == ["x", "y"] && $0.function.name == "f" })
    }

    @Test func givesEveryExpressionAUniqueSequentialID() throws {
        let file = try parseClean(ExampleProgram.source)
        let ids = allExpressions(in: file).map(\.id).sorted()
        #expect(ids == Array(0..<ids.count))
        #expect(ids.count > 40)
    }

    @Test func appliesOperatorPrecedenceAndAssociativity() throws {
        #expect(try parseExpression("a + b * c @ d") == "(+ a (@ (* b c) d))")
        #expect(try parseExpression("a - b - c") == "(- (- a b) c)")
        #expect(try parseExpression("a / b * c") == "(* (/ a b) c)")
        #expect(try parseExpression("a < b + c") == "(< a (+ b c))")
        #expect(try parseExpression("a * b >= c - 1") == "(>= (* a b) (- c 1))")
        #expect(try parseExpression("a == b") == "(== a b)")
        #expect(try parseExpression("a != b") == "(!= a b)")
        #expect(try parseExpression("a <= b") == "(<= a b)")
        #expect(try parseExpression("(a + b) * c") == "(* (+ a b) c)")
    }

    @Test func parsesUnaryMinus() throws {
        #expect(try parseExpression("-a * b") == "(* (neg a) b)")
        #expect(try parseExpression("a - -b") == "(- a (neg b))")
        #expect(try parseExpression("--a") == "(neg (neg a))")
        #expect(try parseExpression("-x.y") == "(neg (. x y))")
        #expect(try parseExpression("-2.5e-1") == "(neg 0.25)")
    }

    @Test func parsesPostfixChains() throws {
        #expect(try parseExpression("fc1.weight") == "(. fc1 weight)")
        #expect(try parseExpression("f(x)(y)") == "(call (call f x) y)")
        #expect(try parseExpression("a.b.c(d)") == "(call (. (. a b) c) d)")
        #expect(try parseExpression("f(x: 1, 2, y: g(z))") == "(call f x: 1 2 y: (call g z))")
        #expect(try parseExpression("f()") == "(call f)")
    }

    @Test func parsesSubscripts() throws {
        #expect(try parseExpression("x[0, :, 1..<3, -1]") == "(index x 0 : 1..<3 -1)")
        #expect(try parseExpression("x[-3..<-1]") == "(index x -3..<-1)")
        #expect(try parseExpression("f(a)[0][1]") == "(index (index (call f a) 0) 1)")
        let file = try parseClean("func t(x: [4, 5]) -> [5] {\n    x[2, :]\n}")
        guard case .function(let function) = file.declarations[0], case .index(_, let indices) = function.body.result.kind
        else {
            Issue.record("expected a subscript")
            return
        }
        #expect(indices.count == 2)
        if case .index(2, let range) = indices[0] { #expect(position(range) == self.range(2, 7, 2, 8)) }
        else { Issue.record("expected index 2, got \(indices[0])") }
        if case .all(let range) = indices[1] { #expect(position(range) == self.range(2, 10, 2, 11)) }
        else { Issue.record("expected ':', got \(indices[1])") }
        #expect(position(function.body.result.range) == range(2, 5, 2, 12))
    }

    @Test func widensParenthesizedRangesToTheParentheses() throws {
        let file = try parseClean("func t(a: Float) -> Float { (a + 1) * 2 }")
        guard case .function(let function) = file.declarations[0],
              case .binary(.multiply, let left, _) = function.body.result.kind else {
            Issue.record("expected a product")
            return
        }
        #expect(position(left.range) == range(1, 29, 1, 36))
        #expect(position(function.body.result.range) == range(1, 29, 1, 40))
    }

    @Test func acceptsSemicolonsReturnAndNestedComments() throws {
        let source = """
        /* header /* nested */ still comment */
        func t(a: Float) -> Float { let b = a; let c = b * 2; return c }
        """
        let file = try parseClean(source)
        guard case .function(let function) = file.declarations[0] else {
            Issue.record("expected a function")
            return
        }
        #expect(function.body.bindings.map(\.name.name) == ["b", "c"])
        #expect(notation(function.body.result) == "c")
    }

    @Test func parsesVariablesAssignmentsNestedLoopsAndBranches() throws {
        let source = """
            func t(x: [4, 3]) -> Float {
                var total = 0
                for i in 0..<4 {
                    let row = x[i]
                    for j in 0..<3 { total += row[2 - j] }
                    total = total * 0.5
                }
                if total > 1 {
                    total = 1
                } else if total < -1 { total = -1 }
                else {
                    let half = total / 2
                    total = half
                }
                while abs(total) > 0.01, maxIterations: 100 { total /= 3 }
                total
            }
            """
        let file = try parseClean(source)
        guard case .function(let function) = try #require(file.declarations.first) else {
            Issue.record("expected a function")
            return
        }
        func describe(_ statements: [Statement]) -> [String] {
            statements.map { statement in
                switch statement {
                case .binding(let binding): "\(binding.isVariable ? "var" : "let") \(binding.name) = \(notation(binding.value))"
                case .assignment(let assignment): "\(assignment.name) = \(notation(assignment.value))"
                case .loop(let loop): "for \(loop.index) < \(loop.count == .literal(4, loop.count.range) ? "4" : "3") { " + describe(loop.body).joined(separator: "; ") + " }"
                case .branch(let branch):
                    "if \(notation(branch.condition)) { " + describe(branch.thenBody).joined(separator: "; ") + " } else { "
                        + describe(branch.elseBody).joined(separator: "; ") + " }"
                case .whileLoop(let loop):
                    "while \(notation(loop.condition)) at most \(loop.maxIterations == .literal(100, loop.maxIterations.range) ? "100" : "?") { "
                        + describe(loop.body).joined(separator: "; ") + " }"
                case .destructuring(let destructuring):
                    "\(destructuring.kind) (\(destructuring.names.map(\.name).joined(separator: ", "))) = \(notation(destructuring.value))"
                }
            }
        }
        #expect(describe(function.body.statements) == [
            "var total = 0",
            "for i < 4 { let row = (index x i); for j < 3 { total = (+ total (index row (- 2 j))) }; total = (* total 0.5) }",
            "if (> total 1) { total = 1 } else { if (< total (neg 1)) { total = (neg 1) } else { let half = (/ total 2); total = half } }",
            "while (> (call abs total) 0.01) at most 100 { total = (/ total 3) }",
        ])
        #expect(notation(function.body.result) == "total")
    }

    @Test func tuplesAndDestructuring() throws {
        let source = """
            func f(x: Float) -> (low: Float, high: [2]) {
                let (p, _) = g(x)
                var (c, d) = (x, 2 * x)
                (c, d) = (d, c)
                return (low: p, high: c)
            }
            """
        let file = try parseClean(source)
        guard case .function(let function) = try #require(file.declarations.first) else {
            Issue.record("expected a function")
            return
        }
        #expect(function.returnType.isTuple)
        #expect(function.returnType.elements.map { $0.label?.name } == ["low", "high"])
        #expect(function.returnType.elements[1].type.dimensions.count == 1)
        let statements = function.body.statements.map { statement -> String in
            guard case .destructuring(let destructuring) = statement else { return "?" }
            return "\(destructuring.kind) (\(destructuring.names.map(\.name).joined(separator: ", "))) = \(notation(destructuring.value))"
        }
        #expect(statements == ["constants (p, _) = (call g x)", "variables (c, d) = (tuple x (* 2 x))", "assignment (c, d) = (tuple d c)"])
        #expect(notation(function.body.result) == "(tuple low: p high: c)")
    }

    @Test func recordsAndFieldAssignments() throws {
        let source = """
            struct State {
                var position: [n, 2]
                let speed: Float
            }
            func f(s: State) -> State {
                var t = s
                t.speed += 1
                t
            }
            """
        let file = try parseClean(source)
        guard case .record(let record) = try #require(file.declarations.first),
              case .function(let function) = try #require(file.declarations.last) else {
            Issue.record("expected a record and a function")
            return
        }
        #expect(record.name.name == "State" && record.fields.map(\.name.name) == ["position", "speed"])
        #expect(record.fields[0].type.dimensions.count == 2 && record.fields[1].type.dimensions.isEmpty)
        #expect(function.parameters[0].type.element == .named("State"))
        guard case .assignment(let assignment) = function.body.statements.last else {
            Issue.record("expected an assignment")
            return
        }
        #expect(assignment.name.name == "t.speed" && notation(assignment.value) == "(+ t.speed 1)")
    }

    @Test func logicalOperatorsBindLooserThanComparisonsAndOrLooserThanAnd() throws {
        let file = try parseClean("func t(a: Float, b: Float) -> Float {\n    let c = a > 0 && b < 1 || !(a == b) && !!(b > a)\n    a\n}")
        guard case .function(let function) = try #require(file.declarations.first) else {
            Issue.record("expected a function")
            return
        }
        #expect(function.body.bindings.map { notation($0.value) } == [
            "(|| (&& (> a 0) (< b 1)) (&& (not (== a b)) (not (not (> b a)))))",
        ])
    }

    @Test func doesNotContinueAnExpressionWithABracketOnTheNextLine() throws {
        let (_, diagnostics) = parse(source: "func t(a: Float) -> Float {\n    let b = a\n    (b)\n}", path: "t")
        #expect(diagnostics.isEmpty)
    }

    /// As in Swift: `-t` at the start of a line negates `t` in a new statement; `- t` and `+ t`
    /// continue the expression above. (Found by fuzzing: `-t` used to subtract.)
    @Test func startsANewStatementWithANegationOnTheNextLine() throws {
        func body(_ lines: String) throws -> (bindings: [String], result: String) {
            let file = try parseClean("func t(x: Float) -> Float {\n    let t = 2 * x\n\(lines)\n}")
            guard case .function(let function) = try #require(file.declarations.first) else {
                Issue.record("expected a function")
                return ([], "")
            }
            return (function.body.bindings.map { "\($0.name.name) = \(notation($0.value))" }, notation(function.body.result))
        }
        #expect(try body("    -t") == (["t = (* 2 x)"], "(neg t)"))
        #expect(try body("    - t\n    t") == (["t = (- (* 2 x) t)"], "t"))
        #expect(try body("    + t\n    t") == (["t = (+ (* 2 x) t)"], "t"))
    }

    @Test func reportsAllDiagnosticsInSourceOrder() {
        let (file, diagnostics) = parse(source: "func a( -> Float { 1 }\nmodel M { param }\nfunc c(x: Float) -> Float { }", path: "t")
        #expect(diagnostics.map(\.range.start.line) == [1, 2, 3])
        #expect(file.declarations.count == 3)
    }

    @Test func keepsABestEffortTreeWithMissingPiecesMarked() throws {
        let source = "func f(x: Float) -> Float { x + }\nmodel M {\n    param w: = 1\n    layer fc = Dense(3 -> 4)\n}"
        let (file, diagnostics) = parse(source: source, path: "t")
        #expect(diagnostics.map(\.message) == [
            "expected an expression, found '}'",
            "expected a type such as 'Float', '[n, 784]' or 'Int[batch]'",
        ])
        guard file.declarations.count == 2, case .function(let function) = file.declarations[0],
              case .model(let model) = file.declarations[1],
              case .binary(.add, let left, let right) = function.body.result.kind else {
            Issue.record("unexpected tree: \(file.declarations)")
            return
        }
        #expect(!left.isMissing && right.isMissing)
        #expect(model.members.count == 2)
        if case .parameter(let w) = model.members[0] {
            #expect(w.name.name == "w" && w.initializer.map(notation) == "1")
        } else {
            Issue.record("expected the parameter, got \(model.members[0])")
        }
    }

    @Test func namesTheMemberKeywordWrittenOutsideAModel() {
        let (_, diagnostics) = parse(source: "frozen layer a = Dense(1 -> 2)\nfrozen func f(x: Float) -> Float { x }", path: "t")
        #expect(diagnostics.map(\.message) == [
            "'layer' must be inside a model",
            "'frozen' must be inside a model",
            "'frozen' applies to 'param' and 'layer', not to 'func'",
        ])
    }

    private func dimensionText(_ dimension: DimExpr) -> String {
        switch dimension {
        case .literal(let value, _): return String(value)
        case .symbol(let identifier): return identifier.name
        }
    }
}
