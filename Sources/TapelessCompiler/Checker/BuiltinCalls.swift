/// Type rules of builtin calls.
extension Checker {
    /// A builtin call: matches its arguments to the builtin's form, evaluates constants and axes,
    /// records the ``ResolvedCall`` and infers the result type.
    func checkBuiltinCall(_ name: String, _ arguments: [Argument], _ expr: Expr, in context: inout BodyContext) -> ValueType? {
        if Self.shapeBuiltinNames.contains(name) { return checkShapeBuiltin(name, arguments, expr, in: &context) }
        if name == "argmax", arguments.count == 1, arguments[0].label?.name != "axis" {
            // torch.argmax(x) without a dim is a position in the flattened tensor: not a row's class.
            error("argmax needs the axis to search along, as in argmax(x, axis: 1)", at: expr.range)
            checkStrayArguments(arguments, in: &context)
            return nil
        }
        let form = BuiltinForm.form(named: name, arguments: arguments)
        let slots = form.slots.map { ArgumentSlot(label: $0.label, isRequired: $0.isRequired) }
        guard let matched = matchArguments(arguments, to: slots, callee: name, callRange: expr.range) else {
            checkStrayArguments(arguments, in: &context)
            return nil
        }
        var call = ResolvedCall(builtin: form.builtin, operands: [], constant: form.builtin.defaultConstant)
        var operandTypes: [ValueType?] = []
        var axis: (value: Int, expr: Expr)?
        var options = WindowOptions()
        var constantRange = expr.range
        var isValid = true
        for (slot, argument) in zip(form.slots, matched) {
            guard let value = argument?.value else { continue }
            switch slot.kind {
            case .value:
                call.operands.append(value)
                operandTypes.append(checkExpression(value, in: &context))
            case .constant:
                checkExpression(value, in: &context)
                if let constant = numberLiteral(value), constant.isFinite {
                    call.constant = constant
                    constantRange = value.range
                } else {
                    error("'\(slot.label):' of \(name) must be a number literal, such as 0.5", at: value.range)
                    isValid = false
                }
            case .axis:
                checkExpression(value, in: &context)
                // Truncate and compare rather than round: the module doesn't link libm.
                if let literal = integerLiteral(value) {
                    axis = (literal, value)
                } else {
                    error("'\(slot.label):' of \(name) must be an integer literal, such as 1 or -1", at: value.range)
                    isValid = false
                }
            case .approximation:
                if let builtin = approximation(value) { call.builtin = builtin } else { isValid = false }
            case .windowSize(let size):
                checkExpression(value, in: &context)
                guard let number = integerLiteral(value), number >= 1 else {
                    error("'\(slot.label):' of \(name) must be a positive integer literal, such as 2", at: value.range)
                    isValid = false
                    continue
                }
                options.set(size, to: number)
            case .keepDimensions:
                switch value.kind {
                case .identifier("true"): call.keepsDimensions = true
                case .identifier("false"): call.keepsDimensions = false
                default:
                    error("'keepDims:' of \(name) must be true or false", at: value.range)
                    isValid = false
                }
            case .padding:
                guard let padding = WindowOptions.Padding(value) else {
                    error("'padding:' of \(name) must be a nonnegative integer literal, same or valid", at: value.range)
                    isValid = false
                    continue
                }
                options.padding = padding
            }
        }
        guard isValid, checkConstant(call, name: name, at: constantRange) else { return nil }
        let types = operandTypes.compactMap { $0 }
        guard types.count == operandTypes.count else { return nil }
        guard let type = resultType(of: &call, name: name, types, axis: axis, options: options, at: expr.range) else { return nil }
        resolutions[expr.id] = .builtin(call)
        return type
    }

    /// `approximate: tanh` gives gelu's tanh approximation; `approximate: none` the exact form.
    func approximation(_ expr: Expr) -> Builtin? {
        switch expr.kind {
        case .identifier("tanh"): return .geluTanh
        case .identifier("none"): return .gelu
        default:
            error("'approximate:' of gelu must be tanh or none", at: expr.range)
            return nil
        }
    }

    /// Reports constants outside their meaningful range.
    private func checkConstant(_ call: ResolvedCall, name: String, at range: SourceRange) -> Bool {
        guard let constant = call.constant else { return true }
        switch call.builtin {
        case .huber where constant <= 0:
            error("'delta:' of huber must be positive, not \(constant)", at: range)
        case .crossEntropy where !(0..<1).contains(constant):
            error("'labelSmoothing:' of crossEntropy must be at least 0 and less than 1, not \(constant)", at: range)
        case .normalize where !(constant > 0):
            error("'eps:' of normalize must be positive, such as 1e-12 (PyTorch's default), not \(constant)", at: range)
        case .variance where constant < 0 || constant != constant.rounded():
            error("'correction:' of variance must be a nonnegative integer such as 1 (PyTorch's default) or 0, not \(constant)", at: range)
        default:
            return true
        }
        return false
    }

    /// The result type of a matched builtin call with operand types `types`; fills in the axis.
    private func resultType(
        of call: inout ResolvedCall, name: String, _ types: [ValueType], axis: (value: Int, expr: Expr)?,
        options: WindowOptions, at range: SourceRange
    ) -> ValueType? {
        let operands = call.operands
        /// The operand at `index` if it is Float.
        func float(_ index: Int) -> ValueType? { requireFloat(types[index], operands[index]) }
        /// The operand at `index` if it is a Float tensor of rank at least 1.
        func tensor(_ index: Int) -> ValueType? {
            guard let type = float(index) else { return nil }
            if type.rank == 0 { error("\(name) needs a tensor, not Float", at: operands[index].range) }
            return type.rank == 0 ? nil : type
        }
        /// Normalizes the axis for `type`; `defaultLast` fills in the last axis when none is given.
        func normalize(for type: ValueType, defaultLast: Bool) -> Int?? {
            guard let axis else { return .some(defaultLast ? type.rank - 1 : nil) }
            guard let normalized = ShapeRules.normalizedAxis(axis.value, rank: type.rank) else {
                error("axis \(axis.value) is out of range for a tensor of rank \(type.rank)", at: axis.expr.range)
                return nil
            }
            return .some(normalized)
        }

        switch call.builtin {
        case .elementwise, .square, .leakyRelu, .elu, .gelu, .geluTanh, .silu, .pow, .stopGradient:
            return float(0)
        case .minimum, .maximum:
            guard let a = float(0), let b = float(1) else { return nil }
            let verb = call.builtin == .minimum ? "take the minimum of" : "take the maximum of"
            return broadcast(a, b, verb: verb, at: range).map(ValueType.tensor)
        case .clamp:
            guard let x = float(0), let low = float(1), let high = float(2) else { return nil }
            for (bound, index) in [(low, 1), (high, 2)] where !bound.isFloatScalar {
                error("clamp bounds must be Float scalars, not \(bound)", at: operands[index].range)
                return nil
            }
            return x
        case .where:
            guard types[0].element == .bool else {
                error("the condition of where must be a comparison such as x > 0, not \(types[0])", at: operands[0].range)
                return nil
            }
            guard let a = float(1), let b = float(2),
                  let values = broadcast(a, b, verb: "select between", at: range),
                  let shape = broadcast(types[0], .tensor(values), verb: "broadcast the condition", at: range) else {
                return nil
            }
            return .tensor(shape)
        case .matmul:
            guard let a = float(0), let b = float(1) else { return nil }
            return matrixProduct(a, b, at: range)
        case .transpose:
            guard let x = float(0) else { return nil }
            guard x.rank == 2 else {
                error("transpose needs a matrix (rank 2), not \(x)", at: operands[0].range)
                return nil
            }
            return .tensor(x.shape.reversed())
        case .sum, .mean, .maxReduce, .minReduce, .variance, .logSumExp, .norm:
            let isWholeAllowed = call.builtin != .logSumExp
            guard let x = isWholeAllowed ? float(0) : tensor(0), let normalized = normalize(for: x, defaultLast: !isWholeAllowed) else {
                return nil
            }
            call.axis = normalized
            guard let normalized else {
                if call.keepsDimensions {
                    error("'keepDims:' of \(name) needs an axis, as in \(name)(x, axis: 1, keepDims: true)", at: range)
                    return nil
                }
                return .scalar
            }
            var shape = x.shape
            if call.keepsDimensions { shape[normalized] = .fixed(1) } else { shape.remove(at: normalized) }
            return .tensor(shape)
        case .oneHot:
            let expected = "Int[batch]"
            guard types[0].element == .int, types[0].rank == 1 else {
                error("oneHot needs labels \(expected), not \(types[0])", at: operands[0].range)
                return nil
            }
            guard let classes = call.constant, classes >= 1, classes == classes.rounded(), classes <= 1e6 else {
                error("'classes:' of oneHot must be a positive integer literal, such as 10", at: range)
                return nil
            }
            return .tensor([types[0].shape[0], .fixed(Int(classes))])
        case .softmax, .logSoftmax, .normalize:
            guard let x = tensor(0), let normalized = normalize(for: x, defaultLast: true) else { return nil }
            call.axis = normalized
            return x
        case .mse, .mae, .huber, .binaryCrossEntropy:
            let what = call.builtin == .binaryCrossEntropy ? ("logits", "labels") : ("predicted", "target")
            if call.builtin == .binaryCrossEntropy, types[1].element != .float {
                error("binaryCrossEntropy labels must be a Float tensor of the same shape as the logits (\(types[0])), not \(types[1])",
                      at: operands[1].range)
                return nil
            }
            guard let a = float(0), let b = float(1) else { return nil }
            guard a == b else {
                error("\(name) needs \(what.0) and \(what.1) of the same shape, not \(a) and \(b)", at: range)
                return nil
            }
            return .scalar
        case .crossEntropy:
            guard let logits = float(0) else { return nil }
            guard logits.rank == 2 else {
                error("crossEntropy logits must be [batch, classes], not \(logits)", at: operands[0].range)
                return nil
            }
            let expected = ValueType(element: .int, shape: [logits.shape[0]])
            guard types[1] == expected else {
                error("crossEntropy labels must be \(expected), not \(types[1])", at: operands[1].range)
                return nil
            }
            return .scalar
        case .convolution2D:
            guard let x = float(0), let weight = float(1) else { return nil }
            if options.padding == .same, (options.stride ?? 1) != 1 {
                error("conv2D with padding: same needs stride 1 (as PyTorch); give the padding as a number", at: range)
                return nil
            }
            switch WindowShapes.convolution(input: x, weight: weight, options: options) {
            case .failure(let failure):
                error("conv2D \(failure.message)", at: range)
                return nil
            case .success(let (window, output)):
                if types.count == 3 {
                    guard let bias = float(2), bias == .tensor([output.shape[1]]) else {
                        error("the bias of conv2D must be [\(output.shape[1])], one per output channel, not \(types[2])", at: operands[2].range)
                        return nil
                    }
                }
                call.window = .convolution(window)
                return output
            }
        case .maxPool2D:
            guard let x = float(0) else { return nil }
            if options.padding == .same {
                error("maxPool2D takes its padding as a number (PyTorch's max_pool2d has no 'same')", at: range)
                return nil
            }
            switch WindowShapes.pooling(input: x, options: options) {
            case .failure(let failure):
                error("maxPool2D \(failure.message)", at: range)
                return nil
            case .success(let (window, output)):
                call.window = .pooling(window)
                return output
            }
        case .flatten:
            guard let x = tensor(0), let normalized = normalize(for: x, defaultLast: false) else { return nil }
            let from = normalized ?? min(1, x.rank - 1)
            call.axis = from
            switch WindowShapes.flatten(input: x, from: from) {
            case .failure(let failure):
                error("flatten \(failure.message)", at: range)
                return nil
            case .success(let output):
                return output
            }
        case .gather:
            if types[0].element == .int, types[1].element == .float {
                error("gather takes the table first, then the indices: gather(table, indices)", at: range)
                return nil
            }
            // Both operands are checked, so a call with two mistakes reports both.
            let table = float(0)
            if let table, table.rank != 2 {
                error("the table of gather must be a matrix [rows, width], not \(table)", at: operands[0].range)
            }
            let indexError = ShapeRules.indexError(types[1])
            if let indexError { error("gather \(indexError.message)", at: operands[1].range) }
            guard let table, table.rank == 2, indexError == nil else { return nil }
            return .tensor(types[1].shape + [table.shape[1]])
        case .argmax:
            guard let x = tensor(0), let normalized = normalize(for: x, defaultLast: true), let axis = normalized else { return nil }
            call.axis = axis
            var shape = x.shape
            shape.remove(at: axis)
            return ValueType(element: .int, shape: shape)
        case .add, .subtract, .multiply, .divide, .negate, .less, .lessEqual, .greater, .greaterEqual, .equal,
             .notEqual, .logicalAnd, .logicalOr, .logicalNot:
            preconditionFailure("operators are not called by name")
        case .reshape, .permute, .concat, .stack, .pad:
            preconditionFailure("\(name) is checked by checkShapeBuiltin")
        }
    }
}
