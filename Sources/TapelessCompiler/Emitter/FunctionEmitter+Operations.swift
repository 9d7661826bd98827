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
            emitMatrixProduct(instruction, transposeLeft: transposeLeft, transposeRight: transposeRight, &printer)
        case .transpose:
            emitTranspose(instruction, &printer)
        case .logSumExp(let axis), .softmax(let axis):
            rowwise(instruction, axis: axis, &printer)
        case .pickClass, .scatterClass:
            pickOrScatter(instruction, &printer)
        case .slice(let axis, let start, _), .pad(let axis, let start):
            sliceOrPad(instruction, axis: axis, start: start, &printer)
        case .reshape:
            emitReshape(instruction, &printer)
        case .permute(let permutation):
            emitPermute(instruction, permutation, &printer)
        case .iota(let axis):
            emitIota(instruction, axis: axis, &printer)
        case .gather, .scatterAdd:
            emitGather(instruction, &printer)
        case .argmax(let axis):
            emitArgmax(instruction, axis: axis, &printer)
        case .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter:
            emitConvolution(instruction, &printer)
        case .parameter:
            break  // bound where it is first read
        case .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis, .reduceSum, .reduceMax,
             .sumToShape, .dropoutMask:
            preconditionFailure("\(instruction.op) should have been fused or computed as a scalar")
        case .loop(let loop):
            emitLoopInstruction(instruction, loop, &printer)
        case .elementAt:
            preconditionFailure("an element read belongs to a loop's body, which its loop prints")
        case .call(let callee):
            callee.wasNotInlined()
        }
    }

    /// The lines along `axis`: `outer` before it, `length` on it, `inner` after it.
    func lines(of shape: [IRDimension], axis: Int) -> (outer: String, length: String, inner: String) {
        (product(shape[..<axis].map(dimension)), dimension(shape[axis]), product(shape[(axis + 1)...].map(dimension)))
    }

    /// Runs `body` once per line along an axis, with an expression for element `k` of the line.
    mutating func forEachLine(
        of shape: [IRDimension], axis: Int, _ printer: inout CodePrinter,
        _ body: (inout CodePrinter, _ element: (String) -> String, _ line: String) -> Void
    ) {
        let (outer, length, inner) = lines(of: shape, axis: axis)
        let row = names.fresh("row")
        if inner == "1" {
            printer.loop(row, in: "0..<\(outer)") { p in
                body(&p, { IndexCode.sum([IndexCode.product(row, length), $0]) }, row)
            }
        } else {
            let position = names.fresh("position")
            printer.loop(row, in: "0..<\(outer)") { p in
                p.loop(position, in: "0..<\(inner)") { p in
                    body(&p, { IndexCode.sum([IndexCode.product(IndexCode.sum([IndexCode.product(row, length), $0]), inner), position]) },
                         IndexCode.sum([IndexCode.product(row, inner), position]))
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
        printer.declare(seed, value: "\(buffer).baseAddress!")
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
        printer.declare(handed, value: "Workspace.borrowTensors(for: \(key))", mutable: true)
        printer.line("defer { Workspace.giveBack(\(handed), for: \(key)) }")
        let dimensions = outputType.shape.map(dimension)
        printer.block("if \(shapeConditions(of: "\(handed).output", type: outputType).conditions.joined(separator: " || ")) {") { p in
            p.assign("\(handed).output", "Tensor(zeros: [\(dimensions.joined(separator: ", "))])")
        }
        let source = reading(output, &printer)
        printer.line("\(handed).output.withUnsafeMutableBufferPointer { $0.baseAddress?.update(from: \(source), count: \(product(dimensions))) }")
        printer.line("try outputGradient(\(handed).output, &\(handed).outputGradient)")
        checkShape(of: "\(handed).outputGradient", type: function.arguments.last!.type, label: "outputGradient", &printer)
        return handed
    }
}
