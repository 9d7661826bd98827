/// Calls: of layers, of the model's functions, of top-level functions and derivatives, and of builtins.
extension Checker {
    /// What a callee name refers to, in lookup order: the model's layers and functions shadow
    /// top-level functions and derivatives, which shadow builtins.
    private enum Callee {
        case layer(CheckedLayer)
        case modelFunction(FunctionSignature)
        /// A derivative declared in the model (`let dx = grad(loss, wrt: x)`): a method.
        case modelDerivative(CheckedDerivative, key: String)
        case function(FunctionSignature)
        case derivative(CheckedDerivative)
        /// A callable whose declaration was invalid: its calls are error-typed silently.
        case invalid
        case builtin
    }

    private func callee(named name: String, in context: BodyContext) -> Callee? {
        if let model = context.model {
            if let layer = model.layer(named: name) { return .layer(layer) }
            if let function = model.function(named: name) { return .modelFunction(function) }
            if let derivative = model.derivatives.first(where: { $0.name == name }) {
                return .modelDerivative(derivative, key: model.key(of: name))
            }
            if model.invalidMembers.contains(name) { return .invalid }
        }
        if let function = functions[name] { return .function(function) }
        if let derivative = derivatives[name] { return derivative.map(Callee.derivative) ?? .invalid }
        if BuiltinForm.sourceNames.contains(name) { return .builtin }
        return nil
    }

    /// Whether `name` can be called in this body.
    func isCallable(_ name: String, in context: BodyContext) -> Bool {
        callee(named: name, in: context) != nil
    }

    /// The names callable in a body, for suggestions.
    private func callableNames(in context: BodyContext) -> [String] {
        BuiltinForm.sourceNames + functions.keys.sorted() + derivatives.keys.sorted()
            + (context.model.map { $0.layers.map(\.name) + $0.functionsInOrder.map(\.name) } ?? [])
    }

    /// `callee(arguments)` as a value: the call of a function that returns one.
    func checkCall(_ calleeExpr: Expr, _ arguments: [Argument], _ expr: Expr, in context: inout BodyContext) -> ValueType? {
        checkCall(calleeExpr, arguments, expr, severalAllowed: false, in: &context)?[0]
    }

    /// `callee(arguments)`: the types of the values it returns, one unless the callee returns a
    /// tuple, which is an error unless `severalAllowed` (a destructuring statement's value).
    func checkCall(
        _ calleeExpr: Expr, _ arguments: [Argument], _ expr: Expr, severalAllowed: Bool, in context: inout BodyContext
    ) -> [ValueType]? {
        guard case .identifier(let name) = calleeExpr.kind, !calleeExpr.isMissing else {
            if !calleeExpr.isMissing {
                error("only functions, layers and builtins can be called", at: calleeExpr.range)
            }
            checkStrayArguments(arguments, in: &context)
            return nil
        }
        switch callee(named: name, in: context) {
        case .layer(let layer):
            return checkLayerCall(layer, arguments, expr, withFinalValues: severalAllowed, in: &context)
        case .modelFunction(let function):
            callGraph.addCall(from: context.signature.key, to: function.key, at: calleeExpr.range)
            return checkFunctionCall(
                name: name, parameters: function.parameters, results: function.results, severalAllowed: severalAllowed,
                arguments, calleeExpr, expr, in: &context, resolve: { .modelFunction(name, arguments: $0) })
        case .function(let function):
            callGraph.addCall(from: context.signature.key, to: function.key, at: calleeExpr.range)
            return checkFunctionCall(
                name: name, parameters: function.parameters, results: function.results, severalAllowed: severalAllowed,
                arguments, calleeExpr, expr, in: &context, resolve: { .function(name, arguments: $0) })
        case .modelDerivative(let derivative, let key):
            callGraph.addCall(from: context.signature.key, to: key, at: calleeExpr.range)
            return checkDerivativeCall(
                derivative, arguments, calleeExpr, expr, severalAllowed: severalAllowed, in: &context,
                resolve: { .modelFunction(name, arguments: $0) })
        case .derivative(let derivative):
            callGraph.addCall(from: context.signature.key, to: derivative.name, at: calleeExpr.range)
            return checkDerivativeCall(
                derivative, arguments, calleeExpr, expr, severalAllowed: severalAllowed, in: &context,
                resolve: { .function(name, arguments: $0) })
        case .invalid:
            checkStrayArguments(arguments, in: &context)
            return nil
        case .builtin:
            return checkBuiltinCall(name, arguments, expr, in: &context).map { [$0] }
        case nil:
            let isValue = context.locals[name] != nil || context.signature.parameters.contains { $0.name == name }
                || context.model?.parameter(named: name) != nil
            if isValue {
                error("'\(name)' is a value, not a function; it can't be called", at: calleeExpr.range)
            } else if context.model == nil, models.contains(where: { $0.function(named: name) != nil }) {
                error("unknown function '\(name)'; a model's functions are visible only inside the model", at: calleeExpr.range)
            } else if LayerKinds.all[name] != nil {
                error("layers are declared in a model, as 'layer name = \(name)(in -> out)', then applied with name(x)",
                      at: calleeExpr.range)
            } else {
                reportMisspelling(
                    "unknown function '\(name)'", name: name, at: calleeExpr.range, among: callableNames(in: context))
            }
            checkStrayArguments(arguments, in: &context)
            return nil
        }
    }

    /// Checks the arguments of a call that couldn't be matched, so errors inside them are still reported.
    func checkStrayArguments(_ arguments: [Argument], in context: inout BodyContext) {
        for argument in arguments {
            // Option values such as `tanh` in `approximate: tanh` aren't values.
            if case .identifier(let name) = argument.value.kind, BuiltinForm.sourceNames.contains(name) { continue }
            checkExpression(argument.value, in: &context)
        }
    }

    /// A call of a derivative definition: like a function's. One that returns a tuple (such as
    /// `valueAndGrad`) can only be taken apart.
    private func checkDerivativeCall(
        _ derivative: CheckedDerivative, _ arguments: [Argument], _ calleeExpr: Expr, _ expr: Expr, severalAllowed: Bool,
        in context: inout BodyContext, resolve: ([Expr]) -> Resolution
    ) -> [ValueType]? {
        if derivative.returnType == nil, !severalAllowed {
            let hint = [.grad, .hvp, .jacobian, .hessian].contains(derivative.kind)
                ? "take its values apart with 'let \(derivative.resultList) = \(derivative.name)(…)', or declare one derivative per argument with \(derivative.kind)(\(derivative.function), wrt: \(derivative.parameters[derivative.withRespectTo[0]].name))"
                : "take its values apart with 'let \(derivative.resultList) = \(derivative.name)(…)'"
            error("'\(derivative.name)' returns a tuple \(derivative.resultList), which can't be used in an expression; \(hint)",
                  at: calleeExpr.range)
            checkStrayArguments(arguments, in: &context)
            return nil
        }
        return checkFunctionCall(
            name: derivative.name, parameters: derivative.parameters.map { ($0.name, $0.type) },
            results: derivative.results.map { ($0.name, $0.type) }, severalAllowed: severalAllowed,
            arguments, calleeExpr, expr, in: &context, resolve: resolve)
    }

    /// A call of a user function or derivative: binds the callee's size variables to the
    /// arguments' dimensions and returns the declared result types with those bindings.
    private func checkFunctionCall(
        name: String, parameters: [(name: String, type: ValueType?)], results: [(name: String, type: ValueType?)],
        severalAllowed: Bool, _ arguments: [Argument], _ calleeExpr: Expr, _ expr: Expr, in context: inout BodyContext,
        resolve: ([Expr]) -> Resolution
    ) -> [ValueType]? {
        let slots = parameters.map { ArgumentSlot(label: $0.name, isRequired: true) }
        guard let matched = matchArguments(arguments, to: slots, callee: name, callRange: expr.range) else {
            checkStrayArguments(arguments, in: &context)
            return nil
        }
        let values = matched.map { $0!.value }
        resolutions[expr.id] = resolve(values)
        var bindings: [String: Dimension] = [:]
        for (parameter, value) in zip(parameters, values) {
            guard let actual = checkExpression(value, in: &context), let expected = parameter.type else { continue }
            if !ShapeRules.unify(parameter: expected, argument: actual, bindings: &bindings) {
                let shown = expected.substituting(bindings)
                error("argument '\(parameter.name)' of '\(name)' must be \(shown), not \(actual)", at: value.range)
            }
        }
        if results.count > 1, !severalAllowed {
            let list = "(" + results.map(\.name).joined(separator: ", ") + ")"
            error("'\(name)' returns a tuple \(list), which can't be used in an expression; take its values apart with 'let \(list) = \(name)(…)'",
                  at: calleeExpr.range)
            return nil
        }
        var types: [ValueType] = []
        for result in results {
            guard let type = result.type, type.sizeVariables.allSatisfy({ bindings[$0] != nil }) else { return nil }
            types.append(type.substituting(bindings))
        }
        return types
    }

    /// `fc1(x)`: the layer's kind decides which inputs it takes and the result's type; then,
    /// `withFinalValues`, the types of the values it also gives when taken apart (a recurrent
    /// layer's final states).
    private func checkLayerCall(
        _ layer: CheckedLayer, _ arguments: [Argument], _ expr: Expr, withFinalValues: Bool, in context: inout BodyContext
    ) -> [ValueType]? {
        let labels = layer.kind.optionalInputs
        let slots = [ArgumentSlot(label: "x", isRequired: true)] + labels.map { ArgumentSlot(label: $0, isRequired: false) }
        guard let matched = matchArguments(arguments, to: slots, callee: layer.name, callRange: expr.range),
              let input = matched[0]?.value else {
            checkStrayArguments(arguments, in: &context)
            return nil
        }
        var options: [String: Expr] = [:]
        for (label, argument) in zip(labels, matched.dropFirst()) { options[label] = argument?.value }
        resolutions[expr.id] = .layer(layer.name, input: input, options: options)
        let optionTypes = labels.compactMap { label in options[label].map { (label, $0, requireFloat(checkExpression($0, in: &context), $0)) } }
        guard let checked = checkExpression(input, in: &context) else { return nil }
        let type = layer.kind.inputElement == .float ? requireFloat(checked, input) : checked
        guard let type else { return nil }
        switch layer.kind.outputType(for: type) {
        case .success(let output):
            for case let (label, expr, optionType?) in optionTypes {
                if let mismatch = layer.kind.checkOptionalInput(label, optionType, for: type) {
                    error("'\(label):' of '\(layer.name)' \(mismatch.message)", at: expr.range)
                    return nil
                }
            }
            return [output] + (withFinalValues ? layer.kind.finalValues(for: type).map(\.type) : [])
        case .failure(let mismatch):
            error("'\(layer.name)' is \(layer.kind.description) and \(mismatch.message)", at: input.range)
            return nil
        }
    }
}
