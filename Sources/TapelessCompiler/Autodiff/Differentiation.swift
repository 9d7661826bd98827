/// The differentiation stage: from each function's own primal IR (the lowering stage), every
/// function with its calls inlined and every derivative the program needs, derived by reverse
/// mode (``ReverseMode``). Nothing is simplified here for its own sake; the next stage does that.
///
/// What is derived, by rule:
/// - the body of each derivative definition (`grad`, `jvp`, `hvp`, …): the derivative of the
///   function it names (``DerivativeRequest/derive(from:declared:)``);
/// - for each scalar model function that no other function of the model calls, its value with
///   the gradient of every trainable parameter it reads (the generated `…WithGradient`).
///   Helpers get none: their callers' gradients cover them, and the user's API stays the
///   functions they call;
/// - for the model's forward function (``LoweredModel/forwardFunction``), its pullback, seeded
///   by the gradient of its output, for `fit`.
///
/// A call copies its callee simplified, and a derivative starts from its function simplified:
/// a function calling `f(x)` three times holds three small copies of `f`, so calls repeated at
/// every level, and derivatives of derivatives, don't multiply what simplification removes.
/// Each function is resolved once, callees first (the checker rules out recursion).
///
/// A function lowered once per mode calls its callees' forms of the same mode, and inherits
/// their state updates as its own state results (a later update of the same tensor replaces
/// an earlier one). After inlining, the dropout applications of a body are numbered in
/// program order, so each draws its own mask.
struct Differentiation {
    /// A derivative the program asks for that can't be derived from its function, reported
    /// at its declaration.
    struct Unsupported: Error {
        /// What can't be derived and what to do instead.
        var message: String
        /// The derivative's declaration.
        var range: SourceRange
    }

    /// A function by its scope (a model's name, or `nil` at top level), name and mode (`nil`
    /// for a function lowered once).
    private struct Key: Hashable {
        var model: String?
        var name: String
        var mode: ExecutionMode? = nil
    }

    private let functions: [Key: LoweredFunction]
    private let limit: InstructionLimit
    /// The custom rules of top-level functions, by name, and their bodies once built.
    private let ruleNames: [String: CustomRuleNames]
    private var rules: [String: CustomRules] = [:]
    /// Each function's body with calls inlined or derivative derived, as this stage stores it.
    private var derived: [Key: IRFunction] = [:]
    /// The same bodies simplified: what a call copies and what a derivative starts from.
    private var simplified: [Key: IRFunction] = [:]

    private init(_ program: LoweredProgram, limit: InstructionLimit) {
        var functions: [Key: LoweredFunction] = [:]
        for model in program.models {
            for function in model.functions { functions[Key(model: model.name, name: function.name, mode: function.mode)] = function }
        }
        for function in program.functions { functions[Key(model: nil, name: function.name)] = function }
        self.functions = functions
        self.limit = limit
        ruleNames = program.rules
    }

    /// `program` with every call inlined and every derivative derived.
    static func run(_ program: LoweredProgram, limit: InstructionLimit) throws -> LoweredProgram {
        var stage = Differentiation(program, limit: limit)
        var result = program
        for (index, model) in program.models.enumerated() {
            let helpers = Set(model.functions.flatMap { Self.callees(of: $0.body) }.filter(\.isModelFunction).map(\.name))
            result.models[index].functions = try model.functions.map {
                try stage.derive($0, in: model, helpers: helpers).expandingCustomCalls()
            }
        }
        result.functions = try program.functions.map { function in
            var function = function
            function.body = try stage.body(of: Key(model: nil, name: function.name)).expandingCustomCalls()
            return function
        }
        return result
    }

    /// A model function with its body and the derived forms its rule gives it.
    private mutating func derive(_ function: LoweredFunction, in model: LoweredModel, helpers: Set<String>) throws -> LoweredFunction {
        let key = Key(model: model.name, name: function.name, mode: function.mode)
        var result = function
        result.body = try body(of: key)
        guard function.derivative == nil else { return result }
        let base = try simplifiedBody(of: key)
        let read = Set(base.parametersRead)
        let inputs = model.parameters.filter { $0.isTrainable && read.contains($0.name) }.map { DifferentiableInput.parameter($0.name) }
        let returned = base.returnedResults
        let returnsFloatScalar = returned.count == 1
            && base.definitions()[returned[0].value].map { $0.type.isScalar && $0.type.element == .float } == true
        if returnsFloatScalar && !helpers.contains(function.name) {
            result.withGradient = try ReverseMode.differentiate(base, result: "value", withRespectTo: inputs)
        }
        if function.name == model.forwardFunction {
            result.pullback = try ReverseMode.differentiate(
                base, result: "value", withRespectTo: inputs, seed: .argument(name: "outputGradient"))
        }
        return result
    }

    /// The stored body of a function: its own with calls inlined, or for a `grad` definition,
    /// the gradients of the function it names.
    private mutating func body(of key: Key) throws -> IRFunction {
        if let body = derived[key] { return body }
        let function = try lookUp(key)
        let body: IRFunction
        if let request = function.derivative {
            var base = try simplifiedBody(of: callee(request.function, in: key.model, mode: .inference))
            if key.model == nil, let rules = try customRules(of: request.function) { base = .calling(base, rules: rules) }
            guard base.results.count == 1 || request.kind.takesSeveralResults else {
                throw Lowering.Failure(description: "'\(request.function)' returns \(base.results.count) values; \(request.kind) needs one")
            }
            do {
                body = try request.derive(from: base, declared: function.body)
            } catch let failure as Vectorization.Failure {
                throw Unsupported(message: "'\(key.name)' can't be derived: \(failure.description)", range: function.range)
            }
        } else {
            body = try inlineCalls(of: function, in: key.model, mode: key.mode)
        }
        derived[key] = body
        return body
    }

    /// ``body(of:)`` simplified; a `grad` definition's is checked against the limit at every
    /// order, so a derivative of a derivative never starts from an oversized body.
    private mutating func simplifiedBody(of key: Key) throws -> IRFunction {
        if let body = simplified[key] { return body }
        let function = try lookUp(key)
        var body = Simplifier.simplify(try self.body(of: key))
        if let request = function.derivative {
            body = try limit.check(body, at: function.range, .derivative(of: request.function))
        }
        simplified[key] = body
        return body
    }

    /// The key of the function `name` that a function of `mode` calls: the callee's form of
    /// the same mode, or its only form.
    private func callee(_ name: String, in model: String?, mode: ExecutionMode?) -> Key {
        let sameMode = Key(model: model, name: name, mode: mode)
        return functions[sameMode] != nil ? sameMode : Key(model: model, name: name)
    }

    /// `function`'s body with each call replaced by a copy of its callee, simplified.
    private mutating func inlineCalls(of function: LoweredFunction, in model: String?, mode: ExecutionMode?) throws -> IRFunction {
        let body = function.body
        guard !Self.callees(of: body).isEmpty else { return mode == .training ? body.numberingDropoutStreams() : body }
        var builder = IRBuilder()
        var values: [IRValue: IRValue] = [:]
        var inheritedStates: [IRResult] = []
        // The values of the last call of a function that returns a tuple: the calls of its other
        // values follow it with the same operands, and read them instead of copying it again.
        var tuple: (callee: IRCallee, operands: [IRValue], values: [IRValue])?
        for instruction in body.instructions {
            let operands = instruction.operands.map { values[$0]! }
            builder.origin = instruction.origin
            if case .call(let callee) = instruction.op, let index = callee.result, index > 0, let tuple,
               tuple.callee.name == callee.name, tuple.callee.isModelFunction == callee.isModelFunction, tuple.operands == operands {
                builder.name(tuple.values[index], instruction.name)
                values[instruction.result] = tuple.values[index]
                continue
            }
            guard case .call(let callee) = instruction.op else {
                let value = builder.emit(instruction.op, operands, type: instruction.type)
                builder.name(value, instruction.name)
                values[instruction.result] = value
                continue
            }
            if !callee.isModelFunction, let rules = try customRules(of: callee.name) {
                // Kept as a call, so that differentiation uses the rules (expanded at the end).
                let value = builder.emit(.call(IRCallee(name: callee.name, isModelFunction: false, rules: rules)), operands, type: instruction.type)
                builder.name(value, instruction.name)
                values[instruction.result] = value
                continue
            }
            let copied = try simplifiedBody(of: self.callee(callee.name, in: callee.isModelFunction ? model : nil, mode: mode))
            try limit.check(
                count: builder.instructions.count + copied.instructions.count, at: instruction.origin?.range ?? function.range,
                .call(callee.name))
            let results = zip(copied.results, Inliner.inline(copied, arguments: operands, into: &builder)).map { result, value in
                IRResult(name: result.name, value: value, role: result.role)
            }
            let returned = results.filter { $0.role == .value }
            guard callee.result.map({ $0 == 0 && returned.count > 1 }) ?? (returned.count == 1) else {
                throw Lowering.Failure(description: "'\(callee)' returns \(returned.count) values, not as its call expects")
            }
            for state in results where state.role != .value {
                inheritedStates.removeAll { $0.role == state.role }
                inheritedStates.append(state)
            }
            if callee.result != nil { tuple = (callee, operands, returned.map(\.value)) }
            builder.name(returned[0].value, instruction.name)
            values[instruction.result] = returned[0].value
        }
        var results = body.results.map { IRResult(name: $0.name, value: values[$0.value]!, role: $0.role) }
        let own = Set(results.map(\.role))
        results += inheritedStates.filter { !own.contains($0.role) }
        let inlined = IRFunction(name: body.name, arguments: body.arguments, instructions: builder.instructions, results: results)
        return mode == .training ? inlined.numberingDropoutStreams() : inlined
    }

    /// The bodies of top-level function `name` and of its custom rules, if it has any.
    private mutating func customRules(of name: String) throws -> CustomRules? {
        if let built = rules[name] { return built }
        guard let names = ruleNames[name] else { return nil }
        var built = CustomRules(primal: try simplifiedBody(of: Key(model: nil, name: name)), pullbacks: [:])
        for (index, rule) in names.pullbacks { built.pullbacks[index] = try simplifiedBody(of: Key(model: nil, name: rule)) }
        built.pushforward = try names.pushforward.map { try simplifiedBody(of: Key(model: nil, name: $0)) }
        rules[name] = built
        return built
    }

    private func lookUp(_ key: Key) throws -> LoweredFunction {
        guard let function = functions[key] else {
            throw Lowering.Failure(description: "no function '\(key.name)'" + (key.model.map { " in model '\($0)'" } ?? ""))
        }
        return function
    }

    /// The functions `body` calls.
    private static func callees(of body: IRFunction) -> [IRCallee] {
        body.instructions.compactMap { instruction in
            if case .call(let callee) = instruction.op { callee } else { nil }
        }
    }
}
