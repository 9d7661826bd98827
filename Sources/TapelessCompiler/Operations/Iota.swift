// `iota`: each element's position along one axis, as a Float (no operands), from which masks
// are built: a causal mask is `where(iota(axis 1) > iota(axis 0), -∞, 0)`. It has no
// derivative. Its meaning in the interpreter and its emitted Swift are here; its class and cost
// are listed with every operation's (OperationClass.swift, OperationCost.swift).

extension IRInterpreter {
    static func iota(axis: Int, shape: [Int]) -> IRTensor {
        let inner = shape[(axis + 1)...].reduce(1, *)
        return IRTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { Double(($0 / inner) % shape[axis]) })
    }
}

extension FunctionEmitter {
    /// A loop nest that writes each element's position along the axis.
    mutating func emitIota(_ instruction: IRInstruction, axis: Int, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let shape = instruction.type.shape.map(dimension)
        let (outer, length, inner) = (product(Array(shape[..<axis])), shape[axis], product(Array(shape[(axis + 1)...])))
        let (row, position) = (names.fresh("row"), names.fresh("position"))
        printer.loop(row, upTo: outer) { p, row in
            p.loop(position, upTo: length) { p, position in
                let start = IndexCode.product(IndexCode.sum([IndexCode.product(row, length), position]), inner)
                p.line("(\(IndexCode.offset(out, by: start))).update(repeating: Float(\(position)), count: \(inner))")
            }
        }
    }
}
