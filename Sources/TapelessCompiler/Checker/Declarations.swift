/// Declarations: top-level names, models with their parameters and layers, and function signatures.
extension Checker {
    /// Declares every top-level name and builds each model's context and each function's signature.
    func declareTopLevel() {
        for declaration in file.declarations {
            switch declaration {
            case .model(let model):
                guard !model.name.name.isEmpty else { continue }
                checkModelName(model.name)
                _ = declare(model.name, in: &topLevelDeclarations)
                models.append(declareModel(model))
            case .function(let function):
                guard !function.name.name.isEmpty else { continue }
                checkMemberName(function.name)
                if declare(function.name, in: &topLevelDeclarations) {
                    let signature = signature(of: function, key: function.name.name)
                    functionsInOrder.append(signature)
                    functions[function.name.name] = signature
                } else {
                    duplicateFunctions.append((signature(of: function, key: duplicateKey(function)), nil))
                }
            case .derivative(let derivative):
                guard !derivative.name.name.isEmpty else { continue }
                checkMemberName(derivative.name)
                if declare(derivative.name, in: &topLevelDeclarations) {
                    derivativeDeclarations[derivative.name.name] = derivative
                }
            case .record:
                // Taken apart into their fields before the checker runs (`Records.swift`).
                continue
            case .constant(let constant):
                guard !constant.name.name.isEmpty else { continue }
                checkMemberName(constant.name)
                guard declare(constant.name, in: &topLevelDeclarations) else { continue }
                if let value = checkConstant(constant, visible: constants) {
                    constants[constant.name.name] = value
                } else {
                    invalidConstants.insert(constant.name.name)
                }
            }
        }
    }

    /// Builds a model's context: parameters (layers expanded), layers and method signatures.
    private func declareModel(_ model: ModelDecl) -> ModelContext {
        var context = ModelContext(name: model.name.name, range: model.range)
        var derivatives: [DerivativeDecl] = []
        for member in model.members {
            switch member {
            case .parameter(let parameter):
                guard !parameter.name.name.isEmpty else { continue }
                checkMemberName(parameter.name)
                guard declare(parameter.name, in: &context.declarations) else { continue }
                if let checked = checkParameter(parameter) {
                    context.parameters.append(checked)
                } else {
                    context.invalidMembers.insert(parameter.name.name)
                }
            case .layer(let layer):
                guard !layer.name.name.isEmpty else { continue }
                checkMemberName(layer.name)
                guard declare(layer.name, in: &context.declarations) else { continue }
                if let checked = checkLayer(layer) {
                    context.layers.append(checked)
                    context.parameters.append(contentsOf: layerParameters(checked))
                } else {
                    context.invalidMembers.insert(layer.name.name)
                }
            case .function(let function):
                guard !function.name.name.isEmpty else { continue }
                checkMemberName(function.name)
                if declare(function.name, in: &context.declarations) {
                    context.functionsInOrder.append(signature(of: function, key: "\(model.name.name).\(function.name.name)"))
                } else {
                    duplicateFunctions.append((signature(of: function, key: duplicateKey(function)), models.count))
                }
            case .derivative(let derivative):
                guard !derivative.name.name.isEmpty else { continue }
                checkMemberName(derivative.name)
                if declare(derivative.name, in: &context.declarations) { derivatives.append(derivative) }
            case .constant(let constant):
                guard !constant.name.name.isEmpty else { continue }
                checkMemberName(constant.name)
                guard declare(constant.name, in: &context.declarations) else { continue }
                let visible = constants.merging(context.constants) { _, own in own }
                if let value = checkConstant(constant, visible: visible, model: context) {
                    context.constants[constant.name.name] = value
                } else {
                    context.invalidMembers.insert(constant.name.name)
                }
            }
        }
        for derivative in derivatives {
            if let checked = modelDerivative(from: derivative, in: context) {
                context.derivatives.append(checked)
            } else {
                context.invalidMembers.insert(derivative.name.name)
            }
        }
        return context
    }

    /// A call-graph key no other function has, for a function whose name was already taken.
    private func duplicateKey(_ function: FunctionDecl) -> String {
        "\(function.name.name)#\(function.name.range.start.offset)"
    }

    /// The signature of a function, reporting invalid argument and return types.
    func signature(of function: FunctionDecl, key: String) -> FunctionSignature {
        var names: [String: SourceRange] = [:]
        var parameters: [(name: String, type: ValueType?)] = []
        var sizeVariables: [String] = []
        for parameter in function.parameters {
            _ = declare(parameter.name, in: &names)
            let type = valueType(of: parameter.type, sizeVariablesAllowed: true)
            if let type {
                sizeVariables.append(contentsOf: type.sizeVariables.filter { !sizeVariables.contains($0) })
            }
            parameters.append((parameter.name.name, type))
        }
        return FunctionSignature(
            key: key, name: function.name.name, parameters: parameters,
            results: results(of: function, sizeVariables: sizeVariables), sizeVariables: sizeVariables, decl: function)
    }

    /// The names and types of the values `function` returns, reporting invalid ones: `value`
    /// alone, or a tuple's labels, each given once.
    private func results(of function: FunctionDecl, sizeVariables: [String]) -> [(name: String, type: ValueType?)] {
        let declared = function.returnType
        if declared.isTuple, declared.elements.count < 2 {
            error("a tuple holds two or more values; write one value's type alone, as in '-> Float'", at: declared.range)
        }
        var labels: [String: SourceRange] = [:]
        var reportedMissingLabel = false
        return declared.elements.enumerated().map { index, element in
            var type = valueType(of: element.type, sizeVariablesAllowed: true)
            if let found = type, found.element != .float {
                error("'\(function.name.name)' must return Float or a Float tensor, not \(found)", at: element.type.range)
                type = nil
            }
            for case .symbol(let symbol) in element.type.dimensions where !sizeVariables.contains(symbol.name) {
                error("size variable '\(symbol.name)' in the return type is not the size of any argument of '\(function.name.name)'; use a literal size or a size variable from the arguments",
                      at: symbol.range)
                type = nil
            }
            guard declared.isTuple else { return ("value", type) }
            guard let label = element.label, label.name != "_" else {
                if reportedMissingLabel { return ("value\(index)", nil) }
                reportedMissingLabel = true
                error("label each value of the tuple, as in '-> (mean: Float, variance: Float)'; the labels name the values in the generated Swift",
                      at: element.type.range)
                return ("value\(index)", nil)
            }
            if labels[label.name] != nil {
                error("the tuple has two values labeled '\(label.name)'; give each its own label", at: label.range)
                return (label.name, nil)
            }
            labels[label.name] = label.range
            return (label.name, type)
        }
    }

    /// Converts a written type, reporting invalid dimensions; `nil` when invalid.
    func valueType(of type: TypeExpr, sizeVariablesAllowed: Bool, owner: String? = nil) -> ValueType? {
        if case .named(let name) = type.element {
            error("unknown type '\(name)'; expected a type such as \(Parser.typeExamples), or a record declared with 'struct \(name) { … }'",
                  at: type.range)
            return nil
        }
        var shape: [Dimension] = []
        var isValid = true
        for dimension in type.dimensions {
            switch dimension {
            case .literal(let size, let range):
                if size < 1 {
                    error("dimension \(size) must be a positive size", at: range)
                    isValid = false
                }
                shape.append(.fixed(size))
            case .symbol(let symbol):
                if !sizeVariablesAllowed {
                    error("parameter shapes must be literal: '\(symbol.name)' is a size variable; write the size as a number",
                          at: symbol.range)
                    isValid = false
                }
                shape.append(.size(symbol.name))
            }
        }
        if type.element == .int && type.dimensions.isEmpty {
            error("Int is only for label tensors; write its dimensions, such as Int[batch]", at: type.range)
            return nil
        }
        if type.element == .int, let owner {
            error("parameter '\(owner)' must be a Float tensor, not Int\(ValueType.tensor(shape))", at: type.range)
            return nil
        }
        guard isValid else { return nil }
        let valueType = ValueType(element: type.element == .int ? .int : .float, shape: shape)
        guard valueType.isWithinSizeLimit else {
            error(ValueType.sizeLimitMessage("the shape \(valueType)"), at: type.range)
            return nil
        }
        return valueType
    }

    /// Checks `param name: Type = initializer`.
    private func checkParameter(_ parameter: ParameterDecl) -> CheckedParameter? {
        let type = valueType(of: parameter.type, sizeVariablesAllowed: false, owner: parameter.name.name)
        let initializer = parameter.initializer.map(initializerSpec) ?? .constant(0)
        guard let type, let initializer else { return nil }
        let shape = type.shape.map { dimension -> Int in
            if case .fixed(let size) = dimension { return size }
            preconditionFailure("parameter shapes were checked to be literal")
        }
        return CheckedParameter(
            name: parameter.name.name, shape: shape, initializer: initializer, isFrozen: parameter.isFrozen,
            range: parameter.range)
    }

    /// The initializer an expression names: a number, a named scheme or `uniform`/`normal` with constants.
    private func initializerSpec(_ expr: Expr) -> InitializerSpec? {
        if expr.isMissing { return nil }
        if let value = numberLiteral(expr) { return .constant(value) }
        let schemes: [String: InitializerSpec] = [
            "zeros": .constant(0), "ones": .constant(1), "glorotUniform": .glorotUniform,
            "glorotNormal": .glorotNormal, "heUniform": .heUniform, "heNormal": .heNormal,
        ]
        let usage = "a number, zeros, ones, uniform(low, high), normal(mean, std), glorotUniform, glorotNormal, heUniform or heNormal"
        func reportUnknown(_ expr: Expr) {
            guard case .identifier(let name) = expr.kind else {
                error("unknown initializer; use \(usage)", at: expr.range)
                return
            }
            let names = Array(schemes.keys).sorted() + ["uniform", "normal"]
            reportMisspelling(
                "unknown initializer '\(name)'", name: name, at: expr.range, among: names, otherwise: "use \(usage)")
        }
        switch expr.kind {
        case .identifier(let name):
            if let scheme = schemes[name] { return scheme }
            reportUnknown(expr)
            return nil
        case .call(let callee, let arguments):
            guard case .identifier(let name) = callee.kind, name == "uniform" || name == "normal" else {
                reportUnknown(callee)
                return nil
            }
            let labels = name == "uniform" ? ["low", "high"] : ["mean", "std"]
            let slots = labels.map { ArgumentSlot(label: $0, isRequired: true) }
            guard let matched = matchArguments(arguments, to: slots, callee: name, callRange: expr.range) else { return nil }
            var values: [Double] = []
            for case (let argument?, let label) in zip(matched, labels) {
                guard let value = numberLiteral(argument.value) else {
                    error("'\(label)' of \(name) must be a number", at: argument.value.range)
                    return nil
                }
                values.append(value)
            }
            if name == "uniform" {
                guard values[0] < values[1] else {
                    error("uniform needs low < high, but \(values[0]) >= \(values[1])", at: expr.range)
                    return nil
                }
                return .uniform(values[0], values[1])
            }
            guard values[1] > 0 else {
                error("normal needs a positive std, not \(values[1])", at: expr.range)
                return nil
            }
            return .normal(values[0], values[1])
        default:
            reportUnknown(expr)
            return nil
        }
    }

    /// Checks `layer name = Kind(…)`: the kind reads its arguments.
    private func checkLayer(_ layer: LayerDecl) -> CheckedLayer? {
        guard let kind = LayerKinds.all[layer.kind.name] else {
            if !layer.kind.name.isEmpty {
                let kinds = LayerKinds.names
                let supported = kinds.count == 1 ? "the supported kind is \(kinds[0])" : "the supported kinds are \(kinds.joined(separator: ", "))"
                reportMisspelling(
                    "unknown layer kind '\(layer.kind.name)'", name: layer.kind.name, at: layer.kind.range,
                    among: kinds, otherwise: supported)
            }
            return nil
        }
        var reader = LayerArgumentReader(layer, checker: self)
        guard let configured = kind.init(&reader) else { return nil }
        return CheckedLayer(name: layer.name.name, kind: configured, isFrozen: layer.isFrozen, range: layer.range)
    }

    /// The activation an `activation:` value names: `relu`, or a call with constants such as `leakyRelu(0.2)`.
    func layerActivation(_ expr: Expr) -> (builtin: Builtin, constant: Double?)? {
        if expr.isMissing { return nil }
        let names = Builtin.activationNames
        let usage = "use one of \(names.joined(separator: ", "))"
        switch expr.kind {
        case .identifier(let name):
            guard names.contains(name), let builtin = BuiltinForm.unaryForm(named: name)?.builtin else {
                reportMisspelling("unknown activation '\(name)'", name: name, at: expr.range, among: names, otherwise: usage)
                return nil
            }
            return (builtin, builtin.defaultConstant)
        case .call(let callee, let arguments):
            guard case .identifier(let name) = callee.kind, names.contains(name),
                  let form = BuiltinForm.unaryForm(named: name) else {
                error("unknown activation; \(usage)", at: callee.range)
                return nil
            }
            // The layer's output is the implicit first operand.
            let slots = form.slots.dropFirst().map { ArgumentSlot(label: $0.label, isRequired: $0.isRequired) }
            guard let matched = matchArguments(arguments, to: Array(slots), callee: name, callRange: expr.range) else {
                return nil
            }
            guard let option = matched.first ?? nil else { return (form.builtin, form.builtin.defaultConstant) }
            if name == "gelu" {
                return approximation(option.value).map { ($0, nil) }
            }
            guard let value = numberLiteral(option.value) else {
                error("'\(slots[0].label):' must be a number", at: option.value.range)
                return nil
            }
            return (form.builtin, value)
        default:
            error("unknown activation; \(usage)", at: expr.range)
            return nil
        }
    }

    /// A layer's parameters, as its kind lays them out, under the layer's name.
    private func layerParameters(_ layer: CheckedLayer) -> [CheckedParameter] {
        layer.kind.parameters.map { parameter in
            CheckedParameter(
                name: layer.parameterName(parameter.name), shape: parameter.shape, initializer: parameter.initializer,
                isFrozen: layer.isFrozen, isState: parameter.isState, isTransposedInPyTorch: parameter.isTransposedInPyTorch,
                range: layer.range)
        }
    }
}

/// The value of a number literal, possibly negated, such as `0.5` or `-1`.
/// An integer literal such as `2` or `-1`, if `expr` is one (below a million in size).
func integerLiteral(_ expr: Expr) -> Int? {
    // Truncate and compare rather than round: the module doesn't link libm.
    guard let literal = numberLiteral(expr), abs(literal) < 1e6, Double(Int(literal)) == literal else { return nil }
    return Int(literal)
}

func numberLiteral(_ expr: Expr) -> Double? {
    switch expr.kind {
    case .number(let value): return value
    case .negate(let operand): return numberLiteral(operand).map { -$0 }
    default: return nil
    }
}
