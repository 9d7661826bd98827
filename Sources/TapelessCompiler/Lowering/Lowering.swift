/// The lowering stage: every function of a checked program in primal IR.
///
/// Each function becomes straight-line IR of its own body. A call stays a call
/// (``IROp/call(_:)``) and a `grad` definition stays a request (``DerivativeRequest``): the
/// differentiation stage (`Differentiation`) inlines the one and derives the other.
/// Nothing here differentiates or simplifies.
public struct Lowering {
    let program: CheckedProgram
    let source: [Unicode.Scalar]

    /// Prepares to lower `program`, whose source text is `source` (for comments).
    public init(program: CheckedProgram, source: String) {
        self.program = program
        self.source = Array(source.unicodeScalars)
    }

    /// Errors that the checker should have ruled out; reported rather than trapped on.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, for the internal-error diagnostic.
        public var description: String
    }

    /// The whole program in primal IR, in source order.
    public func lower() throws -> LoweredProgram {
        let models = try program.models.map(lowerModel)
        var functions: [LoweredFunction] = []
        for declaration in program.file.declarations {
            switch declaration {
            case .function(let decl):
                guard let function = program.functions.first(where: { $0.name == decl.name.name }) else {
                    throw Failure(description: "function '\(decl.name.name)' was not checked")
                }
                functions.append(try lower(function, in: nil, mode: .inference).function)
            case .derivative(let decl):
                guard let derivative = program.derivatives.first(where: { $0.name == decl.name.name }) else {
                    throw Failure(description: "derivative '\(decl.name.name)' was not checked")
                }
                functions.append(request(derivative))
            case .model, .constant, .record:
                break  // constants are read as numbers where they are used; records were taken apart
            }
        }
        return LoweredProgram(
            sourcePath: program.file.path, models: models, functions: functions, rules: rules(), records: program.records)
    }

    /// The custom derivative rules, by the function they differentiate.
    private func rules() -> [String: CustomRuleNames] {
        var rules: [String: CustomRuleNames] = [:]
        for function in program.functions {
            guard let rule = function.decl.rule, let target = program.functions.first(where: { $0.name == rule.function.name })
            else { continue }
            if let wrt = rule.withRespectTo, let index = target.parameters.firstIndex(where: { $0.name == wrt.name }) {
                rules[target.name, default: CustomRuleNames()].pullbacks[index] = function.name
            } else if rule.withRespectTo == nil {
                rules[target.name, default: CustomRuleNames()].pushforward = function.name
            }
        }
        return rules
    }

    /// A model's functions: each once, or, when its layers or the functions it calls depend
    /// on the mode, once per mode (inference first).
    private func lowerModel(_ model: CheckedModel) throws -> LoweredModel {
        let inference = try model.functions.map { try lower($0, in: model, mode: .inference) }
        var dependent = Set(inference.filter(\.appliesModeDependentLayer).map(\.function.name))
        var grew = true
        while grew {
            let callers = inference.filter { lowered in
                lowered.function.body.instructions.contains { instruction in
                    if case .call(let callee) = instruction.op { callee.isModelFunction && dependent.contains(callee.name) } else { false }
                }
            }
            let before = dependent.count
            dependent.formUnion(callers.map(\.function.name))
            grew = dependent.count > before
        }
        var functions: [LoweredFunction] = []
        for (checked, lowered) in zip(model.functions, inference) {
            guard dependent.contains(checked.name) else {
                functions.append(lowered.function)
                continue
            }
            var inferenceForm = lowered.function
            inferenceForm.mode = .inference
            var trainingForm = try lower(checked, in: model, mode: .training).function
            trainingForm.mode = .training
            functions += [inferenceForm, trainingForm]
        }
        functions += model.derivatives.map(request)
        return LoweredModel(
            name: model.name, line: model.range.start.line,
            parameters: model.parameters.map {
                LoweredParameter(
                    name: $0.name, shape: $0.shape, initializer: $0.initializer, isTrainable: !$0.isFrozen && !$0.isState,
                    isState: $0.isState, isTransposedInPyTorch: $0.isTransposedInPyTorch, line: $0.range.start.line)
            },
            layers: model.layers.map { layer in
                LoweredLayer(
                    name: layer.name, parameters: layer.kind.parameters.map { layer.parameterName($0.name) },
                    accessor: layer.kind.accessor)
            },
            functions: functions, forwardFunction: Self.forwardFunction(of: model))
    }

    /// The function `fit` drives: one Float tensor in, one Float tensor out; `forward` if
    /// several qualify, else the first declared.
    static func forwardFunction(of model: CheckedModel) -> String? {
        let candidates = model.functions.filter { function in
            function.parameters.count == 1 && function.parameters[0].type.element == .float
                && !function.parameters[0].type.shape.isEmpty && function.returnType?.element == .float
                && function.returnType?.shape.isEmpty == false
        }
        return (candidates.first { $0.name == "forward" } ?? candidates.first)?.name
    }

    private func lower(
        _ function: CheckedFunction, in model: CheckedModel?, mode: ExecutionMode
    ) throws -> (function: LoweredFunction, appliesModeDependentLayer: Bool) {
        var context = FunctionLowering(lowering: self, model: model, mode: mode)
        let lowered = LoweredFunction(
            name: function.name, range: function.decl.range, declaration: text(function.decl.range, upTo: "{"),
            body: try context.lower(function))
        return (lowered, context.appliesModeDependentLayer)
    }

    /// A derivative definition: its arguments and what it derives; the differentiation stage
    /// derives its body.
    private func request(_ derivative: CheckedDerivative) -> LoweredFunction {
        let arguments = derivative.parameters.map { IRArgument(name: $0.name, type: FunctionLowering.irType($0.type)) }
        return LoweredFunction(
            name: derivative.name, range: derivative.range, declaration: text(derivative.range),
            body: IRFunction(name: derivative.name, arguments: arguments, instructions: [], results: []),
            derivative: DerivativeRequest(
                kind: derivative.kind, function: derivative.function, withRespectTo: derivative.withRespectTo,
                reverseMode: derivative.kind == .jacobian ? zip(derivative.withRespectTo, derivative.results).map { index, result in
                    DerivativeRequest.prefersReverseMode(
                        argument: derivative.parameters[index].type.shape,
                        result: Array(result.type.shape.dropLast(derivative.parameters[index].type.rank)))
                } : [],
                resultNames: derivative.results.map(\.name)))
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
