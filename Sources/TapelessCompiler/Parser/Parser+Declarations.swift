extension Parser {
    /// `declaration*` until the end of the file.
    mutating func parseDeclarations() -> [Declaration] {
        var declarations: [Declaration] = []
        while !at(.endOfFile) {
            let before = position
            switch current.kind {
            case .keyword(.model):
                isRecovering = false
                declarations.append(.model(parseModel()))
            case .keyword(.func):
                isRecovering = false
                declarations.append(.function(parseFunction()))
            case .keyword(.let) where startsConstant:
                isRecovering = false
                declarations.append(.constant(parseConstant()))
            case .keyword(.let):
                isRecovering = false
                if let derivative = parseDerivative() { declarations.append(.derivative(derivative)) }
            case .keyword(.param), .keyword(.layer), .keyword(.frozen):
                isRecovering = false
                let isFrozenMember = at(.frozen) && [.keyword(.param), .keyword(.layer)].contains(peek().kind)
                let memberKeyword = isFrozenMember ? peek() : current
                report("'\(memberKeyword.text)' must be inside a model", at: current.range)
                _ = parseMember()
            case .at where peek().kind == .identifier && RuleAttribute.Kind(rawValue: peek().text) != nil:
                isRecovering = false
                let rule = parseRuleAttribute()
                guard at(.keyword(.func)) else {
                    report("expected 'func' after '@\(rule.kind.rawValue)(…)': the attribute marks the function that follows as a derivative rule", at: current.range)
                    continue
                }
                var function = parseFunction()
                function.rule = rule
                declarations.append(.function(function))
            case .at where peek().kind == .identifier:
                isRecovering = false
                skipAttribute()
            case .identifier where current.text == "struct" && peek().kind == .identifier:
                isRecovering = false
                declarations.append(.record(parseRecord()))
            default:
                error("expected a declaration: 'model', 'func', 'struct' or 'let', found \(current.quoted)", at: current.range)
                skip { $0.startsDeclaration }
            }
            if position == before { advance() }
        }
        return declarations
    }

    /// `struct Name { var field: Type … }`, one field per line (`let` or no keyword also reads).
    mutating func parseRecord() -> RecordDecl {
        let start = advance().range.start
        let name = expectIdentifier("expected a name after 'struct'", naming: "a record")
        var fields: [RecordDecl.Field] = []
        guard let open = expect(.leftBrace, "expected '{' and the fields of '\(name)', as in 'struct \(name) { var x: Float }'") else {
            return RecordDecl(name: name, fields: [], range: range(from: start))
        }
        while !at(.rightBrace), !at(.endOfFile), at(.let) || !current.kind.startsDeclaration {
            let before = position
            if at(.semicolon) {
                advance()
                continue
            }
            if at(.let) || (at(.identifier) && current.text == "var" && peek().kind == .identifier) { advance() }
            let field = expectIdentifier("expected a field, as in 'var velocity: [3]'", naming: "a field")
            if expect(.colon, "expected ':' and a type after field '\(field)', as in '\(field): Float'") != nil {
                fields.append(RecordDecl.Field(name: field, type: parseType()))
            } else {
                skip(atLineStart: true) { $0.endsStatement || $0 == .rightBrace }
            }
            if position == before { advance() }
        }
        expectClosing(.rightBrace, for: open)
        return RecordDecl(name: name, fields: fields, range: range(from: start))
    }

    /// `model Name { member* }`
    mutating func parseModel() -> ModelDecl {
        let start = advance().range.start
        let name = expectIdentifier("expected a model name after 'model'", naming: "a model")
        let open = expect(.leftBrace, "expected '{' after the model name to begin its members")
        if open == nil {
            skip { $0 == .leftBrace || $0 == .rightBrace || $0.startsDeclaration }
            _ = consume(.leftBrace)
        }
        var members: [ModelMember] = []
        memberLoop: while true {
            let before = position
            switch current.kind {
            case .rightBrace:
                advance()
                break memberLoop
            case .endOfFile, .keyword(.model):
                if let open { expectClosing(.rightBrace, for: open) }
                break memberLoop
            case _ where current.kind.startsMember:
                isRecovering = false
                if let member = parseMember() { members.append(member) }
            case .keyword(.let) where peek(2).kind == .equal && DerivativeKind(rawValue: peek(3).text) != nil:
                isRecovering = false
                if let derivative = parseDerivative() { members.append(.derivative(derivative)) }
            case .keyword(.let) where startsConstant:
                isRecovering = false
                members.append(.constant(parseConstant()))
            case .at where peek().kind == .identifier:
                isRecovering = false
                skipAttribute()
            case .keyword(.let):
                error("'let' in a model defines a constant, as in 'let rate: Float = 0.1', or a derivative of one of its functions, as in 'let dx = grad(loss, wrt: x)' (the derivatives are \(DerivativeKind.spellings))", at: current.range)
                skip { $0.startsMember || $0 == .rightBrace || $0 == .keyword(.model) }
            default:
                error("expected a model member: 'param', 'layer' or 'func', found \(current.quoted)", at: current.range)
                skip { $0.startsMember || $0 == .rightBrace || $0 == .keyword(.model) }
            }
            if position == before { advance() }
        }
        return ModelDecl(name: name, members: members, range: range(from: start))
    }

    /// `[frozen] param …`, `[frozen] layer …` or `func …`; `nil` when `frozen` is followed by neither.
    mutating func parseMember() -> ModelMember? {
        let start = current.range.start
        let frozen = consume(.keyword(.frozen))
        switch current.kind {
        case .keyword(.param):
            return .parameter(parseParameter(from: start, isFrozen: frozen != nil))
        case .keyword(.layer):
            return .layer(parseLayer(from: start, isFrozen: frozen != nil))
        case .keyword(.func):
            if let frozen { report("'frozen' applies to 'param' and 'layer', not to 'func'", at: frozen.range) }
            return .function(parseFunction())
        default:
            error("expected 'param' or 'layer' after 'frozen'", at: missingRange)
            return nil
        }
    }

    /// `param name: Type [= initializer]`
    mutating func parseParameter(from start: SourceLocation, isFrozen: Bool) -> ParameterDecl {
        advance()
        let name = expectIdentifier("expected a parameter name after 'param'", naming: "a parameter")
        let type: TypeExpr
        if consume(.colon) != nil {
            type = parseType()
        } else {
            error("expected ':' and a type after the parameter name, as in 'param w: [784, 10]'", at: missingRange)
            type = TypeExpr(element: .float, dimensions: [], range: missingRange)
        }
        var initializer: Expr?
        if consume(.equal) != nil {
            initializer = parseExpression()
        }
        return ParameterDecl(
            name: name, type: type, initializer: initializer, isFrozen: isFrozen, range: range(from: start))
    }

    /// `layer name = Kind(argument, …)`; each argument is `in -> out` or an expression, and
    /// may be labeled. The kind reads them when the model is checked.
    mutating func parseLayer(from start: SourceLocation, isFrozen: Bool) -> LayerDecl {
        advance()
        let name = expectIdentifier("expected a layer name after 'layer'", naming: "a layer")
        expect(.equal, "expected '=' and a layer such as 'Dense(784 -> 128)' after the layer name")
        let kind = expectIdentifier("expected a layer kind such as 'Dense(784 -> 128)'")
        var arguments: [LayerArgument] = []
        if let open = expect(.leftParen, "expected '(' and the layer's sizes, as in 'Dense(784 -> 128)'") {
            arguments = parseList(of: "layer arguments", closedBy: .rightParen, openedBy: open) { $0.parseLayerArgument() }
        }
        return LayerDecl(name: name, kind: kind, arguments: arguments, isFrozen: isFrozen, range: range(from: start))
    }

    /// `in -> out`, or an expression, either optionally labeled.
    private mutating func parseLayerArgument() -> LayerArgument {
        let start = current.range.start
        var label: Identifier?
        if at(.identifier), peek().kind == .colon {
            let token = advance()
            label = Identifier(token.text, range: token.range)
            advance()
        }
        guard (at(.number) || at(.identifier)) && peek().kind == .arrow else {
            return LayerArgument(label: label, value: .expression(parseExpression()), range: range(from: start))
        }
        let input = parseDimension()
        advance()
        let output = parseDimension()
        return LayerArgument(label: label, value: .sizes(input, output), range: range(from: start))
    }

    /// `func name(p: Type, …) -> Type { body }`
    mutating func parseFunction() -> FunctionDecl {
        let start = advance().range.start
        let name = expectIdentifier("expected a function name after 'func'", naming: "a function")
        var parameters: [FunctionParameter] = []
        if let open = expect(.leftParen, "expected '(' and the parameter list after the function name") {
            parameters = parseList(of: "parameters", closedBy: .rightParen, openedBy: open) { $0.parseFunctionParameter() }
        }
        let returnType: ReturnType
        if consume(.arrow) != nil {
            returnType = parseReturnType()
        } else {
            error("expected '->' and a return type after the parameter list, as in '-> Float'", at: missingRange)
            returnType = ReturnType(TypeExpr(element: .float, dimensions: [], range: missingRange))
        }
        let body = parseBlock()
        return FunctionDecl(
            name: name, parameters: parameters, returnType: returnType, body: body, range: range(from: start))
    }

    /// Whether the `let` at the current token declares a constant: a type annotation, or a
    /// value that is not a derivative such as `grad(f)`.
    var startsConstant: Bool {
        guard peek().kind == .identifier else { return false }
        if peek(2).kind == .colon { return true }
        return peek(2).kind == .equal && DerivativeKind(rawValue: peek(3).text) == nil
    }

    /// `let name[: Float] = value`
    mutating func parseConstant() -> ConstantDecl {
        let start = advance().range.start
        let name = expectIdentifier("expected a name after 'let'", naming: "a constant")
        let type = consume(.colon) != nil ? parseType() : nil
        expect(.equal, "expected '=' and a value after 'let \(name)', as in 'let dt: Float = 0.1'")
        let value = parseExpression()
        return ConstantDecl(name: name, type: type, value: value, range: range(from: start))
    }

    /// `@vjp(of: f, wrt: x)` or `@jvp(of: f)`.
    private mutating func parseRuleAttribute() -> RuleAttribute {
        let start = advance().range.start
        let kind = RuleAttribute.Kind(rawValue: advance().text)!
        let example = kind == .vjp ? "'@vjp(of: f, wrt: x)'" : "'@jvp(of: f)'"
        var function = Identifier("", range: missingRange)
        var withRespectTo: Identifier?
        if let open = expect(.leftParen, "expected '(' and the function it is a rule of, as in \(example)") {
            if expectLabel("of", "expected 'of:' and the function's name, as in \(example)") {
                function = expectIdentifier("expected the name of the function it is a rule of, as in \(example)")
            }
            if kind == .vjp, consume(.comma) != nil, expectLabel("wrt", "expected 'wrt:' and an argument, as in \(example)") {
                withRespectTo = expectIdentifier("expected the argument whose gradient the rule gives, as in \(example)")
            }
            expectClosing(.rightParen, for: open)
        }
        return RuleAttribute(kind: kind, function: function, withRespectTo: withRespectTo, range: range(from: start))
    }

    /// `label:`, reporting `message` when it is missing.
    private mutating func expectLabel(_ label: String, _ message: String) -> Bool {
        guard at(.identifier), current.text == label, peek().kind == .colon else {
            error(message, at: current.range)
            return false
        }
        advance()
        advance()
        return true
    }

    /// `Type`, or `(label: Type, …)` for a function that returns several values.
    private mutating func parseReturnType() -> ReturnType {
        guard at(.leftParen) else { return ReturnType(parseType()) }
        let start = current.range.start
        let open = advance()
        let elements = parseList(of: "types", closedBy: .rightParen, openedBy: open) { parser in
            var label: Identifier?
            if parser.at(.identifier), parser.peek().kind == .colon {
                let token = parser.advance()
                label = Identifier(token.text, range: token.range)
                parser.advance()
            }
            return ReturnType.Element(label: label, type: parser.parseType())
        }
        return ReturnType(tuple: elements, range: range(from: start))
    }

    /// `name: Type` in a parameter list.
    private mutating func parseFunctionParameter() -> FunctionParameter {
        let name = expectIdentifier("expected a parameter name, as in 'x: Float'", naming: "an argument")
        guard expect(.colon, "expected ':' and a type after parameter '\(name)'") != nil else {
            return FunctionParameter(name: name, type: TypeExpr(element: .float, dimensions: [], range: missingRange))
        }
        return FunctionParameter(name: name, type: parseType())
    }

    /// `{ statement* [return] result }`
    mutating func parseBlock() -> Block {
        if isRecovering {
            skip { $0 == .leftBrace || $0.endsStatement }
        }
        let start = current.range.start
        guard let open = expect(.leftBrace, "expected '{' to begin the function body") else {
            return Block(statements: [], result: missingExpression(at: missingRange), range: missingRange)
        }
        // Whatever went wrong in the signature, the body's statements can be trusted again.
        isRecovering = false
        reportedNestedReturn = false
        var statements: [Statement] = []
        var result: Expr?
        var end = open.range
        // After a branch or a loop (reported), a missing result is a consequence, not a mistake.
        var skippedForeignStatement = false
        statementLoop: while true {
            let before = position
            switch current.kind {
            case .rightBrace:
                end = advance().range
                break statementLoop
            case .endOfFile, .keyword(.model), .keyword(.func), .keyword(.param), .keyword(.layer), .keyword(.frozen):
                expectClosing(.rightBrace, for: open)
                end = missingRange
                break statementLoop
            case .semicolon:
                advance()
            case .keyword(.return):
                isRecovering = false
                if result != nil { reportMisplacedResult() }
                advance()
                result = parseExpression()
            default:
                // Statements are separated by line breaks, so a new line is a new start.
                if isRecovering, !current.isAtStartOfLine, !at(.let) {
                    skip(atLineStart: true) { $0.endsStatement }
                } else if startsStatement {
                    if result != nil { reportMisplacedResult(); result = nil }
                    if let statement = parseStatement() {
                        statements.append(statement)
                    } else {
                        skippedForeignStatement = true
                    }
                } else if !current.kind.startsExpression {
                    error("expected 'let', 'var', 'for', 'if', 'return' or an expression, found \(current.quoted)", at: current.range)
                } else {
                    isRecovering = false
                    if result != nil { reportMisplacedResult() }
                    result = parseExpression()
                }
            }
            if position == before { advance() }
        }
        if result == nil, !skippedForeignStatement, !reportedNestedReturn {
            error("a function body must end with an expression, the function's result", at: end)
        }
        return Block(
            statements: statements, result: result ?? missingExpression(at: end), range: range(from: start))
    }

    private mutating func reportMisplacedResult() {
        report("expected '}' after the function's result; only statements such as 'let' bindings may come before the result",
               at: current.range)
    }

    /// Whether a statement starts at the current token: `let`, `var`, `for`, `if`, an assignment, or a
    /// construct the language does not have (which ``parseStatement()`` reports).
    private var startsStatement: Bool {
        at(.let) || startsVariable || startsLoop || startsWhile || startsBranch || foreignStatement != nil || startsAssignment
            || startsTupleAssignment || startsVariableTuple
    }

    /// Whether the current tokens begin `var (`: new variables for each value of a tuple.
    private var startsVariableTuple: Bool {
        at(.identifier) && current.text == "var" && peek().kind == .leftParen && !peek().isAtStartOfLine
    }

    /// Whether the current tokens begin `(a, b) =`: the values of a tuple assigned to variables.
    private var startsTupleAssignment: Bool {
        guard at(.leftParen) else { return false }
        var ahead = 1
        while peek(ahead).kind == .identifier, peek(ahead + 1).kind == .comma { ahead += 2 }
        return peek(ahead).kind == .identifier && peek(ahead + 1).kind == .rightParen && peek(ahead + 2).kind == .equal
            && !peek(ahead + 2).isAtStartOfLine
    }

    /// The statement at the current token (see ``startsStatement``), or `nil` for a construct
    /// the language does not have, which is reported and skipped.
    private mutating func parseStatement() -> Statement? {
        isRecovering = false
        if at(.let), peek().kind == .leftParen { return .destructuring(parseDestructuring(.constants)) }
        if startsVariableTuple { return .destructuring(parseDestructuring(.variables)) }
        if startsTupleAssignment { return .destructuring(parseDestructuring(.assignment)) }
        if at(.let) { return .binding(parseLet()) }
        if startsVariable { return .binding(parseLet(isVariable: true)) }
        if startsLoop { return parseLoop().map(Statement.loop) }
        if startsWhile { return parseWhile().map(Statement.whileLoop) }
        if startsBranch { return parseBranch().map(Statement.branch) }
        if let statement = foreignStatement {
            skipForeignBranchOrLoop(statement)
            return nil
        }
        return .assignment(parseAssignment())
    }

    /// `let name = value` or `var name = value` inside a body.
    mutating func parseLet(isVariable: Bool = false) -> LetBinding {
        let start = advance().range.start
        let keyword = isVariable ? "var" : "let"
        let name = expectIdentifier("expected a name after '\(keyword)'", naming: "a value")
        expect(.equal, "expected '=' and a value after '\(keyword) \(name)'")
        let value = parseExpression()
        return LetBinding(name: name, value: value, isVariable: isVariable, range: range(from: start))
    }

    /// `let (a, b) = value`, `var (a, b) = value` or `(a, b) = value`.
    private mutating func parseDestructuring(_ kind: Destructuring.Kind) -> Destructuring {
        let start = current.range.start
        if kind != .assignment { advance() }
        let keyword = switch kind {
        case .constants: "let "
        case .variables: "var "
        case .assignment: ""
        }
        var names: [Identifier] = []
        if let open = expect(.leftParen, "expected '(' and names after '\(keyword)'") {
            names = parseList(of: "names", closedBy: .rightParen, openedBy: open) { parser in
                parser.expectIdentifier("expected a name or '_' for each value, as in '\(keyword)(mean, variance) = moments(x)'",
                                        naming: "a value")
            }
        }
        let shown = "(" + names.map(\.name).joined(separator: ", ") + ")"
        expect(.equal, "expected '=' and a tuple after '\(keyword)\(shown)', as in '\(keyword)\(shown) = f(x)'")
        let value = parseExpression()
        return Destructuring(names: names, value: value, kind: kind, range: range(from: start))
    }

    /// `name = value`, or a compound assignment such as `name += value`, read as
    /// `name = name + value`.
    private mutating func parseAssignment() -> Assignment {
        let nameToken = advance()
        var name = Identifier(nameToken.text, range: nameToken.range)
        // A record's field, `s.velocity = …`, is assigned by its full name.
        if at(.dot) {
            advance()
            let field = advance()
            name = Identifier(name.name + "." + field.text, range: nameToken.range.union(field.range))
        }
        let compound = Self.compoundOperators[current.kind]
        if compound != nil { advance() }
        advance()
        var value = parseExpression()
        if let compound {
            let variable = makeExpression(.identifier(name.name), name.range)
            value = makeExpression(.binary(compound, variable, value), name.range.union(value.range))
        }
        return Assignment(name: name, value: value, range: range(from: nameToken.range.start))
    }

    /// `for index in 0..<count { statements }`, where `count` is an integer or a size variable;
    /// `nil` after reporting a loop whose count is written some other way.
    private mutating func parseLoop() -> ForLoop? {
        let start = current.range.start
        guard !isNestedTooDeeply() else { return nil }
        guard let count = loopCount(after: 4) else {
            skipForeignBranchOrLoop(.loop("for"))
            return nil
        }
        advance()
        let index = Identifier(current.text, range: advance().range)
        for _ in 0..<4 { advance() }
        let checkpoints = parseCheckpointInterval()
        let body = parseLoopBody(example: "as in 'for \(index) in 0..<n { … }'")
        return ForLoop(index: index, count: count, checkpointInterval: checkpoints, body: body, range: range(from: start))
    }

    /// `, checkpointEvery: k` after a loop's count or bound, if written: a whole number or a
    /// named constant.
    private mutating func parseCheckpointInterval() -> DimExpr? {
        guard at(.comma), peek().kind == .identifier, peek().text == "checkpointEvery", peek(2).kind == .colon else {
            return nil
        }
        for _ in 0..<3 { advance() }
        guard [.number, .identifier].contains(current.kind) else {
            report("'checkpointEvery:' takes a whole number of iterations, as in 'checkpointEvery: 32'", at: missingRange)
            if !at(.leftBrace) { advance() }
            return nil
        }
        let interval = advance()
        return interval.kind == .number
            ? .literal(Int(interval.text) ?? -1, interval.range) : .symbol(Identifier(interval.text, range: interval.range))
    }

    /// A loop's body in braces; empty after reporting a missing `{`, shown written as `example`.
    private mutating func parseLoopBody(example: String) -> [Statement] {
        guard let open = expect(.leftBrace, "expected '{' to begin the loop's body, \(example)") else { return [] }
        statementNesting += 1
        defer { statementNesting -= 1 }
        return parseStatements(closing: open, in: "a loop's body")
    }

    /// `while condition, maxIterations: n { statements }`, where `n` is a whole number or a
    /// named constant; `nil` after reporting a loop written without its bound.
    private mutating func parseWhile() -> WhileLoop? {
        let start = current.range.start
        guard !isNestedTooDeeply() else { return nil }
        advance()
        let condition = parseExpression()
        let example = "as in 'while abs(step) > 1e-6, maxIterations: 100 { … }'"
        guard !isRecovering, consume(.comma) != nil, at(.identifier), current.text == "maxIterations", peek().kind == .colon,
              [.number, .identifier].contains(peek(2).kind)
        else {
            if !isRecovering {
                error("a 'while' loop needs a bound on its iterations, \(example); the condition still holding after that many is a run-time error", at: current.range)
            }
            skipThroughBlock()
            return nil
        }
        advance()
        advance()
        let bound = advance()
        let maxIterations: DimExpr = bound.kind == .number
            ? .literal(Int(bound.text) ?? -1, bound.range) : .symbol(Identifier(bound.text, range: bound.range))
        let checkpoints = parseCheckpointInterval()
        let body = parseLoopBody(example: example)
        return WhileLoop(
            condition: condition, maxIterations: maxIterations, checkpointInterval: checkpoints, body: body, range: range(from: start))
    }

    /// `if condition { statements } [else if … | else { statements }]`.
    private mutating func parseBranch() -> Branch? {
        let start = current.range.start
        guard !isNestedTooDeeply() else { return nil }
        advance()
        let condition = parseExpression()
        guard let open = expect(.leftBrace, "expected '{' after the condition, as in 'if x > 0 { … }'") else {
            skip { $0.endsStatement }
            return nil
        }
        statementNesting += 1
        defer { statementNesting -= 1 }
        let thenBody = parseStatements(closing: open, in: "a branch's side")
        var elseBody: [Statement] = []
        if at(.identifier), current.text == "else" {
            advance()
            if startsBranch {
                elseBody = parseBranch().map { [.branch($0)] } ?? []
            } else if let open = expect(.leftBrace, "expected '{' or 'if' after 'else', as in 'else { y = 0 }'") {
                elseBody = parseStatements(closing: open, in: "a branch's side")
            }
        }
        return Branch(condition: condition, thenBody: thenBody, elseBody: elseBody, range: range(from: start))
    }

    /// Whether a loop or a branch starting here would be nested too deeply; if so, it is
    /// reported and its first line skipped.
    private mutating func isNestedTooDeeply() -> Bool {
        guard statementNesting >= Self.maximumStatementNesting else { return false }
        error("loops and branches are nested too deeply (more than \(Self.maximumStatementNesting) levels); "
              + "move the inner ones into a function", at: current.range)
        skip { $0.endsStatement }
        return true
    }

    /// The statements of a loop's body or a branch's side, through the `}` that matches `open`.
    private mutating func parseStatements(closing open: Token, in construct: String) -> [Statement] {
        var body: [Statement] = []
        while true {
            let before = position
            switch current.kind {
            case .rightBrace:
                advance()
                return body
            case .endOfFile, .keyword(.model), .keyword(.func), .keyword(.param), .keyword(.layer), .keyword(.frozen):
                expectClosing(.rightBrace, for: open)
                return body
            case .semicolon:
                advance()
            case .keyword(.return):
                // The function's result comes after its statements, so a side cannot return early.
                error("\(construct) can't return; assign the result to a variable declared before it, and end the "
                      + "function with that variable", at: current.range)
                reportedNestedReturn = true
                skip(atLineStart: true) { $0.endsStatement }
            default:
                if isRecovering, !current.isAtStartOfLine, !at(.let) {
                    skip(atLineStart: true) { $0.endsStatement }
                } else if startsStatement {
                    if let statement = parseStatement() { body.append(statement) }
                } else {
                    error("\(construct) holds 'let', 'var', assignments, loops and branches; its results leave it in "
                          + "variables assigned in it, as in 'h = tanh(h @ w)'", at: current.range)
                    skip(atLineStart: true) { $0.endsStatement }
                }
            }
            if position == before { advance() }
        }
    }

    /// Whether the current tokens begin `if condition {`, with the brace on the same line.
    private var startsBranch: Bool {
        at(.identifier) && current.text == "if" && !peek().isAtStartOfLine && peek().kind != .leftBrace
            && braceLaterOnLine
    }

    /// Whether the current tokens begin `for name in`.
    private var startsLoop: Bool {
        at(.identifier) && current.text == "for" && !peek().isAtStartOfLine && peek().kind == .identifier
            && peek(2).kind == .identifier && peek(2).text == "in"
    }

    /// Whether the current tokens begin `while condition`, with a brace later on the line.
    private var startsWhile: Bool {
        at(.identifier) && current.text == "while" && !peek().isAtStartOfLine && peek().kind != .leftBrace && braceLaterOnLine
    }

    /// The count of `0..<count` starting `offset` tokens ahead, if written that way.
    private func loopCount(after offset: Int) -> DimExpr? {
        let (zero, range, count) = (peek(offset - 1), peek(offset), peek(offset + 1))
        guard zero.kind == .number, zero.text == "0", range.kind == .halfOpenRange else { return nil }
        switch count.kind {
        case .number: return Int(count.text).map { .literal($0, count.range) }
        case .identifier: return .symbol(Identifier(count.text, range: count.range))
        default: return nil
        }
    }

    /// Whether the current tokens begin `var name`.
    private var startsVariable: Bool {
        at(.identifier) && current.text == "var" && !peek().isAtStartOfLine && peek().kind == .identifier
    }

    /// The operators of compound assignments (`+=`, `-=`, `*=`, `/=`).
    static let compoundOperators: [TokenKind: BinaryOperator] = [
        .plus: .add, .minus: .subtract, .star: .multiply, .slash: .divide,
    ]

    /// `let name = kind(function [, wrt: argument, …])`, at the top level or in a model.
    mutating func parseDerivative() -> DerivativeDecl? {
        let start = advance().range.start
        let name = expectIdentifier("expected a name after 'let'", naming: "a derivative")
        expect(.equal, "expected '=' and 'grad(f)' after 'let \(name)'")
        guard !isRecovering, at(.identifier), let kind = DerivativeKind(rawValue: current.text),
              let open = peek().kind == .leftParen ? peek() : nil
        else {
            error("a top-level 'let' defines a constant, as in 'let dt: Float = 0.1', or a derivative, as in 'let df = grad(f)' or 'let dg = jvp(g, wrt: x)' (the derivatives are \(DerivativeKind.spellings))",
                  at: current.range)
            skip { $0.startsDeclaration }
            return nil
        }
        advance()
        advance()
        let function = expectIdentifier("expected the name of the function to differentiate, as in '\(kind)(f)'")
        var arguments: [Identifier] = []
        if consume(.comma) != nil {
            if at(.identifier), current.text == "wrt", peek().kind == .colon {
                advance()
                advance()
                repeat {
                    arguments.append(expectIdentifier("expected the name of an argument of '\(function)' after 'wrt:'"))
                } while !isRecovering && consume(.comma) != nil
            } else {
                error("expected 'wrt:' and argument names, as in '\(kind)(\(function), wrt: x)' or '\(kind)(\(function), wrt: x, y)'", at: missingRange)
            }
        }
        expectClosing(.rightParen, for: open)
        return DerivativeDecl(name: name, kind: kind, function: function, withRespectTo: arguments, range: range(from: start))
    }
}
