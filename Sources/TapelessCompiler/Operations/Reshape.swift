// `reshape`: the same elements in the same row-major order, in another shape (`flatten` is
// one). Its reverse rule, its meaning in the interpreter and its emitted Swift are here; its
// class and cost are listed with every operation's (OperationClass.swift, OperationCost.swift).
//
// It copies its operand into storage of its own: a view would let a loop read a value in a
// shape other than the one its producer was fused in.

extension DerivativeRules {
    /// The gradient of a reshape is the adjoint in the operand's shape.
    static func reshapePullback(_ g: IRValue, operandType: IRType, _ b: inout IRBuilder) -> IRValue {
        b.emit(.reshape, [g], type: operandType)
    }
}

extension FunctionEmitter {
    mutating func emitReshape(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let count = product(instruction.type.shape.map(dimension))
        printer.line("\(out).update(from: \(expressions[instruction.operands[0]]!), count: \(count))")
    }
}
