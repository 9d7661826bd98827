// `argmax`: the position of each line's largest element along an axis, an Int tensor
// (PyTorch's `torch.argmax(x, dim)`: the first among equal maxima, the first NaN if any). It
// takes no derivative: a position is piecewise constant in its operand, so it blocks gradients
// as a comparison does (ReverseMode.activeValues). Its meaning in the interpreter and its
// emitted Swift, a call of the runtime's kernel, are here; its class and cost are listed with
// every operation's (OperationClass.swift, OperationCost.swift).

extension IRInterpreter {
    /// The position of each line's first largest element along `axis`, a NaN counting as largest.
    static func argmax(_ x: IRTensor, axis: Int) -> IRTensor {
        alongAxis(x, axis: axis, keepsAxis: false) { line in
            var best = 0
            for k in line.indices.dropFirst() where !line[best].isNaN && (line[k] > line[best] || line[k].isNaN) {
                best = k
            }
            return [Double(best)]
        }
    }
}

extension FunctionEmitter {
    mutating func emitArgmax(_ instruction: IRInstruction, axis: Int, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let (outer, length, inner) = lines(of: shape(of: instruction.operands[0]), axis: axis)
        printer.call("Kernels.argmax", arguments: [
            expressions[instruction.operands[0]]!, "outer: \(outer)", "length: \(length)", "inner: \(inner)", "into: \(out)",
        ])
    }
}
