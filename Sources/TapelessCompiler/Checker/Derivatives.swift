/// Derivative declarations: `let name = grad(f)`, `let name = jvp(f, wrt: x, y)` and the other
/// kinds of ``DerivativeKind``, at the top level and in models.
extension Checker {
    /// Resolves a derivative (and, first, the derivative it differentiates), reporting invalid
    /// ones once; appends valid ones to `resolvedDerivatives` in dependency order.
    func resolveDerivative(named name: String) -> CheckedDerivative? {
        if let resolved = derivatives[name] { return resolved }
        guard let decl = derivativeDeclarations[name] else { return nil }
        if let start = derivativesInProgress.firstIndex(of: name) {
            let cycle = derivativesInProgress[start...].dropFirst().map { "'\($0)'" }
            let through = cycle.isEmpty ? "" : " through \(cycle.joined(separator: ", "))"
            error("recursion is not supported: '\(name)' differentiates itself\(through)", at: decl.function.range)
            return nil
        }
        derivativesInProgress.append(name)
        let resolved = derivative(from: decl)
        derivativesInProgress.removeLast()
        derivatives[name] = .some(resolved)
        if let resolved {
            resolvedDerivatives.append(resolved)
            callGraph.addCall(from: name, to: resolved.function, at: decl.function.range)
        }
        return resolved
    }

    /// Builds a derivative from its declaration, or reports why it can't be built.
    private func derivative(from decl: DerivativeDecl) -> CheckedDerivative? {
        let target = decl.function.name
        guard !target.isEmpty else { return nil }
        let parameters: [(name: String, type: ValueType?)]
        let outputs: [(name: String, type: ValueType?)]
        var outputRecord: String?
        var root = target
        var order = 0
        if let function = functions[target] {
            guard takesResults(of: function, decl) else { return nil }
            parameters = function.parameters
            outputs = Self.outputs(of: function)
            outputRecord = records.signatures[target]?.result
        } else if derivativeDeclarations[target] != nil {
            guard let inner = resolveDerivative(named: target), let innerOutputs = self.outputs(of: inner, decl) else { return nil }
            parameters = inner.parameters.map { ($0.name, $0.type) }
            outputs = innerOutputs
            root = inner.rootFunction
            order = inner.order
        } else {
            let isModel = models.contains { $0.name == target }
                || models.contains { $0.function(named: target) != nil }
            if isModel {
                error("\(decl.kind) differentiates top-level functions; '\(target)' is a model or a model's function (models are trained with their loss)",
                      at: decl.function.range)
            } else {
                let candidates = functions.keys.sorted() + derivativeDeclarations.keys.sorted()
                reportMisspelling("unknown function '\(target)'", name: target, at: decl.function.range, among: candidates)
            }
            return nil
        }
        guard let typed = typedParameters(parameters), let typedOutputs = typedParameters(outputs) else { return nil }
        return derived(decl, root: root, order: order, parameters: typed, outputs: typedOutputs, record: outputRecord, sizeVariables: nil)
    }

    /// A derivative declared in a model: of one of its functions (or of a derivative declared
    /// before it) with respect to their inputs. The model's functions can call it.
    func modelDerivative(from decl: DerivativeDecl, in model: ModelContext) -> CheckedDerivative? {
        let target = decl.function.name
        guard !target.isEmpty else { return nil }
        let parameters: [(name: String, type: ValueType?)]
        let outputs: [(name: String, type: ValueType?)]
        var outputRecord: String?
        var order = 0
        if let function = model.function(named: target) {
            guard takesResults(of: function, decl) else { return nil }
            parameters = function.parameters
            outputs = Self.outputs(of: function)
            outputRecord = records.signatures["\(model.name).\(target)"]?.result
        } else if let inner = model.derivatives.first(where: { $0.name == target }) {
            guard let innerOutputs = self.outputs(of: inner, decl) else { return nil }
            parameters = inner.parameters.map { ($0.name, $0.type) }
            outputs = innerOutputs
            order = inner.order
        } else {
            if !model.invalidMembers.contains(target) {
                let candidates = model.functionsInOrder.map(\.name) + model.derivatives.map(\.name)
                reportMisspelling("'\(model.name)' has no function '\(target)'", name: target, at: decl.function.range, among: candidates)
            }
            return nil
        }
        callGraph.addCall(from: model.key(of: decl.name.name), to: model.key(of: target), at: decl.function.range)
        guard let typed = typedParameters(parameters), let typedOutputs = typedParameters(outputs) else { return nil }
        return derived(decl, root: target, order: order, parameters: typed, outputs: typedOutputs, record: outputRecord, sizeVariables: nil)
    }

    /// Whether `decl` can differentiate `function`: one returning a tuple only by `jvp` or
    /// `vjp` (reported otherwise).
    private func takesResults(of function: FunctionSignature, _ decl: DerivativeDecl) -> Bool {
        guard function.decl.returnType.isTuple, !decl.kind.takesSeveralResults else { return true }
        error("\(decl.kind) differentiates a function that returns one value; '\(function.name)' returns a tuple \(function.resultList). "
              + "Take its jvp or vjp, which take every value, or differentiate a function that returns the value you need, "
              + "such as one that calls '\(function.name)' and returns one of its values",
              at: decl.function.range)
        return false
    }

    /// The results `decl` differentiates of the derivative `inner`: its one value, or (for
    /// `jvp` and `vjp`, reported otherwise) every value of its tuple.
    private func outputs(of inner: CheckedDerivative, _ decl: DerivativeDecl) -> [(name: String, type: ValueType?)]? {
        if let single = inner.returnType { return [("value", single)] }
        guard decl.kind.takesSeveralResults else {
            error("cannot differentiate '\(inner.name)' with \(decl.kind): it returns a tuple \(inner.resultList); differentiate a derivative with one result, as 'grad(\(inner.function), wrt: \(inner.parameters[inner.withRespectTo[0]].name))' gives, or take its jvp or vjp",
                  at: decl.function.range)
            return nil
        }
        return inner.results.map { ($0.name, $0.type) }
    }

    /// The results a derivative of `function` differentiates: `value` alone, or a tuple's
    /// values by their labels.
    private static func outputs(of function: FunctionSignature) -> [(name: String, type: ValueType?)] {
        function.decl.returnType.isTuple ? function.results : [("value", function.returnType)]
    }

    private func typedParameters(_ parameters: [(name: String, type: ValueType?)]) -> [(name: String, type: ValueType)]? {
        var typed: [(name: String, type: ValueType)] = []
        for parameter in parameters {
            guard let type = parameter.type else { return nil }
            typed.append((parameter.name, type))
        }
        return typed
    }

    /// The derivative `decl` asks for, of a function (of derivative order `order`) with these
    /// arguments and result, or `nil` after reporting why it can't be derived.
    /// `outputs` are the function's results: `value` alone, or (for `jvp` and `vjp` only) the
    /// values of a tuple by their labels, or the fields of the `record` it returned.
    ///
    /// What a record's fields become is named like the fields, so that the Swift can gather them
    /// into that record again (see `RecordEmitter`): the tangent of an argument's field
    /// `s.position` is `sTangent.position`; a returned record's fields are `value.position`,
    /// their tangents `tangent.position` and their output gradients `outputGradient.position`.
    private func derived(
        _ decl: DerivativeDecl, root: String, order: Int, parameters: [(name: String, type: ValueType)],
        outputs: [(name: String, type: ValueType)], record: String?, sizeVariables: [String]?
    ) -> CheckedDerivative? {
        let kind = decl.kind
        let target = decl.function.name
        let returnType = outputs[0].type
        let isTuple = outputs.count > 1 || record != nil
        switch kind {
        case .grad, .valueAndGrad, .hvp, .hessian:
            guard returnType.isFloatScalar else {
                let hint = returnType.element == .float ? "; for a tensor result, vjp gives its pullback, jvp its derivative along a tangent and jacobian every derivative" : ""
                error("\(kind) needs a function that returns Float; '\(target)' returns \(returnType)\(hint)", at: decl.function.range)
                return nil
            }
        case .vjp, .jvp, .jacobian:
            if let output = outputs.first(where: { $0.type.element != .float }) {
                let what = isTuple ? "its value '\(output.name)' is \(output.type)" : "'\(target)' returns \(returnType)"
                error("\(kind) needs a function that returns Float values; \(what), which has no derivative", at: decl.function.range)
                return nil
            }
        }
        guard let withRespectTo = differentiatedArguments(of: parameters, decl: decl) else { return nil }
        let differentiated = withRespectTo.map { parameters[$0] }
        var taken = Set(parameters.map(\.name))
        /// `base`, or `base2`, `base3`… when an argument already has that name.
        func fresh(_ base: String) -> String {
            var name = base
            var suffix = 2
            while taken.contains(name) { (name, suffix) = (base + String(suffix), suffix + 1) }
            taken.insert(name)
            return name
        }
        /// `name` + `suffix`, or for a record's field `s.position`, `sSuffix.position`.
        func suffixed(_ name: String, _ suffix: String) -> String {
            guard let dot = name.firstIndex(of: ".") else { return name + suffix }
            return name[..<dot] + suffix + name[dot...]
        }
        /// The name of a value's `role` (`tangent`, `outputGradient`): one value's is the role
        /// itself, a tuple's value `mean` has `meanTangent`, a record's field `value.position`
        /// has `tangent.position`.
        func named(_ output: String, _ role: String) -> String {
            guard isTuple else { return role }
            guard record == nil else { return role + output.dropFirst("value".count) }
            return output + role.prefix(1).uppercased() + role.dropFirst()
        }
        let values = record == nil ? outputs : outputs.map { ("value." + $0.name, $0.type) }
        let added: [(name: String, type: ValueType)]
        let results: [(name: String, type: ValueType)]
        switch kind {
        case .grad: (added, results) = ([], differentiated)
        case .valueAndGrad: (added, results) = ([], [("value", returnType)] + differentiated)
        case .vjp:
            added = values.map { (fresh(named($0.name, "outputGradient")), $0.type) }
            // The gradient of an argument named like a value (a gradient's own vjp) is `aGradient`.
            let labels = Set(values.map(\.name))
            results = values + differentiated.map { labels.contains($0.name) ? ($0.name + "Gradient", $0.type) : $0 }
        case .jvp:
            added = differentiated.map { (fresh(suffixed($0.name, "Tangent")), $0.type) }
            results = values + values.map { (named($0.name, "tangent"), $0.type) }
        case .hvp: (added, results) = (differentiated.map { (fresh(suffixed($0.name, "Tangent")), $0.type) }, differentiated)
        case .jacobian, .hessian:
            let leading = kind == .jacobian ? returnType.shape : nil
            results = differentiated.map { ($0.name, ValueType(element: .float, shape: (leading ?? $0.type.shape) + $0.type.shape)) }
            added = []
            // A batch of basis vectors runs along one axis: of the argument's elements (forward
            // mode, the only one for a Hessian) or of the result's (reverse mode).
            let resultCount = kind == .jacobian ? IRDimension.product(returnType.shape) : nil
            for argument in differentiated where IRDimension.product(argument.type.shape) == nil && resultCount == nil {
                let counted = kind == .jacobian ? "'\(argument.name)' (\(argument.type)) or of the result (\(returnType))" : "'\(argument.name)' (\(argument.type))"
                error("\(kind)(\(target)) needs the number of elements of \(counted) known when the package builds, or a single size variable such as [n]",
                      at: decl.function.range)
                return nil
            }
        }
        // A value's label and an argument's gradient, or a value's tangent, can't share a label.
        for (index, result) in results.enumerated() where results[..<index].contains(where: { $0.name == result.name }) {
            let clash = differentiated.contains { $0.name == result.name }
                ? "besides the gradient of the argument '\(result.name)'; rename the argument" : "twice; rename one of the values"
            error("\(kind)(\(target)) returns a result labeled '\(result.name)' \(clash)", at: decl.function.range)
            return nil
        }
        let all = parameters + added
        var variables = sizeVariables ?? []
        if sizeVariables == nil {
            for parameter in all { variables.append(contentsOf: parameter.type.sizeVariables.filter { !variables.contains($0) }) }
        }
        return CheckedDerivative(
            name: decl.name.name, kind: kind, function: target, rootFunction: root, withRespectTo: withRespectTo,
            parameters: all, results: results, sizeVariables: variables,
            order: order + (kind == .hvp ? 2 : 1), range: decl.range)
    }

    /// The indices of the arguments to differentiate: those after `wrt:` in increasing order,
    /// or every Float argument.
    private func differentiatedArguments(of parameters: [(name: String, type: ValueType)], decl: DerivativeDecl) -> [Int]? {
        let target = decl.function.name
        guard !decl.withRespectTo.isEmpty else {
            let indices = parameters.indices.filter { parameters[$0].type.element == .float }
            if indices.isEmpty {
                error("'\(target)' has no Float arguments to differentiate with respect to", at: decl.function.range)
                return nil
            }
            return indices
        }
        var indices: [Int] = []
        for wrt in decl.withRespectTo {
            guard !wrt.name.isEmpty else { return nil }
            guard let index = parameters.firstIndex(where: { $0.name == wrt.name }) else {
                reportMisspelling(
                    "'\(target)' has no argument '\(wrt.name)'", name: wrt.name, at: wrt.range, among: parameters.map(\.name))
                return nil
            }
            guard parameters[index].type.element == .float else {
                error("cannot differentiate with respect to '\(wrt.name)': it is \(parameters[index].type), and Int arguments are never differentiated",
                      at: wrt.range)
                return nil
            }
            guard !indices.contains(index) else {
                error("'\(wrt.name)' is listed twice after 'wrt:'", at: wrt.range)
                return nil
            }
            indices.append(index)
        }
        return indices.sorted()
    }
}
