/// Expressions: names, members, operators and subscripts. Calls are in `Calls.swift`.
extension Checker {
    /// Infers an expression's type, records it and its resolution; `nil` is the error type,
    /// meaning a diagnostic was already reported and nothing more should be said about it.
    @discardableResult
    func checkExpression(_ expr: Expr, in context: inout BodyContext) -> ValueType? {
        let type: ValueType?
        switch expr.kind {
        case .number:
            type = .scalar
        case .identifier(let name):
            type = expr.isMissing ? nil : checkIdentifier(name, expr, in: &context)
        case .member(let base, let member):
            type = checkMember(base, member, expr, in: &context)
        case .call(let callee, let arguments):
            type = checkCall(callee, arguments, expr, in: &context)
        case .negate(let operand):
            type = requireFloat(checkExpression(operand, in: &context), operand)
            resolutions[expr.id] = .builtin(ResolvedCall(builtin: .negate, operands: [operand]))
        case .not(let operand):
            type = requireBool(checkExpression(operand, in: &context), operand, operator: "!")
            resolutions[expr.id] = .builtin(ResolvedCall(builtin: .logicalNot, operands: [operand]))
        case .binary(let op, let left, let right):
            type = checkBinary(op, left, right, expr, in: &context)
        case .index(let base, let indices):
            type = checkSubscript(base, indices, expr, in: &context)
        case .tuple(let elements):
            error("a tuple is only a function's result or the value of 'let (a, b) = …'; use each value by its own name",
                  at: expr.range)
            for element in elements { checkExpression(element.value, in: &context) }
            type = nil
        }
        // Broadcasting and products can build a shape larger than any operand's.
        if let type, !type.isWithinSizeLimit {
            error(ValueType.sizeLimitMessage("this expression's shape \(type)"), at: expr.range)
            return nil
        }
        if let type { types[expr.id] = type }
        return type
    }

    /// Rejects Int and Bool values where Float values are needed; passes Float types through.
    func requireFloat(_ type: ValueType?, _ expr: Expr) -> ValueType? {
        guard let type else { return nil }
        switch type.element {
        case .float:
            return type
        case .int:
            error("integer tensors (\(type)) can only be passed to crossEntropy, gather, an Embedding layer or a function taking \(type); they have no arithmetic",
                  at: expr.range)
        case .bool:
            error("a comparison gives \(type), which can only be a condition: of 'if', or of where(condition, a, b)", at: expr.range)
        }
        return nil
    }

    /// The value of the named constant `name` as a body sees it: the model's own, else a
    /// top-level one the model does not hide with a member of that name.
    func constant(named name: String, in context: BodyContext) -> Double? {
        context.model?.constants[name] ?? (context.model?.declarations[name] == nil ? constants[name] : nil)
    }

    /// Rejects values other than Bool (comparisons) where a logical operator needs them.
    private func requireBool(_ type: ValueType?, _ expr: Expr, operator spelling: String) -> ValueType? {
        guard let type else { return nil }
        guard type.element == .bool else {
            let verb = spelling == "!" ? "negates a condition" : "combines conditions"
            error("'\(spelling)' \(verb) such as 'e > 0', not a value of type \(type)", at: expr.range)
            return nil
        }
        return type
    }

    /// A name used as a value: a local, an argument or a model parameter.
    private func checkIdentifier(_ name: String, _ expr: Expr, in context: inout BodyContext) -> ValueType? {
        if context.loopCounts[name] != nil {
            error("the loop index '\(name)' can only pick positions in subscripts, as in 'x[:, \(name)]'", at: expr.range)
            return nil
        }
        if let local = context.locals[name] {
            context.locals[name]?.isUsed = true
            resolutions[expr.id] = .local(name)
            return local.type
        }
        if let index = context.signature.parameters.firstIndex(where: { $0.name == name }) {
            resolutions[expr.id] = .argument(index)
            return context.signature.parameters[index].type
        }
        if let value = constant(named: name, in: context) {
            resolutions[expr.id] = .constant(value)
            return .scalar
        }
        if invalidConstants.contains(name), context.model?.declarations[name] == nil { return nil }
        if let model = context.model {
            if let parameter = model.parameter(named: name) {
                resolutions[expr.id] = .parameter(name)
                return parameter.type
            }
            if model.invalidMembers.contains(name) { return nil }
            if let layer = model.layer(named: name) {
                let parameters = layer.kind.parameters.map { "\(layer.parameterName($0.name)) \(ValueType.tensor($0.shape.map(Dimension.fixed)))" }
                error("'\(name)' is a layer; apply it with \(name)(x) or use its parameters: \(parameters.joined(separator: ", "))",
                      at: expr.range)
                return nil
            }
        }
        if isCallable(name, in: context) {
            error("'\(name)' is a function; call it with arguments, such as \(name)(x)", at: expr.range)
        } else if let later = context.signature.decl.body.statements.boundNames.first(where: { $0.name == name }),
                  later.range.start > expr.range.start {
            error("'\(name)' is used before its declaration at \(later.range.start); move the 'let' earlier",
                  at: expr.range)
        } else if let earlier = context.signature.decl.body.statements.boundNames.first(where: { $0.name == name }) {
            let construct = context.signature.decl.body.statements.construct(binding: name) ?? "loop"
            error("'\(name)' is declared inside the \(construct) at \(earlier.range.start) and exists only there; declare it with 'var' before the \(construct) and assign it inside",
                  at: expr.range)
        } else if context.signature.sizeVariables.contains(name) {
            error("'\(name)' is a size variable; sizes can't be used as values", at: expr.range)
        } else if context.model == nil, models.contains(where: { $0.parameter(named: name) != nil }) {
            error("unknown name '\(name)'; model parameters are visible only inside their model's functions", at: expr.range)
        } else if ["true", "false", "True", "False"].contains(name) {
            error("the language has no Bool literals such as '\(name)'; write a comparison, such as 'x > 0'", at: expr.range)
        } else {
            reportMisspelling("unknown name '\(name)'", name: name, at: expr.range, among: valueNames(in: context))
        }
        return nil
    }

    /// The names usable as values in a body, for suggestions.
    private func valueNames(in context: BodyContext) -> [String] {
        context.locals.keys.sorted() + context.signature.parameters.map(\.name)
            + (context.model?.parameters.map(\.name).filter { !$0.contains(".") } ?? [])
            + (context.model?.constants.keys.sorted() ?? []) + constants.keys.sorted()
    }

    /// `layer.weight` or `layer.bias`.
    private func checkMember(_ base: Expr, _ member: Identifier, _ expr: Expr, in context: inout BodyContext) -> ValueType? {
        guard case .identifier(let name) = base.kind, !base.isMissing else {
            // A base already reported (a call returning a tuple, most often) is not reported again.
            if !base.isMissing, checkExpression(base, in: &context) != nil {
                error("only layers have members, such as fc1.weight", at: member.range)
            }
            return nil
        }
        let isShadowed = context.locals[name] != nil || context.signature.parameters.contains { $0.name == name }
        guard !isShadowed, let model = context.model, model.layer(named: name) != nil || model.invalidMembers.contains(name) else {
            if isShadowed || context.model?.parameter(named: name) != nil {
                error("'\(name)' is not a layer; only layers have members, such as fc1.weight", at: base.range)
            } else {
                let layers = context.model?.layers.map(\.name) ?? []
                reportMisspelling("unknown layer '\(name)'", name: name, at: base.range, among: layers)
            }
            return nil
        }
        if model.invalidMembers.contains(name) || member.name.isEmpty { return nil }
        guard let parameter = model.parameter(named: "\(name).\(member.name)") else {
            reportMisspelling(
                "layer '\(name)' has no member '\(member.name)'", name: member.name, at: member.range,
                among: ["weight", "bias"], otherwise: "its members are weight and bias")
            return nil
        }
        resolutions[expr.id] = .parameter(parameter.name)
        return parameter.type
    }

    /// Arithmetic (with broadcasting), comparisons and `@`.
    private func checkBinary(
        _ op: BinaryOperator, _ left: Expr, _ right: Expr, _ expr: Expr, in context: inout BodyContext
    ) -> ValueType? {
        /// The builtin, and the verb of a broadcasting error (`cannot add A and B`).
        let (builtin, verb): (Builtin, String)
        switch op {
        case .add: (builtin, verb) = (.add, "add")
        case .subtract: (builtin, verb) = (.subtract, "subtract")
        case .multiply: (builtin, verb) = (.multiply, "multiply")
        case .divide: (builtin, verb) = (.divide, "divide")
        case .matrixMultiply: (builtin, verb) = (.matmul, "multiply")
        case .less: (builtin, verb) = (.less, "compare")
        case .lessEqual: (builtin, verb) = (.lessEqual, "compare")
        case .greater: (builtin, verb) = (.greater, "compare")
        case .greaterEqual: (builtin, verb) = (.greaterEqual, "compare")
        case .equal: (builtin, verb) = (.equal, "compare")
        case .notEqual: (builtin, verb) = (.notEqual, "compare")
        case .and: return checkLogical(.logicalAnd, op, left, right, expr, in: &context)
        case .or: return checkLogical(.logicalOr, op, left, right, expr, in: &context)
        }
        resolutions[expr.id] = .builtin(ResolvedCall(builtin: builtin, operands: [left, right]))
        let leftType = requireFloat(checkExpression(left, in: &context), left)
        let rightType = requireFloat(checkExpression(right, in: &context), right)
        guard let leftType, let rightType else { return nil }
        if builtin == .matmul {
            return matrixProduct(leftType, rightType, at: expr.range)
        }
        guard let shape = broadcast(leftType, rightType, verb: verb, at: expr.range) else {
            return nil
        }
        return ValueType(element: op.isComparison ? .bool : .float, shape: shape)
    }

    /// `a && b` or `a || b` of Bool values, with broadcasting.
    private func checkLogical(
        _ builtin: Builtin, _ op: BinaryOperator, _ left: Expr, _ right: Expr, _ expr: Expr, in context: inout BodyContext
    ) -> ValueType? {
        resolutions[expr.id] = .builtin(ResolvedCall(builtin: builtin, operands: [left, right]))
        let leftType = requireBool(checkExpression(left, in: &context), left, operator: op.rawValue)
        let rightType = requireBool(checkExpression(right, in: &context), right, operator: op.rawValue)
        guard let leftType, let rightType,
              let shape = broadcast(leftType, rightType, verb: "combine", at: expr.range) else { return nil }
        return ValueType(element: .bool, shape: shape)
    }

    /// The broadcast shape of two operands, reporting `cannot <verb> A and B: dimension …`.
    func broadcast(_ left: ValueType, _ right: ValueType, verb: String, at range: SourceRange) -> [Dimension]? {
        switch ShapeRules.broadcast(left.shape, right.shape) {
        case .success(let shape):
            return shape
        case .failure(let mismatch):
            error("cannot \(verb) \(left) and \(right): dimension \(mismatch.axis) is \(mismatch.left) on the left and \(mismatch.right) on the right",
                  at: range)
            return nil
        }
    }

    /// The type of `left @ right`, reporting operands that don't multiply.
    func matrixProduct(_ left: ValueType, _ right: ValueType, at range: SourceRange) -> ValueType? {
        switch ShapeRules.matrixProduct(left.shape, right.shape) {
        case .success(let shape):
            return .tensor(shape)
        case .failure(let failure):
            error(failure.message, at: range)
            return nil
        }
    }

    /// `x[:, 0]`, `x[0..<2]`: integers remove an axis, `:` and ranges keep it.
    private func checkSubscript(
        _ base: Expr, _ indices: [SubscriptIndex], _ expr: Expr, in context: inout BodyContext
    ) -> ValueType? {
        guard let baseType = requireFloat(checkExpression(base, in: &context), base) else { return nil }
        guard indices.count <= baseType.rank else {
            error("too many indices: \(baseType) has rank \(baseType.rank) but \(indices.count) indices were given",
                  at: expr.range)
            return nil
        }
        var shape: [Dimension] = []
        var normalized: [SubscriptIndex] = []
        var isValid = true
        for (axis, index) in indices.enumerated() {
            let dimension = baseType.shape[axis]
            if case .size(let name) = dimension, index != .all(index.range) {
                // The bounds could not be checked before the function runs.
                error("cannot pick positions along dimension \(axis) of \(baseType): its size '\(name)' is only known when the function is called; use ':' for that dimension",
                      at: index.range)
                isValid = false
                continue
            }
            let size: Int? = if case .fixed(let size) = dimension { size } else { nil }
            switch index {
            case .all:
                shape.append(dimension)
                normalized.append(index)
            case .index(let position, let range):
                guard let size, let inBounds = ShapeRules.normalizedAxis(position, rank: size) else {
                    error("index \(position) is out of range for dimension \(axis) of size \(size ?? 0)", at: range)
                    isValid = false
                    continue
                }
                normalized.append(.index(inBounds, range))
            case .range(let lower, let upper, let range):
                guard lower >= 0, lower < upper else {
                    error("the range \(lower)..<\(upper) must be nonempty with nonnegative bounds", at: range)
                    isValid = false
                    continue
                }
                if let size, upper > size {
                    error("the range \(lower)..<\(upper) is out of range for dimension \(axis) of size \(size)", at: range)
                    isValid = false
                    continue
                }
                shape.append(.fixed(upper - lower))
                normalized.append(index)
            case .strided(let lower, let upper, let step, let range):
                let (first, end) = (lower ?? 0, upper ?? size ?? 0)
                guard step >= 1 else {
                    error("the step of a subscript must be a positive integer, not \(step)", at: range)
                    isValid = false
                    continue
                }
                guard first >= 0, first < end, end <= size ?? 0 else {
                    error("the range \(first)..<\(end) must be nonempty and within dimension \(axis) of size \(size ?? 0)", at: range)
                    isValid = false
                    continue
                }
                shape.append(.fixed((end - first + step - 1) / step))
                normalized.append(.strided(first, end, by: step, range))
            case .position(let position):
                guard let value = loopPosition(position, of: base, in: context) else {
                    isValid = false
                    continue
                }
                let bounds = value.bounds(counts: context.loopCounts)
                guard bounds.lowerBound >= 0, bounds.upperBound < size ?? 0 else {
                    error("this position runs from \(bounds.lowerBound) to \(bounds.upperBound) over its loops, out of range for dimension \(axis) of size \(size ?? 0)",
                          at: position.range)
                    isValid = false
                    continue
                }
                positions[position.id] = value
                normalized.append(index)
            }
        }
        guard isValid else { return nil }
        shape.append(contentsOf: baseType.shape.dropFirst(indices.count))
        resolutions[expr.id] = .index(base, normalized)
        return .tensor(shape)
    }
}
