// The operations that work line by line along one axis: `softmax`, `logSumExp`, and the class
// pick and scatter of cross-entropy (`pickClass`, `scatterClass`). Along the rows of a matrix
// they share one loop over the rows with their neighbours (RowGrouping). Their reverse rules,
// the forward rules of softmax and log-sum-exp (the picks are linear: TangentRules), the
// picks' batching rule (the others move their axis: BatchingRules),
// their meaning in the interpreter and their emitted Swift are here; their class and cost are
// listed with every operation's (OperationClass.swift, OperationCost.swift).

extension DerivativeRules {
    /// dx = g * softmax(x), with softmax(x) = exp(x - y) from the saved result `y`: an
    /// elementwise expression (no second pass over each line), stable since x <= y.
    static func logSumExpPullback(_ x: IRValue, _ y: IRValue, axis: Int, g: IRValue, _ b: inout IRBuilder) -> IRValue {
        let shape = b.type(of: x).shape
        let probabilities = b.unary(.exp, b.subtract(x, b.spread(y, axis: axis, over: shape)))
        return b.multiply(b.spread(g, axis: axis, over: shape), probabilities)
    }

    /// dx = y * (g - sum(g * y, axis)), from the saved result `y`.
    static func softmaxPullback(_ y: IRValue, axis: Int, g: IRValue, _ b: inout IRBuilder) -> IRValue {
        let shape = b.type(of: y).shape
        let dot = b.spread(b.reduceSum(b.multiply(g, y), axis: axis), axis: axis, over: shape)
        return b.multiply(y, b.subtract(g, dot))
    }

    /// Picking a class and scattering into it are each other's reverse.
    static func classPullback(_ op: IROp, _ g: IRValue, labels: IRValue, operandType: IRType, _ b: inout IRBuilder) -> IRValue {
        b.emit(op == .pickClass ? .scatterClass : .pickClass, [g, labels], type: operandType)
    }
}

extension TangentRules {
    /// dy = sum(softmax(x) * dx, axis), with softmax(x) = exp(x - y) from the result `y`.
    static func logSumExpPushforward(_ x: IRValue, _ y: IRValue, axis: Int, dx: IRValue, _ b: inout IRBuilder) -> IRValue {
        let shape = b.type(of: x).shape
        let probabilities = b.unary(.exp, b.subtract(x, b.spread(y, axis: axis, over: shape)))
        return b.reduceSum(b.multiply(probabilities, dx), axis: axis)
    }

    /// dy = y * (dx - sum(y * dx, axis)), from the result `y`.
    static func softmaxPushforward(_ y: IRValue, axis: Int, dx: IRValue, _ b: inout IRBuilder) -> IRValue {
        let shape = b.type(of: y).shape
        let dot = b.spread(b.reduceSum(b.multiply(y, dx), axis: axis), axis: axis, over: shape)
        return b.multiply(y, b.subtract(dx, dot))
    }
}

extension BatchingRules {
    /// A class pick or scatter with a batched operand, as a product with the labels' one-hot
    /// mask (the scatter of ones into their classes): unbatched when the labels are, else built
    /// from the labels with the batch folded into their axis.
    func classPick(_ instruction: IRInstruction, _ x: [IRValue], batched: [Bool], _ b: inout IRBuilder) throws -> IRValue {
        let isPick = instruction.op == .pickClass
        let matrix = isPick ? b.type(of: x[0]).shape.suffix(2) : instruction.type.shape[...]
        let (rows, classes) = (matrix[matrix.startIndex], matrix[matrix.startIndex + 1])
        let mask: IRValue
        if batched[1] {
            let count = try merged([rows], for: "a class pick with a batch of labels")
            let labels = b.emit(.reshape, [x[1]], type: IRType(.int, [count]))
            let ones = b.emit(.broadcast, [b.constant(1)], type: .float([count]))
            let flat = b.emit(.scatterClass, [ones, labels], type: .float([count, classes]))
            mask = b.emit(.reshape, [flat], type: .float(batch + [rows, classes]))
        } else {
            let ones = b.emit(.broadcast, [b.constant(1)], type: .float([rows]))
            mask = b.emit(.scatterClass, [ones, x[1]], type: .float([rows, classes]))
        }
        let type = IRType.float(batch + instruction.type.shape)
        guard isPick else {
            let spread = b.emit(.expandAxis(batch.count + 1), [self.batched(x[0], batched[0], &b)], type: .float(batch + [rows, classes]))
            return b.multiply(spread, mask)
        }
        return b.emit(.reduceSum(axis: batch.count + 1), [b.multiply(self.batched(x[0], batched[0], &b), mask)], type: type)
    }
}

extension IRInterpreter {
    /// `log(sum(exp(x)))` along `axis`, relative to each line's maximum.
    static func logSumExp(_ x: IRTensor, axis: Int) -> IRTensor {
        let (log, exp) = (UnaryFunction.log.definition.value, UnaryFunction.exp.definition.value)
        return alongAxis(x, axis: axis, keepsAxis: false) { row in
            let top = row.max() ?? 0
            return [top + log(row.reduce(0) { $0 + exp($1 - top) })]
        }
    }

    /// `exp(x) / sum(exp(x))` along `axis`, relative to each line's maximum.
    static func softmax(_ x: IRTensor, axis: Int) -> IRTensor {
        let exp = UnaryFunction.exp.definition.value
        return alongAxis(x, axis: axis, keepsAxis: true) { row in
            let top = row.max() ?? 0
            let exps = row.map { exp($0 - top) }
            let total = exps.reduce(0, +)
            return exps.map { $0 / total }
        }
    }

    /// `x[i, labels[i]]` of each row.
    static func pickClass(_ x: IRTensor, labels: IRTensor, shape: [Int]) -> IRTensor {
        let classes = x.shape[1]
        return IRTensor(shape: shape, values: (0..<shape[0]).map { x.values[$0 * classes + Int(labels.values[$0])] })
    }

    /// `g[i]` at `[i, labels[i]]` of a zero matrix.
    static func scatterClass(_ g: IRTensor, labels: IRTensor, shape: [Int]) -> IRTensor {
        let classes = shape[1]
        var values = Array(repeating: 0.0, count: shape.reduce(1, *))
        for row in 0..<shape[0] { values[row * classes + Int(labels.values[row])] = g.values[row] }
        return IRTensor(shape: shape, values: values)
    }
}

extension FunctionEmitter {
    /// Softmax or log-sum-exp along an axis, both relative to the line's maximum.
    mutating func rowwise(_ instruction: IRInstruction, axis: Int, _ printer: inout CodePrinter) {
        let scalarResult = instruction.type.isScalar
        let out = scalarResult ? declareVariable(instruction.result, initial: Self.initialValue(of: instruction), &printer) : bindStorage(instruction, &printer)
        forEachLine(of: shape(of: instruction.operands[0]), axis: axis, &printer, rowwiseLine(instruction, out: out, axis: axis))
        if scalarResult { expressions[instruction.result] = out }
    }

    /// The code of a softmax or log-sum-exp on one line, given an expression for element `k`
    /// of the line and the line's index in the result.
    private mutating func rowwiseLine(
        _ instruction: IRInstruction, out: String, axis: Int
    ) -> (inout CodePrinter, _ element: (String) -> String, _ line: String) -> Void {
        let isSoftmax = if case .softmax = instruction.op { true } else { false }
        let scalarResult = instruction.type.isScalar
        let source = expressions[instruction.operands[0]]!
        let length = dimension(shape(of: instruction.operands[0])[axis])
        let (largest, total, k, scale) = (names.fresh("largest"), names.fresh("total"), names.fresh("k"), names.fresh("scale"))
        let exponential = names.fresh("e")
        return { p, element, line in
            p.declare(largest, value: "-Float.infinity", mutable: true)
            p.loop(k, in: "0..<\(length)") { $0.assign(largest, "Swift.max(\(largest), \(source)[\(element(k))])") }
            p.declare(total, type: "Float", value: "0", mutable: true)
            if isSoftmax {
                p.loop(k, in: "0..<\(length)") { p in
                    p.declare(exponential, value: "Foundation.exp(\(source)[\(element(k))] - \(largest))")
                    p.assign("\(out)[\(element(k))]", exponential)
                    p.assign(total, exponential, operator: "+=")
                }
                p.declare(scale, value: "1 / \(total)")
                p.loop(k, in: "0..<\(length)") { $0.assign("\(out)[\(element(k))]", scale, operator: "*=") }
            } else {
                p.loop(k, in: "0..<\(length)") { $0.assign(total, "Foundation.exp(\(source)[\(element(k))] - \(largest))", operator: "+=") }
                p.assign(scalarResult ? out : "\(out)[\(line)]", "\(largest) + Foundation.log(\(total))")
            }
        }
    }

    mutating func pickOrScatter(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let matrix = instruction.op == .pickClass ? shape(of: instruction.operands[0]) : instruction.type.shape
        let rows = dimension(matrix[0])
        if instruction.op == .scatterClass { printer.line("\(out).update(repeating: 0, count: \(product(matrix.map(dimension))))") }
        let row = names.fresh("row")
        let body = pickOrScatterRow(instruction, out: out, inRowLoop: false)
        printer.loop(row, in: "0..<\(rows)") { body(&$0, row) }
    }

    /// The code that picks a row's labelled class, or scatters into it, after checking the label.
    /// In a row loop, the scatter zeroes its row first, and a label already read and checked
    /// for the row (by the pick before it) is reused.
    private mutating func pickOrScatterRow(
        _ instruction: IRInstruction, out: String, inRowLoop: Bool
    ) -> (inout CodePrinter, _ row: String) -> Void {
        let (values, labels) = (expressions[instruction.operands[0]]!, expressions[instruction.operands[1]]!)
        let isPick = instruction.op == .pickClass
        let classes = dimension((isPick ? shape(of: instruction.operands[0]) : instruction.type.shape)[1])
        let labelName = SwiftNames.escapedString(sourceName(of: instruction.operands[1], otherwise: "labels"))
        let checked = inRowLoop ? rowLabels[instruction.operands[1]] : nil
        let label = checked ?? names.fresh("label")
        if inRowLoop { rowLabels[instruction.operands[1]] = label }
        let signature = SwiftNames.escapedString(swiftSignature)
        return { p, row in
            if inRowLoop && !isPick {
                p.line("(\(IndexCode.offset(out, by: IndexCode.product(row, classes)))).update(repeating: 0, count: \(classes))")
            }
            if checked == nil {
                p.declare(label, value: "\(labels)[\(row)]")
                p.line("ArgumentCheck.label(\(label), classes: \(classes), at: \(row), argument: \"\(labelName)\", function: \"\(signature)\")")
            }
            let element = IndexCode.sum([IndexCode.product(row, classes), label])
            let (target, value) = isPick ? ("\(out)[\(row)]", "\(values)[\(element)]") : ("\(out)[\(element)]", "\(values)[\(row)]")
            p.assign(target, value)
        }
    }

    /// The code of a row operation for row `row` of a row loop, writing to `out`.
    mutating func emitRowOperation(_ instruction: IRInstruction, into out: String, row: String, _ printer: inout CodePrinter) {
        switch instruction.op {
        case .logSumExp, .softmax:
            let length = dimension(shape(of: instruction.operands[0])[1])
            rowwiseLine(instruction, out: out, axis: 1)(&printer, { IndexCode.sum([IndexCode.product(row, length), $0]) }, row)
        case .pickClass, .scatterClass:
            pickOrScatterRow(instruction, out: out, inRowLoop: true)(&printer, row)
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis,
             .reduceSum, .reduceMax, .sumToShape, .matmul, .transpose, .slice, .pad, .reshape, .convolution2D,
             .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask,
             .stopGradient, .call, .loop, .elementAt:
            preconditionFailure("\(instruction.op) is not a row operation")
        }
    }
}
