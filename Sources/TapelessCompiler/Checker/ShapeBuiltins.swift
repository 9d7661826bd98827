/// The builtins that take a list of sizes, axes or tensors after their first argument, as
/// PyTorch's methods do: `reshape(x, 2, -1)`, `permute(x, 0, 2, 1)`, `pad(x, 1, 1)`,
/// `concat(a, b, axis: 1)` and `stack(a, b, axis: 0)`.
/// One of these builtins: its spelling, its example and what it resolves to.
enum ShapeBuiltin: String, CaseIterable {
    case reshape, permute, pad, concat, stack

    var builtin: Builtin {
        switch self {
        case .reshape: .reshape
        case .permute: .permute
        case .pad: .pad
        case .concat: .concat
        case .stack: .stack
        }
    }

    /// A call as the guide writes it, for messages.
    var example: String {
        switch self {
        case .reshape: "reshape(x, batch, -1)"
        case .permute: "permute(x, 0, 2, 1)"
        case .pad: "pad(x, 1, 1, 2, 2)"
        case .concat: "concat(a, b, axis: 1)"
        case .stack: "stack(a, b, axis: 0)"
        }
    }

    /// What follows the tensor in a call of one tensor; `nil` for those that join tensors.
    var listedAfterTensor: String? {
        switch self {
        case .reshape: "new sizes"
        case .permute: "axes in their new order"
        case .pad: "zeros before and after the last axes"
        case .concat, .stack: nil
        }
    }
}

extension Checker {
    /// Their names in source.
    static let shapeBuiltinNames = ShapeBuiltin.allCases.map(\.rawValue)

    /// A call of one of ``shapeBuiltinNames``: checks its arguments, records the
    /// ``ResolvedCall`` and returns the result type.
    func checkShapeBuiltin(_ name: String, _ arguments: [Argument], _ expr: Expr, in context: inout BodyContext) -> ValueType? {
        guard let shapeBuiltin = ShapeBuiltin(rawValue: name) else { preconditionFailure("'\(name)' is not a shape builtin") }
        let positional = arguments.filter { $0.label == nil }
        let labeled = arguments.filter { $0.label != nil }
        let allowedLabel = shapeBuiltin.listedAfterTensor == nil ? "axis" : nil
        for argument in labeled where argument.label?.name != allowedLabel {
            let label = argument.label!
            let usage = allowedLabel.map { "its only label is '\($0):'" } ?? "it takes no labels"
            error("\(name) has no argument '\(label.name):'; \(usage)", at: label.range)
            checkStrayArguments(arguments, in: &context)
            return nil
        }
        guard let first = positional.first else {
            error("\(name) needs a tensor first, as in \(shapeBuiltin.example)", at: expr.range)
            return nil
        }
        var call = ResolvedCall(builtin: shapeBuiltin.builtin, operands: [first.value])
        let type: ValueType?
        if let what = shapeBuiltin.listedAfterTensor {
            guard let x = requireFloat(checkExpression(first.value, in: &context), first.value) else { return nil }
            let sizes = positional.dropFirst().map(\.value)
            guard !sizes.isEmpty else {
                error("\(name) needs the \(what) after the tensor, as in \(shapeBuiltin.example)", at: expr.range)
                return nil
            }
            type = switch shapeBuiltin {
            case .reshape: reshapedType(x, sizes, in: context, at: expr.range)
            case .permute: permutedType(x, sizes, &call, at: expr.range)
            case .pad: paddedType(x, sizes, &call, at: expr.range)
            case .concat, .stack: preconditionFailure("\(name) joins tensors")
            }
        } else {
            var types: [ValueType] = []
            for argument in positional {
                guard let type = requireFloat(checkExpression(argument.value, in: &context), argument.value) else { return nil }
                types.append(type)
            }
            guard types.count >= 2 else {
                error("\(name) needs at least two tensors, as in \(shapeBuiltin.example)", at: expr.range)
                return nil
            }
            call.operands = positional.map(\.value)
            type = joinedType(name, types, axis: labeled.first?.value, &call, at: expr.range)
        }
        guard let type else { return nil }
        resolutions[expr.id] = .builtin(call)
        return type
    }

    /// `reshape(x, sizes…)`: each size a positive integer, a size variable of the function, or
    /// one `-1` for what the others leave; size variables must stay (only fixed sizes regroup).
    private func reshapedType(_ x: ValueType, _ sizes: [Expr], in context: BodyContext, at range: SourceRange) -> ValueType? {
        let variables = Set(context.signature.parameters.compactMap(\.type).flatMap(\.shape).compactMap(\.sizeName))
        var shape: [Dimension?] = []
        for size in sizes {
            if case .identifier(let variable) = size.kind, variables.contains(variable) {
                shape.append(.size(variable))
            } else if let number = integerLiteral(size), number >= 1 || number == -1 {
                shape.append(number == -1 ? nil : .fixed(number))
            } else {
                error("a size of reshape must be a positive integer, a size variable of the function or -1, not this", at: size.range)
                return nil
            }
        }
        guard shape.filter({ $0 == nil }).count <= 1 else {
            error("reshape takes at most one -1 (the size the others leave)", at: range)
            return nil
        }
        let oldVariables = x.shape.compactMap(\.sizeName).sorted(), newVariables = shape.compactMap { $0?.sizeName }.sorted()
        guard oldVariables == newVariables else {
            let described = { (names: [String]) in names.isEmpty ? "none" : names.joined(separator: ", ") }
            error("reshape regroups only fixed sizes and keeps each size variable: \(x) has \(described(oldVariables)), the new shape \(described(newVariables))",
                  at: range)
            return nil
        }
        let oldCount = x.shape.compactMap(\.fixedValue).reduce(1, *)
        let newCount = shape.compactMap { $0?.fixedValue }.reduce(1, *)
        if shape.contains(where: { $0 == nil }) {
            guard oldCount % newCount == 0 else {
                error("reshape cannot fill -1: \(x) holds \(oldCount) elements per size variable, not a multiple of \(newCount)", at: range)
                return nil
            }
            return .tensor(shape.map { $0 ?? .fixed(oldCount / newCount) })
        }
        guard oldCount == newCount else {
            error("reshape cannot make \(x) into [\(shape.map { $0!.description }.joined(separator: ", "))]: the element counts differ", at: range)
            return nil
        }
        return .tensor(shape.map { $0! })
    }

    /// `permute(x, axes…)`: the axes of `x`, each once, in their new order.
    private func permutedType(_ x: ValueType, _ axes: [Expr], _ call: inout ResolvedCall, at range: SourceRange) -> ValueType? {
        let permutation = axes.map { integerLiteral($0).flatMap { ShapeRules.normalizedAxis($0, rank: x.rank) } }
        guard axes.count == x.rank, !permutation.contains(nil), Set(permutation.compactMap { $0 }).count == x.rank else {
            error("permute needs each of the \(x.rank) axes of \(x) once, as integers in their new order, such as permute(x, \((0..<x.rank).reversed().map(String.init).joined(separator: ", ")))",
                  at: range)
            return nil
        }
        call.permutation = permutation.compactMap { $0 }
        return .tensor(call.permutation!.map { x.shape[$0] })
    }

    /// `pad(x, before, after, …)`: PyTorch's `F.pad`: zeros before and after the last axis,
    /// then the one before it, and so on; each padded axis of fixed size.
    private func paddedType(_ x: ValueType, _ sizes: [Expr], _ call: inout ResolvedCall, at range: SourceRange) -> ValueType? {
        let amounts = sizes.map { integerLiteral($0) }
        guard amounts.count % 2 == 0, amounts.count <= 2 * x.rank, amounts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            error("pad takes pairs of nonnegative integers, zeros before and after, for at most the \(x.rank) axes of \(x) from the last, as in pad(x, 1, 1)",
                  at: range)
            return nil
        }
        var padding = [Int](repeating: 0, count: 2 * x.rank)
        var shape = x.shape
        for pair in 0..<(amounts.count / 2) {
            let axis = x.rank - 1 - pair
            let (before, after) = (amounts[2 * pair]!, amounts[2 * pair + 1]!)
            guard let size = x.shape[axis].fixedValue else {
                error("pad adds zeros along fixed sizes, and axis \(axis) of \(x) is a size variable", at: range)
                return nil
            }
            (padding[2 * axis], padding[2 * axis + 1]) = (before, after)
            shape[axis] = .fixed(size + before + after)
        }
        call.padding = padding
        return .tensor(shape)
    }

    /// `concat(tensors…, axis:)` joins along an existing axis (fixed along it in every tensor);
    /// `stack(tensors…, axis:)` along a new one, all tensors the same shape. The axis defaults to 0.
    private func joinedType(_ name: String, _ types: [ValueType], axis: Expr?, _ call: inout ResolvedCall, at range: SourceRange) -> ValueType? {
        let first = types[0]
        let rank = name == "concat" ? first.rank : first.rank + 1
        var normalized = 0
        if let axis {
            guard let literal = integerLiteral(axis), let value = ShapeRules.normalizedAxis(literal, rank: rank) else {
                error("'axis:' of \(name) must be an integer literal from \(-rank) to \(rank - 1)", at: axis.range)
                return nil
            }
            normalized = value
        }
        call.axis = normalized
        if name == "stack" {
            guard types.allSatisfy({ $0 == first }) else {
                error("stack needs tensors of one shape, not \(types.map(\.description).joined(separator: ", "))", at: range)
                return nil
            }
            var shape = first.shape
            shape.insert(.fixed(types.count), at: normalized)
            return .tensor(shape)
        }
        let others = { (type: ValueType) in type.shape.enumerated().filter { $0.offset != normalized }.map(\.element) }
        guard first.rank >= 1, types.allSatisfy({ $0.rank == first.rank && others($0) == others(first) }) else {
            error("concat needs tensors whose shapes differ only along axis \(normalized), not \(types.map(\.description).joined(separator: ", "))",
                  at: range)
            return nil
        }
        let lengths = types.map { $0.shape[normalized].fixedValue }
        guard !lengths.contains(nil) else {
            error("concat joins along a fixed size, and axis \(normalized) of \(types.first { $0.shape[normalized].fixedValue == nil }!) is a size variable",
                  at: range)
            return nil
        }
        var shape = first.shape
        shape[normalized] = .fixed(lengths.compactMap { $0 }.reduce(0, +))
        return .tensor(shape)
    }
}
