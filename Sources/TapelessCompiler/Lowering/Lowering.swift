/// Lowers a checked program to IR and derives every derivative it needs.
///
/// Each function becomes a straight-line IR function (calls are inlined). Then, by source
/// transformation: every scalar model function gets a version that also returns the gradient
/// of each trainable parameter, the model's forward function gets a pullback seeded by the
/// gradient of its output, and each `grad` definition is the derivative of the function it
/// names (a derivative of a derivative for higher orders). Everything is simplified.
public struct Lowering {
    let program: CheckedProgram
    let source: [Unicode.Scalar]
    /// The top-level functions and derivatives by name (names are unique at the top level).
    let functionsByName: [String: CheckedFunction]
    let derivativesByName: [String: CheckedDerivative]

    /// Prepares to lower `program`, whose source text is `source` (for comments).
    public init(program: CheckedProgram, source: String) {
        self.program = program
        self.source = Array(source.unicodeScalars)
        functionsByName = Dictionary(program.functions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        derivativesByName = Dictionary(program.derivatives.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The most IR instructions a function may hold once its calls are inlined, and a
    /// derivative (written in the file or needed for training) once derived.
    ///
    /// Every call copies the callee's body, so functions that each call others on different
    /// values, a few levels deep, grow exponentially (3 calls per level, 13 levels: 1.6 million
    /// copies), and so does each order of derivative. Real models stay far below; the limit
    /// keeps such a file from stalling a build.
    static let defaultInstructionLimit = 100_000

    /// ``defaultInstructionLimit``, unless a test lowers it.
    var instructionLimit = Lowering.defaultInstructionLimit

    /// A function that would pass ``instructionLimit``: the user's program, not the compiler,
    /// is at fault, so it is reported where the growth happens.
    struct TooLarge: Error {
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

    /// Errors that the checker should have ruled out; reported rather than trapped on.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, for the internal-error diagnostic.
        public var description: String
    }

    /// The whole program in IR, ready to emit.
    public func lower() throws -> LoweredProgram {
        var cache = FunctionCache()
        var models: [LoweredModel] = []
        for model in program.models {
            models.append(try lowerModel(model, cache: &cache))
        }
        var functions: [LoweredFunction] = []
        for declaration in program.file.declarations {
            switch declaration {
            case .function(let decl):
                let body = try lowerTopLevel(decl.name.name, cache: &cache)
                functions.append(LoweredFunction(name: decl.name.name, line: decl.range.start.line, declaration: text(decl.range, upTo: "{"), body: body))
            case .derivative(let decl):
                let body = try lowerTopLevel(decl.name.name, cache: &cache)
                functions.append(LoweredFunction(name: decl.name.name, line: decl.range.start.line, declaration: text(decl.range), body: body))
            case .model:
                break
            }
        }
        return LoweredProgram(sourcePath: program.file.path, models: models, functions: functions)
    }

    /// Lowered and simplified top-level functions and derivatives, by name, so that each is
    /// lowered once and each call copies a body already reduced: a function calling `f(x)`
    /// three times keeps one copy of `f`, so calls repeated at every level don't multiply.
    struct FunctionCache {
        var functions: [String: IRFunction] = [:]
    }

    // MARK: - Models

    private func lowerModel(_ model: CheckedModel, cache: inout FunctionCache) throws -> LoweredModel {
        var bodies: [String: IRFunction] = [:]
        let trainable = model.parameters.filter { !$0.isFrozen }.map(\.name)
        let forward = Self.forwardFunction(of: model)
        var functions: [LoweredFunction] = []
        for function in model.functions {
            let body = try lowerModelFunction(function.name, model: model, bodies: &bodies, cache: &cache)
            let read = Set(body.parametersRead)
            let inputs = trainable.filter(read.contains).map(DifferentiableInput.parameter)
            var lowered = LoweredFunction(
                name: function.name, line: function.decl.range.start.line,
                declaration: text(function.decl.range, upTo: "{"), body: body)
            let cause = TooLarge.Cause.training(of: function.name)
            // Helpers called by another function get no gradient of their own: their
            // callers' gradients cover them, and the user's API stays the functions they call.
            if function.returnType.isFloatScalar && !model.calledFunctions.contains(function.name) {
                let derived = try ReverseMode.differentiate(body, result: "value", withRespectTo: inputs)
                lowered.unsimplified.withGradient = derived
                lowered.withGradient = try withinLimit(Simplifier.simplify(derived), at: function.decl.range, cause)
            }
            if function.name == forward {
                let derived = try ReverseMode.differentiate(
                    body, result: "value", withRespectTo: inputs, seed: .argument(name: "outputGradient"))
                lowered.unsimplified.pullback = derived
                lowered.pullback = try withinLimit(Simplifier.simplify(derived), at: function.decl.range, cause)
            }
            functions.append(lowered)
        }
        for derivative in model.derivatives {
            let base = try lowerModelFunction(derivative.function, model: model, bodies: &bodies, cache: &cache)
            let body = try gradients(of: base, for: derivative)
            functions.append(LoweredFunction(
                name: derivative.name, line: derivative.range.start.line, declaration: text(derivative.range), body: body))
        }
        return LoweredModel(
            name: model.name, line: model.range.start.line,
            parameters: model.parameters.map {
                LoweredParameter(name: $0.name, shape: $0.shape, initializer: $0.initializer, isTrainable: !$0.isFrozen, line: $0.range.start.line)
            },
            layers: model.layers.map { layer in
                LoweredLayer(
                    name: layer.name, parameters: layer.kind.parameters.map { layer.parameterName($0.name) },
                    accessor: layer.kind.accessor)
            },
            functions: functions, forwardFunction: forward)
    }

    /// The function `fit` drives: one Float tensor in, one Float tensor out; `forward` if
    /// several qualify, else the first declared.
    static func forwardFunction(of model: CheckedModel) -> String? {
        let candidates = model.functions.filter { function in
            function.parameters.count == 1 && function.parameters[0].type.element == .float
                && !function.parameters[0].type.shape.isEmpty && function.returnType.element == .float
                && !function.returnType.shape.isEmpty
        }
        return (candidates.first { $0.name == "forward" } ?? candidates.first)?.name
    }

    /// A model function's simplified body, lowered once and kept in `bodies`.
    func lowerModelFunction(
        _ name: String, model: CheckedModel, bodies: inout [String: IRFunction], cache: inout FunctionCache
    ) throws -> IRFunction {
        if let body = bodies[name] { return body }
        guard let function = model.functions.first(where: { $0.name == name }) else {
            throw Failure(description: "model '\(model.name)' has no function '\(name)'")
        }
        var context = FunctionLowering(lowering: self, model: model)
        let body = Simplifier.simplify(try context.lower(function, bodies: &bodies, cache: &cache))
        bodies[name] = body
        return body
    }

    // MARK: - Top-level functions and derivatives

    /// A top-level function's or derivative's simplified body, lowered once and kept in `cache`.
    func lowerTopLevel(_ name: String, cache: inout FunctionCache) throws -> IRFunction {
        if let body = cache.functions[name] { return body }
        let body: IRFunction
        if let function = functionsByName[name] {
            var context = FunctionLowering(lowering: self, model: nil)
            var noBodies: [String: IRFunction] = [:]
            body = Simplifier.simplify(try context.lower(function, bodies: &noBodies, cache: &cache))
        } else if let derivative = derivativesByName[name] {
            let base = try lowerTopLevel(derivative.function, cache: &cache)
            guard base.results.count == 1 else {
                throw Failure(description: "'\(derivative.function)' returns \(base.results.count) values; grad needs one")
            }
            body = try gradients(of: base, for: derivative)
        } else {
            throw Failure(description: "no top-level function or derivative named '\(name)'")
        }
        cache.functions[name] = body
        return body
    }

    /// The body of a `grad` definition (at top level or in a model): a function that returns
    /// only the gradient of `base`'s single result with respect to the chosen arguments.
    func gradients(of base: IRFunction, for derivative: CheckedDerivative) throws -> IRFunction {
        let derived = try ReverseMode.differentiate(
            base, result: base.results[0].name, withRespectTo: derivative.withRespectTo.map(DifferentiableInput.argument))
        var gradientOnly = derived
        gradientOnly.name = derivative.name
        gradientOnly.results = derived.results.filter { $0.role != .value }.map { IRResult(name: $0.name, value: $0.value) }
        // Checked at every order, so a derivative of a derivative never starts from an oversized body.
        return try withinLimit(Simplifier.simplify(gradientOnly), at: derivative.range, .derivative(of: derivative.function))
    }

    /// `body`, unless it holds more than ``instructionLimit`` operations: then the error, at `range`.
    func withinLimit(_ body: IRFunction, at range: SourceRange, _ cause: TooLarge.Cause) throws -> IRFunction {
        guard body.instructions.count <= instructionLimit else {
            throw TooLarge(range: range, cause: cause, limit: instructionLimit)
        }
        return body
    }

    // MARK: - Source text

    /// The source text of `range` on its first line, cut at `marker` if given, for comments.
    /// Only that line is read: a model's range spans the whole model.
    func text(_ range: SourceRange, upTo marker: Unicode.Scalar? = nil) -> String {
        var start = max(0, min(range.start.offset, source.count))
        let end = max(start, min(range.end.offset, source.count))
        while start < end, Character(source[start]).isWhitespace { start += 1 }
        var stop = start
        while stop < end, source[stop] != marker, !Character(source[stop]).isNewline { stop += 1 }
        let line = String(String.UnicodeScalarView(source[start..<stop]))
        let trimmed = String(line.reversed().drop(while: \.isWhitespace).reversed())
        return trimmed.count > 72 ? String(trimmed.prefix(71)) + "…" : trimmed
    }
}
