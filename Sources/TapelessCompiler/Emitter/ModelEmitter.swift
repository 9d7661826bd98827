/// Renders one model: a struct conforming to `Model` (or `Module` when it has a forward
/// function), its parameter layout and accessors, a nested `Gradient`, and its functions.
struct ModelEmitter {
    let model: LoweredModel
    /// The plans of the model's functions, in their order.
    let plans: [FunctionPlans]
    /// `public ` or empty.
    let modifier: String
    /// The file's records, for the overloads of functions that take or return them.
    let records: RecordEmitter

    func emit(into printer: inout CodePrinter) {
        let name = SwiftNames.identifier(model.name)
        let objectives = ObjectiveEmitter(model: model, plans: plans, modifier: modifier)
        let conformance = model.forwardFunction == nil ? "Model" : "Module"
        let count = model.parameters.reduce(0) { $0 + $1.shape.reduce(1, *) }
        printer.line("/// The model `\(SwiftNames.comment(model.name))` (line \(model.line)): \(count) parameters in \(model.parameters.count) tensors.")
        printer.block("\(modifier)struct \(name): \(conformance) {") { p in
            emitLayout(&p)
            p.line()
            emitStorage(typeName: model.name, &p)
            p.line()
            p.line("/// The gradient of a scalar with respect to every parameter, with the model's layout.")
            p.block("\(modifier)struct Gradient: ParameterContainer {") { p in
                p.line("\(modifier)static var parameterLayout: ParameterLayout { \(name).parameterLayout }")
                p.line()
                emitStorage(typeName: "\(model.name).Gradient", &p)
            }
            for (function, plans) in zip(model.functions, plans) {
                if function.mode == .training {
                    emitTrainingForms(function, plans, &p)
                } else {
                    emitFunction(function, plans, &p)
                }
                if let signature = records.layout.signatures["\(model.name).\(function.name)"] {
                    emitRecordOverloads(function, plans, signature, &p)
                }
            }
            if let forward = model.forwardFunction, let index = model.functions.firstIndex(where: { $0.name == forward }) {
                let training = model.functions.indices.first { model.functions[$0].name == forward && model.functions[$0].mode == .training }
                emitModuleConformance(model.functions[index], plans[index], training: training.map { plans[$0] }, &p)
            }
            objectives.emitExamples(into: &p)
        }
        objectives.emitConstructors(into: &printer)
    }

    private func emitLayout(_ printer: inout CodePrinter) {
        printer.line("/// Every parameter's name, shape, initializer and place in `parameterScalars`.")
        printer.block("\(modifier)static let parameterLayout = ParameterLayout([", closing: "])") { p in
            for parameter in model.parameters {
                let shape = "[" + parameter.shape.map(String.init).joined(separator: ", ") + "]"
                let note = parameter.isState ? ", state" : ""
                p.line("(name: \"\(SwiftNames.escapedString(parameter.name))\", shape: \(shape), initializer: \(initializer(parameter.initializer)), isTrainable: \(parameter.isTrainable)),  // line \(parameter.line)\(note)")
            }
        }
        let transposed = model.parameters.filter(\.isTransposedInPyTorch).map { "\"\(SwiftNames.escapedString($0.name))\"" }
        guard !transposed.isEmpty else { return }
        printer.line()
        printer.line("/// The parameters PyTorch's modules store transposed (`nn.Linear`'s weight is `[out, in]`).")
        printer.line("\(modifier)static var pyTorchTransposedParameters: Set<String> { [\(transposed.joined(separator: ", "))] }")
    }

    /// The flat storage, its initializer and one accessor per parameter or layer.
    private func emitStorage(typeName: String, _ printer: inout CodePrinter) {
        let total = model.parameters.reduce(0) { $0 + $1.shape.reduce(1, *) }
        printer.line("/// Every parameter's elements, one after another in layout order.")
        printer.line("\(modifier)var parameterScalars: [Float]")
        printer.line()
        printer.line("/// Creates a value from a flat buffer laid out as `parameterLayout`.")
        printer.block("\(modifier)init(parameterScalars: [Float]) {") { p in
            p.line("precondition(parameterScalars.count == \(total), \"\(SwiftNames.escapedString(typeName)) has \(total) parameter scalars, not \\(parameterScalars.count).\")")
            p.line("self.parameterScalars = parameterScalars")
        }
        let offsets = model.offsets
        let layerParameters = Set(model.layers.filter { $0.accessor != nil }.flatMap(\.parameters))
        for parameter in model.parameters where !layerParameters.contains(parameter.name) {
            let property = SwiftNames.property(parameter.name)
            let key = "\"\(SwiftNames.escapedString(parameter.name))\""
            printer.line()
            let what = parameter.isState ? "state tensor" : "parameter"
            printer.line("/// The \(what) `\(SwiftNames.comment(parameter.name))` (line \(parameter.line)).")
            if parameter.shape.isEmpty {
                let offset = offsets[parameter.name]!.offset
                printer.block("\(modifier)var \(property): Float {") { p in
                    p.line("get { parameterScalars[\(offset)] }")
                    p.line("set { parameterScalars[\(offset)] = newValue }")
                }
            } else {
                printer.block("\(modifier)var \(property): Tensor {") { p in
                    p.line("get { self[parameter: \(key)] }")
                    p.line("set { self[parameter: \(key)] = newValue }")
                }
            }
        }
        for layer in model.layers {
            guard let accessor = layer.accessor else { continue }
            let keys = accessor.properties.map { "\"\(SwiftNames.escapedString(layer.name)).\($0)\"" }
            let arguments = zip(accessor.properties, keys).map { "\($0): self[parameter: \($1)]" }
            printer.line()
            printer.line("/// The \(Self.englishList(accessor.properties)) of layer `\(SwiftNames.comment(layer.name))`.")
            printer.block("\(modifier)var \(SwiftNames.identifier(layer.name)): \(accessor.typeName) {") { p in
                p.line("get { \(accessor.typeName)(\(arguments.joined(separator: ", "))) }")
                p.block("set {") { p in
                    for (property, key) in zip(accessor.properties, keys) { p.line("self[parameter: \(key)] = newValue.\(property)") }
                }
            }
        }
    }

    private func emitFunction(_ function: LoweredFunction, _ plans: FunctionPlans, _ printer: inout CodePrinter) {
        let body = function.body
        let labels = body.arguments.map { SwiftNames.property($0.name) }
        let declared = zip(labels, body.arguments).map { "\($0): \(SwiftTypes.name(of: $1.type))" }
        let parameters = declared.joined(separator: ", ")
        let (returnType, style) = SwiftTypes.results(of: body)
        let swiftName = SwiftNames.identifier(function.name)
        let argumentLabels = body.arguments.map { SwiftNames.argumentLabel($0.name) }
        printer.line()
        printer.line("/// `\(SwiftNames.comment(function.declaration))` (line \(function.line)).")
        let attributes = RecordEmitter.attributes(of: records.layout.signatures["\(model.name).\(function.name)"])
        printer.block("\(attributes)\(modifier)func \(swiftName)(\(parameters)) -> \(returnType) {") { p in
            emitBody(plans.body, names: labels, signature: SwiftTypes.signature(function.name, argumentLabels), key: function.name, style: style, &p)
        }
        guard let withGradient = plans.withGradient else { return }
        let name = "\(function.name)WithGradient"
        let calls = (zip(argumentLabels, labels).map { "\($0): \($1)" } + ["into: &gradient"]).joined(separator: ", ")
        printer.line()
        printer.line("/// The value of `\(SwiftNames.comment(function.name))`, and its gradient with respect to every trainable parameter")
        printer.line("/// written into `gradient`, in one pass (no allocation once the workspace exists).")
        // Joined as a list: a function without arguments has only `into`.
        let parametersAndGradient = (declared + ["into gradient: inout Gradient"]).joined(separator: ", ")
        printer.block("\(modifier)func \(name)(\(parametersAndGradient)) -> \(returnType) {") { p in
            emitBody(withGradient, names: labels, signature: SwiftTypes.signature(name, argumentLabels + ["into"]), key: name, style: .valueIntoGradient, &p)
        }
        printer.line()
        printer.line("/// The value of `\(SwiftNames.comment(function.name))` and its gradient with respect to every trainable parameter, in one pass.")
        emitValueAndGradient(name, parameters: parameters, intoCall: calls, returnType: returnType, &printer)
    }

    /// `name(parameters) -> (value:, gradient:)`, which runs `name(intoCall)` into a new
    /// gradient (the call's arguments end with `into: &gradient`).
    private func emitValueAndGradient(
        _ name: String, parameters: String, intoCall: String, returnType: String, _ printer: inout CodePrinter
    ) {
        printer.block("\(modifier)func \(name)(\(parameters)) -> (value: \(returnType), gradient: Gradient) {") { p in
            p.line("var gradient = Gradient.zero")
            p.line("let value = \(name)(\(intoCall))")
            p.line("return (value, gradient)")
        }
    }

    /// The overloads on records of each form of a function that takes or returns records:
    /// the function and its `…WithGradient` forms, in inference or in `mode`.
    private func emitRecordOverloads(
        _ function: LoweredFunction, _ plans: FunctionPlans, _ signature: RecordLayout.Signature, _ printer: inout CodePrinter
    ) {
        let name = "\(function.name)WithGradient"
        let into = (parameter: "into gradient: inout Gradient", argument: "into: &gradient")
        guard function.mode == .training else {
            records.emitOverload(of: function.name, function.body, signature, line: function.line, into: &printer)
            guard plans.withGradient != nil else { return }
            records.emitOverload(of: name, function.body, signature, line: function.line, trailing: [into], into: &printer)
            let (declared, passed) = records.recordParameters(of: function.body, signature)
            printer.line()
            printer.line("/// `\(SwiftNames.comment(name))` (line \(function.line)) on records, returning the value and the gradient.")
            emitValueAndGradient(
                SwiftNames.identifier(name), parameters: declared.joined(separator: ", "),
                intoCall: (passed + [into.argument]).joined(separator: ", "), returnType: SwiftTypes.results(of: function.body).type, &printer)
            return
        }
        let key = ModeNames(avoiding: function.body.arguments.map { SwiftNames.argumentLabel($0.name) })
        let mode = (parameter: key.mode == "mode" ? "mode: ForwardMode" : "mode \(key.mode): ForwardMode", argument: "mode: \(key.mode)")
        records.emitOverload(
            of: function.name, function.body, signature, line: function.line, trailing: [mode], modifiers: mutating(plans.body), into: &printer)
        guard let withGradient = plans.withGradient else { return }
        records.emitOverload(
            of: name, function.body, signature, line: function.line, trailing: [mode, into], modifiers: mutating(withGradient), into: &printer)
    }

    /// The training-mode forms of a function whose layers depend on the mode: the function
    /// and its `…WithGradient` with a `mode:` argument, each running its inference form in
    /// inference mode.
    private func emitTrainingForms(_ function: LoweredFunction, _ plans: FunctionPlans, _ printer: inout CodePrinter) {
        let body = function.body
        let labels = body.arguments.map { SwiftNames.property($0.name) }
        let argumentLabels = body.arguments.map { SwiftNames.argumentLabel($0.name) }
        let key = ModeNames(avoiding: argumentLabels)
        let declared = zip(labels, body.arguments).map { "\($0): \(SwiftTypes.name(of: $1.type))" }
            + [key.mode == "mode" ? "mode: ForwardMode" : "mode \(key.mode): ForwardMode"]
        let (returnType, style) = SwiftTypes.results(of: body)
        let swiftName = SwiftNames.identifier(function.name)
        let calls = zip(argumentLabels, labels).map { "\($0): \($1)" }
        printer.line()
        printer.line("/// `\(SwiftNames.comment(function.declaration))` (line \(function.line)) in `mode`: in training, dropout draws its masks")
        printer.line("/// from the mode's seed and step, and batch normalization normalizes by the batch's statistics and updates its running ones.")
        printer.block("\(modifier)\(mutating(plans.body))func \(swiftName)(\(declared.joined(separator: ", "))) -> \(returnType) {") { p in
            let randomKey = openTraining(plans.body, key, otherwise: "return self.\(swiftName)(\(calls.joined(separator: ", ")))", &p)
            emitBody(plans.body, names: labels, signature: SwiftTypes.signature(function.name, argumentLabels + ["mode"]),
                     key: "\(function.name)(training)", style: style, randomKey: randomKey, &p)
        }
        guard let withGradient = plans.withGradient else { return }
        let name = "\(function.name)WithGradient"
        printer.line()
        printer.line("/// The value of `\(SwiftNames.comment(function.name))` in `mode`, and its gradient with respect to every trainable parameter")
        printer.line("/// written into `gradient`, in one pass (no allocation once the workspace exists).")
        printer.block("\(modifier)\(mutating(withGradient))func \(name)(\((declared + ["into gradient: inout Gradient"]).joined(separator: ", "))) -> \(returnType) {") { p in
            let inference = (calls + ["into: &gradient"]).joined(separator: ", ")
            let randomKey = openTraining(withGradient, key, otherwise: "return self.\(name)(\(inference))", &p)
            emitBody(withGradient, names: labels, signature: SwiftTypes.signature(name, argumentLabels + ["mode", "into"]),
                     key: "\(name)(training)", style: .valueIntoGradient, randomKey: randomKey, &p)
        }
    }

    /// Prints the guard that runs `otherwise` in inference mode, binding the seed and step when
    /// the form draws dropout masks; returns their names then.
    private func openTraining(
        _ plan: FusionPlan, _ key: ModeNames, otherwise: String, _ printer: inout CodePrinter
    ) -> (seed: String, step: String)? {
        let drawsMasks = plan.function.instructions.contains { if case .dropoutMask = $0.op { true } else { false } }
        let pattern = drawsMasks ? ".training(let \(key.seed), let \(key.step))" : ".training"
        printer.line("guard case \(pattern) = \(key.mode) else { \(otherwise) }")
        return drawsMasks ? (key.seed, key.step) : nil
    }

    /// `mutating ` when a form writes the model's state.
    private func mutating(_ plan: FusionPlan) -> String {
        plan.function.stateResults.isEmpty ? "" : "mutating "
    }

    private func emitModuleConformance(
        _ function: LoweredFunction, _ plans: FunctionPlans, training: FunctionPlans?, _ printer: inout CodePrinter
    ) {
        let input = function.body.arguments[0]
        let sizes = input.type.shape.map { dimension in
            switch dimension {
            case .fixed(let size): String(size)
            case .size: "nil"
            }
        }
        printer.line()
        printer.line("/// The shape `\(SwiftNames.comment(function.name))` takes, as declared: `\(SwiftNames.comment(input.type.description))`.")
        printer.line("\(modifier)static var inputShape: [Int?] { [\(sizes.joined(separator: ", "))] }")
        printer.line()
        printer.line("/// Runs `\(SwiftNames.comment(function.name))` on a batch: the model's forward function.")
        printer.block("\(modifier)func callAsFunction(_ input: Tensor) -> Tensor {") { p in
            p.line("\(SwiftNames.identifier(function.name))(\(SwiftNames.argumentLabel(input.name)): input)")
        }
        guard let pullback = plans.pullback else { return }
        printer.line()
        printer.line("/// Runs `\(SwiftNames.comment(function.name))`, hands its output to `outputGradient` with a tensor to fill with the gradient")
        printer.line("/// of the loss with respect to it, and writes the gradient of every trainable parameter into `gradient`.")
        printer.block("\(modifier)func gradient(at input: Tensor, into gradient: inout Gradient, outputGradient: (Tensor, inout Tensor) throws -> Void) rethrows {") { p in
            emitBody(pullback, names: ["input", "outputGradient"], signature: "gradient(at:into:outputGradient:)", key: "gradient(at:)", style: .pullbackIntoGradient, &p)
        }
        printer.line()
        let opener = "func gradient(at input: Tensor, mode: ForwardMode, into gradient: inout Gradient, outputGradient: (Tensor, inout Tensor) throws -> Void) rethrows {"
        let inference = "try self.gradient(at: input, into: &gradient, outputGradient: outputGradient)"
        guard let trainingPullback = training?.pullback else {
            printer.line("/// The same as `gradient(at:into:outputGradient:)`: the model's layers compute the same in both modes.")
            printer.block("\(modifier)\(opener)") { p in p.line(inference) }
            return
        }
        printer.line("/// `gradient(at:into:outputGradient:)` in `mode`: in training, dropout draws its masks from the mode's seed and step,")
        printer.line("/// and batch normalization normalizes by the batch's statistics and updates its running ones.")
        printer.block("\(modifier)\(mutating(trainingPullback))\(opener)") { p in
            let randomKey = openTraining(trainingPullback, ModeNames(avoiding: ["input", "outputGradient"]), otherwise: "return \(inference)", &p)
            emitBody(trainingPullback, names: ["input", "outputGradient"], signature: "gradient(at:mode:into:outputGradient:)",
                     key: "gradient(at:)(training)", style: .pullbackIntoGradient, randomKey: randomKey, &p)
        }
    }

    private func emitBody(
        _ plan: FusionPlan, names: [String], signature: String, key: String, style: FunctionEmitter.ResultStyle,
        randomKey: (seed: String, step: String)? = nil, _ printer: inout CodePrinter
    ) {
        var emitter = FunctionEmitter(
            plan: plan, argumentNames: names, parameterOffsets: model.offsets,
            swiftSignature: signature, workspaceKey: "\(model.name).\(key)", style: style, randomKey: randomKey)
        emitter.emit(into: &printer)
    }

    private func initializer(_ spec: InitializerSpec) -> String {
        switch spec {
        case .constant(let value): return ".constant(\(FunctionEmitter.literal(value)))"
        case .uniform(let low, let high): return ".uniform(low: \(FunctionEmitter.literal(low)), high: \(FunctionEmitter.literal(high)))"
        case .normal(let mean, let deviation):
            return ".normal(mean: \(FunctionEmitter.literal(mean)), standardDeviation: \(FunctionEmitter.literal(deviation)))"
        case .glorotUniform: return ".glorotUniform"
        case .glorotNormal: return ".glorotNormal"
        case .heUniform: return ".heUniform"
        case .heNormal: return ".heNormal"
        }
    }

    /// `weight and bias`, `a, b and c`.
    private static func englishList(_ words: [String]) -> String {
        words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " and " + words.last!
    }
}

/// The Swift names of a training form's `mode` argument and of the seed and step it binds,
/// chosen apart from the function's own arguments.
struct ModeNames {
    var mode = "mode", seed = "seed", step = "step"

    init(avoiding arguments: [String]) {
        let taken = Set(arguments)
        func free(_ base: String) -> String {
            var name = base
            while taken.contains(name) { name += "_" }
            return name
        }
        (mode, seed, step) = (free(mode), free(seed), free(step))
    }
}
