/// `let name = grad(f)` and `let name = grad(f, wrt: x)`.
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
        var parameters: [(name: String, type: ValueType?)]
        let returnType: ValueType?
        var root = target
        var order = 1
        if let function = functions[target] {
            parameters = function.parameters
            returnType = function.returnType
            guard returnType != nil else { return nil }
        } else if derivativeDeclarations[target] != nil {
            guard let inner = resolveDerivative(named: target) else { return nil }
            guard let single = inner.returnType else {
                let first = inner.parameters[inner.withRespectTo[0]].name
                error("cannot differentiate '\(target)': it returns a tuple of \(inner.resultTypes.count) gradients; declare it with grad(\(inner.function), wrt: \(first)) to get one gradient",
                      at: decl.function.range)
                return nil
            }
            parameters = inner.parameters.map { ($0.name, $0.type) }
            returnType = single
            root = inner.rootFunction
            order = inner.order + 1
        } else {
            let isModel = models.contains { $0.name == target }
                || models.contains { $0.function(named: target) != nil }
            if isModel {
                error("grad differentiates top-level functions; '\(target)' is a model or a model's function (models are trained with their loss)",
                      at: decl.function.range)
            } else {
                let candidates = functions.keys.sorted() + derivativeDeclarations.keys.sorted()
                reportMisspelling("unknown function '\(target)'", name: target, at: decl.function.range, among: candidates)
            }
            return nil
        }
        guard let returnType else { return nil }
        guard returnType.isFloatScalar else {
            error("grad needs a function that returns Float; '\(target)' returns \(returnType)", at: decl.function.range)
            return nil
        }
        var typed: [(name: String, type: ValueType)] = []
        for parameter in parameters {
            guard let type = parameter.type else { return nil }
            typed.append((parameter.name, type))
        }
        guard let withRespectTo = differentiatedArguments(of: typed, decl: decl) else { return nil }
        var sizeVariables: [String] = []
        for parameter in typed {
            sizeVariables.append(contentsOf: parameter.type.sizeVariables.filter { !sizeVariables.contains($0) })
        }
        return CheckedDerivative(
            name: decl.name.name, function: target, rootFunction: root, withRespectTo: withRespectTo,
            parameters: typed, resultTypes: withRespectTo.map { typed[$0].type }, sizeVariables: sizeVariables,
            order: order, range: decl.range)
    }

    /// The indices of the arguments to differentiate: `wrt:`, or every Float argument.
    func differentiatedArguments(
        of parameters: [(name: String, type: ValueType)], decl: DerivativeDecl
    ) -> [Int]? {
        let target = decl.function.name
        guard let wrt = decl.withRespectTo else {
            let indices = parameters.indices.filter { parameters[$0].type.element == .float }
            if indices.isEmpty {
                error("'\(target)' has no Float arguments to differentiate with respect to", at: decl.function.range)
                return nil
            }
            return indices
        }
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
        return [index]
    }

    /// A derivative declared in a model: a method's gradient with respect to its inputs.
    func modelDerivative(from decl: DerivativeDecl, in model: ModelContext) -> CheckedDerivative? {
        let target = decl.function.name
        guard !target.isEmpty else { return nil }
        guard let function = model.function(named: target) else {
            let candidates = model.functionsInOrder.map(\.name)
            reportMisspelling("'\(model.name)' has no function '\(target)'", name: target, at: decl.function.range, among: candidates)
            return nil
        }
        guard let returnType = function.returnType else { return nil }
        guard returnType.isFloatScalar else {
            error("grad needs a function that returns Float; '\(target)' returns \(returnType)", at: decl.function.range)
            return nil
        }
        var typed: [(name: String, type: ValueType)] = []
        for parameter in function.parameters {
            guard let type = parameter.type else { return nil }
            typed.append((parameter.name, type))
        }
        guard let withRespectTo = differentiatedArguments(of: typed, decl: decl) else { return nil }
        return CheckedDerivative(
            name: decl.name.name, function: target, rootFunction: target, withRespectTo: withRespectTo,
            parameters: typed, resultTypes: withRespectTo.map { typed[$0].type }, sizeVariables: function.sizeVariables,
            order: 1, range: decl.range)
    }
}
