// `permute`: the axes of a tensor in another order (PyTorch's `x.permute(…)`): result axis `i`
// is operand axis `permutation[i]`. Its reverse rule (the inverse permutation), its meaning in
// the interpreter and its emitted Swift are here; its class and cost are listed with every
// operation's (OperationClass.swift, OperationCost.swift). It copies into storage of its own.

extension DerivativeRules {
    /// The gradient of a permutation is the adjoint permuted back.
    static func permutePullback(_ g: IRValue, _ permutation: [Int], operandType: IRType, _ b: inout IRBuilder) -> IRValue {
        b.emit(.permute(Permutation.inverse(of: permutation)), [g], type: operandType)
    }
}

/// Permutations of axes.
enum Permutation {
    /// The permutation that undoes `permutation`.
    static func inverse(of permutation: [Int]) -> [Int] {
        var inverse = permutation
        for (position, axis) in permutation.enumerated() { inverse[axis] = position }
        return inverse
    }

    /// The row-major strides of `shape`, by `multiply` and `one`.
    static func strides<Size>(of shape: [Size], one: Size, _ multiply: (Size, Size) -> Size) -> [Size] {
        var strides = shape.map { _ in one }
        for axis in shape.indices.dropLast().reversed() { strides[axis] = multiply(strides[axis + 1], shape[axis + 1]) }
        return strides
    }
}

extension IRInterpreter {
    static func permute(_ x: IRTensor, _ permutation: [Int], shape: [Int]) -> IRTensor {
        let sourceStrides = Permutation.strides(of: x.shape, one: 1, *)
        let count = shape.reduce(1, *)
        var values = [Double](repeating: 0, count: count)
        for index in 0..<count {
            var remainder = index, source = 0
            for axis in shape.indices.reversed() {
                source += (remainder % shape[axis]) * sourceStrides[permutation[axis]]
                remainder /= shape[axis]
            }
            values[index] = x.values[source]
        }
        return IRTensor(shape: shape, values: values)
    }
}

extension FunctionEmitter {
    /// A loop nest over the result that reads each element from its place in the operand.
    mutating func emitPermute(_ instruction: IRInstruction, _ permutation: [Int], _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let source = expressions[instruction.operands[0]]!
        let resultShape = instruction.type.shape.map(dimension)
        let sourceStrides = Permutation.strides(of: shape(of: instruction.operands[0]).map(dimension), one: "1") { product([$0, $1]) }
        let indices = resultShape.indices.map { names.fresh("i\($0)") }
        func nest(_ axis: Int, _ printer: inout CodePrinter, _ bound: [String]) {
            guard axis < resultShape.count else {
                let target = Permutation.strides(of: resultShape, one: "1") { product([$0, $1]) }
                let targetIndex = IndexCode.sum(zip(bound, target).map { IndexCode.product($0, $1) })
                let sourceIndex = IndexCode.sum(bound.indices.map { IndexCode.product(bound[$0], sourceStrides[permutation[$0]]) })
                printer.assign("\(out)[\(targetIndex)]", "\(source)[\(sourceIndex)]")
                return
            }
            printer.loop(indices[axis], upTo: resultShape[axis]) { p, index in nest(axis + 1, &p, bound + [index]) }
        }
        nest(0, &printer, [])
    }
}
