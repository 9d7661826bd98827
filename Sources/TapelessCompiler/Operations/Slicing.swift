// `slice` and `pad`: elements `start..<end` along one axis (a subscript with a range), and its
// reverse, the operand placed at `start` in a zero tensor. Their reverse rules, their meaning
// in the interpreter and their emitted Swift are here; their class and cost are listed with
// every operation's (OperationClass.swift, OperationCost.swift).

extension DerivativeRules {
    /// The gradient of a slice is the adjoint padded back to the operand's shape.
    static func slicePullback(_ g: IRValue, axis: Int, start: Int, operandType: IRType, _ b: inout IRBuilder) -> IRValue {
        b.emit(.pad(axis: axis, start: start), [g], type: operandType)
    }

    /// The gradient of a pad is the slice of the adjoint where the operand was placed.
    static func padPullback(_ g: IRValue, axis: Int, start: Int, operandType: IRType, _ b: inout IRBuilder) -> IRValue {
        guard case .fixed(let length) = operandType.shape[axis] else {
            preconditionFailure("pad needs a fixed length along axis \(axis)")
        }
        return b.emit(.slice(axis: axis, start: start, end: start + length), [g], type: operandType)
    }
}

extension IRInterpreter {
    /// Elements `start..<end` along `axis`.
    static func slice(_ x: IRTensor, axis: Int, start: Int, end: Int, shape: [Int]) -> IRTensor {
        let (outer, length, inner) = split(x.shape, at: axis)
        var values: [Double] = []
        for o in 0..<outer {
            // Typed bounds: the range expression inline takes the type checker over a second.
            let lower: Int = (o * length + start) * inner
            let upper: Int = (o * length + end) * inner
            values.append(contentsOf: x.values[lower..<upper])
        }
        return IRTensor(shape: shape, values: values)
    }

    /// `x` placed at `start` along `axis` of a zero tensor of `shape`.
    static func pad(_ x: IRTensor, axis: Int, start: Int, shape: [Int]) -> IRTensor {
        let (outer, length, inner) = split(shape, at: axis)
        let pieceLength = x.shape[axis]
        var values = Array(repeating: 0.0, count: shape.reduce(1, *))
        for o in 0..<outer {
            for p in 0..<(pieceLength * inner) { values[(o * length + start) * inner + p] = x.values[o * pieceLength * inner + p] }
        }
        return IRTensor(shape: shape, values: values)
    }
}

extension FunctionEmitter {
    mutating func sliceOrPad(_ instruction: IRInstruction, axis: Int, start: Int, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let source = expressions[instruction.operands[0]]!
        let isSlice = if case .slice = instruction.op { true } else { false }
        let big = isSlice ? shape(of: instruction.operands[0]) : instruction.type.shape
        let small = isSlice ? instruction.type.shape : shape(of: instruction.operands[0])
        let (outer, bigLength, inner) = lines(of: big, axis: axis)
        let smallLength = dimension(small[axis])
        if !isSlice { printer.line("\(out).update(repeating: 0, count: \(product(big.map(dimension))))") }
        let (row, k, position) = (names.fresh("row"), names.fresh("k"), names.fresh("position"))
        printer.loop(row, upTo: outer) { p, row in
            p.loop(k, upTo: smallLength) { p, k in
                p.loop(position, upTo: inner) { p, position in
                    let bigLine = IndexCode.sum([IndexCode.product(row, bigLength), String(start), k])
                    let bigIndex = IndexCode.sum([IndexCode.product(bigLine, inner), position])
                    let smallLine = IndexCode.sum([IndexCode.product(row, smallLength), k])
                    let smallIndex = IndexCode.sum([IndexCode.product(smallLine, inner), position])
                    let (target, value) = isSlice
                        ? ("\(out)[\(smallIndex)]", "\(source)[\(bigIndex)]") : ("\(out)[\(bigIndex)]", "\(source)[\(smallIndex)]")
                    p.assign(target, value)
                }
            }
        }
    }
}
