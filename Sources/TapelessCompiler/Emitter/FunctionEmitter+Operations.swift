/// The operations that are not elementwise: each reads its operands from memory and writes
/// its planned storage.
extension FunctionEmitter {
    mutating func emitOperation(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let x = instruction.operands
        switch instruction.op {
        case .argument(let index):
            if isOutputGradient(instruction) {
                openOutputGradient(instruction, &printer)
            } else {
                expressions[instruction.result] = argumentNames[index]
            }
        case .stopGradient:
            expressions[instruction.result] = expressions[x[0]]!
        case .matmul(let transposeLeft, let transposeRight):
            let out = bindStorage(instruction, &printer)
            let (aShape, bShape) = (shape(of: x[0]), shape(of: x[1]))
            let m = dimension(instruction.type.shape[0]), n = dimension(instruction.type.shape[1])
            let k = dimension(transposeLeft ? aShape[0] : aShape[1])
            // Defaults left out: no transpose, alpha 1, beta 0.
            let transposes = [transposeLeft ? "transposeA: true" : nil, transposeRight ? "transposeB: true" : nil].compactMap { $0 }
            printer.call("Kernels.matrixMultiply", arguments: transposes + [
                "m: \(m)", "n: \(n)", "k: \(k)", "a: \(expressions[x[0]]!)", "lda: \(dimension(aShape[1]))",
                "b: \(expressions[x[1]]!)", "ldb: \(dimension(bShape[1]))", "c: \(out)", "ldc: \(n)",
            ])
        case .transpose:
            let out = bindStorage(instruction, &printer)
            let (rows, columns) = (dimension(instruction.type.shape[0]), dimension(instruction.type.shape[1]))
            let source = expressions[x[0]]!
            let (row, column) = (names.fresh("row"), names.fresh("column"))
            printer.block("for \(row) in 0..<\(rows) {") { p in
                p.block("for \(column) in 0..<\(columns) {") { p in
                    let target = IndexCode.sum([IndexCode.product(row, columns), column])
                    p.line("\(out)[\(target)] = \(source)[\(IndexCode.sum([IndexCode.product(column, rows), row]))]")
                }
            }
        case .logSumExp(let axis), .softmax(let axis):
            rowwise(instruction, axis: axis, &printer)
        case .pickClass, .scatterClass:
            pickOrScatter(instruction, &printer)
        case .slice(let axis, let start, _), .pad(let axis, let start):
            sliceOrPad(instruction, axis: axis, start: start, &printer)
        case .parameter:
            break  // bound where it is first read
        case .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis, .reduceSum, .reduceMax,
             .sumToShape:
            preconditionFailure("\(instruction.op) should have been fused or computed as a scalar")
        }
    }

    /// The lines along `axis`: `outer` before it, `length` on it, `inner` after it.
    private func lines(of shape: [IRDimension], axis: Int) -> (outer: String, length: String, inner: String) {
        (product(shape[..<axis].map(dimension)), dimension(shape[axis]), product(shape[(axis + 1)...].map(dimension)))
    }

    /// Runs `body` once per line along an axis, with an expression for element `k` of the line.
    private mutating func forEachLine(
        of shape: [IRDimension], axis: Int, _ printer: inout CodePrinter,
        _ body: (inout CodePrinter, _ element: (String) -> String, _ line: String) -> Void
    ) {
        let (outer, length, inner) = lines(of: shape, axis: axis)
        let row = names.fresh("row")
        if inner == "1" {
            printer.block("for \(row) in 0..<\(outer) {") { p in
                body(&p, { IndexCode.sum([IndexCode.product(row, length), $0]) }, row)
            }
        } else {
            let position = names.fresh("position")
            printer.block("for \(row) in 0..<\(outer) {") { p in
                p.block("for \(position) in 0..<\(inner) {") { p in
                    body(&p, { IndexCode.sum([IndexCode.product(IndexCode.sum([IndexCode.product(row, length), $0]), inner), position]) },
                         IndexCode.sum([IndexCode.product(row, inner), position]))
                }
            }
        }
    }

    /// Softmax or log-sum-exp along an axis, both relative to the line's maximum.
    private mutating func rowwise(_ instruction: IRInstruction, axis: Int, _ printer: inout CodePrinter) {
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
            p.line("var \(largest) = -Float.infinity")
            p.line("for \(k) in 0..<\(length) { \(largest) = Swift.max(\(largest), \(source)[\(element(k))]) }")
            p.line("var \(total): Float = 0")
            if isSoftmax {
                p.block("for \(k) in 0..<\(length) {") { p in
                    p.line("let \(exponential) = Foundation.exp(\(source)[\(element(k))] - \(largest))")
                    p.line("\(out)[\(element(k))] = \(exponential)")
                    p.line("\(total) += \(exponential)")
                }
                p.line("let \(scale) = 1 / \(total)")
                p.line("for \(k) in 0..<\(length) { \(out)[\(element(k))] *= \(scale) }")
            } else {
                p.line("for \(k) in 0..<\(length) { \(total) += Foundation.exp(\(source)[\(element(k))] - \(largest)) }")
                p.line(scalarResult ? "\(out) = \(largest) + Foundation.log(\(total))" : "\(out)[\(line)] = \(largest) + Foundation.log(\(total))")
            }
        }
    }

    private mutating func pickOrScatter(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let matrix = instruction.op == .pickClass ? shape(of: instruction.operands[0]) : instruction.type.shape
        let rows = dimension(matrix[0])
        if instruction.op == .scatterClass { printer.line("\(out).update(repeating: 0, count: \(product(matrix.map(dimension))))") }
        let row = names.fresh("row")
        let body = pickOrScatterRow(instruction, out: out, inRowLoop: false)
        printer.block("for \(row) in 0..<\(rows) {") { body(&$0, row) }
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
        let labelName: String
        if case .argument(let index) = definitions[instruction.operands[1]]?.op {
            labelName = SwiftNames.escapedString(function.arguments[index].name)
        } else {
            labelName = "labels"
        }
        let checked = inRowLoop ? rowLabels[instruction.operands[1]] : nil
        let label = checked ?? names.fresh("label")
        if inRowLoop { rowLabels[instruction.operands[1]] = label }
        let signature = SwiftNames.escapedString(swiftSignature)
        return { p, row in
            if inRowLoop && !isPick {
                p.line("(\(IndexCode.offset(out, by: IndexCode.product(row, classes)))).update(repeating: 0, count: \(classes))")
            }
            if checked == nil {
                p.line("let \(label) = \(labels)[\(row)]")
                p.line("ArgumentCheck.label(\(label), classes: \(classes), at: \(row), argument: \"\(labelName)\", function: \"\(signature)\")")
            }
            let element = IndexCode.sum([IndexCode.product(row, classes), label])
            p.line(isPick ? "\(out)[\(row)] = \(values)[\(element)]" : "\(out)[\(element)] = \(values)[\(row)]")
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
             .reduceSum, .reduceMax, .sumToShape, .matmul, .transpose, .slice, .pad, .stopGradient:
            preconditionFailure("\(instruction.op) is not a row operation")
        }
    }

    private mutating func sliceOrPad(_ instruction: IRInstruction, axis: Int, start: Int, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let source = expressions[instruction.operands[0]]!
        let isSlice = if case .slice = instruction.op { true } else { false }
        let big = isSlice ? shape(of: instruction.operands[0]) : instruction.type.shape
        let small = isSlice ? instruction.type.shape : shape(of: instruction.operands[0])
        let (outer, bigLength, inner) = lines(of: big, axis: axis)
        let smallLength = dimension(small[axis])
        if !isSlice { printer.line("\(out).update(repeating: 0, count: \(product(big.map(dimension))))") }
        let (row, k, position) = (names.fresh("row"), names.fresh("k"), names.fresh("position"))
        printer.block("for \(row) in 0..<\(outer) {") { p in
            p.block("for \(k) in 0..<\(smallLength) {") { p in
                p.block("for \(position) in 0..<\(inner) {") { p in
                    let bigLine = IndexCode.sum([IndexCode.product(row, bigLength), String(start), k])
                    let bigIndex = IndexCode.sum([IndexCode.product(bigLine, inner), position])
                    let smallLine = IndexCode.sum([IndexCode.product(row, smallLength), k])
                    let smallIndex = IndexCode.sum([IndexCode.product(smallLine, inner), position])
                    p.line(isSlice ? "\(out)[\(smallIndex)] = \(source)[\(bigIndex)]" : "\(out)[\(bigIndex)] = \(source)[\(smallIndex)]")
                }
            }
        }
    }

    /// Hands the forward result to `outputGradient` and opens the buffer of the gradient it
    /// writes.
    private mutating func openOutputGradient(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let handed = handOverOutput(&printer)
        let buffer = names.fresh("seedBuffer")
        openClosure("return \(handed).outputGradient.withUnsafeBufferPointer { \(buffer) in", &printer)
        openLocalFunction(returning: "Void", throwing: false, &printer)
        let seed = names.fresh("seed")
        printer.line("let \(seed) = \(buffer).baseAddress!")
        expressions[instruction.result] = seed
    }

    /// Calls `outputGradient` with the forward result and checks the shape of the gradient it
    /// writes; returns the name of the handed tensors. Both tensors are borrowed from the
    /// workspace and given back on return, so their storage is reused from call to call.
    mutating func handOverOutput(_ printer: inout CodePrinter) -> String {
        let output = function.results.first { $0.role == .value }!.value
        let outputType = definitions[output]!.type
        let handed = names.fresh("handed")
        let key = workspaceKeyLiteral
        printer.line("// The gradient of the loss with respect to the output, from the caller, in tensors kept")
        printer.line("// between calls so that neither is allocated again.")
        printer.line("var \(handed) = Workspace.borrowTensors(for: \(key))")
        printer.line("defer { Workspace.giveBack(\(handed), for: \(key)) }")
        let dimensions = outputType.shape.map(dimension)
        printer.block("if \(shapeConditions(of: "\(handed).output", type: outputType).conditions.joined(separator: " || ")) {") { p in
            p.line("\(handed).output = Tensor(zeros: [\(dimensions.joined(separator: ", "))])")
        }
        let source = reading(output, &printer)
        printer.line("\(handed).output.withUnsafeMutableBufferPointer { $0.baseAddress?.update(from: \(source), count: \(product(dimensions))) }")
        printer.line("try outputGradient(\(handed).output, &\(handed).outputGradient)")
        checkShape(of: "\(handed).outputGradient", type: function.arguments.last!.type, label: "outputGradient", &printer)
        return handed
    }
}
