// `matmul` and `transpose`: the product of two matrices, each optionally transposed, and the
// transpose of a matrix. Their reverse rules, their meaning in the interpreter and their
// emitted Swift are here; their class and cost are listed with every operation's
// (OperationClass.swift, OperationCost.swift).

extension DerivativeRules {
    /// y = op(A) op(B): dA and dB, each written so that no transpose is materialized.
    static func matrixProductPullback(
        _ a: IRValue, _ m: IRValue, transposeLeft: Bool, transposeRight: Bool, g: IRValue, wants: [Bool],
        _ b: inout IRBuilder
    ) -> [IRValue?] {
        switch (transposeLeft, transposeRight) {
        case (false, false):
            return [wants[0] ? b.matmul(g, m, transposeRight: true) : nil,
                    wants[1] ? b.matmul(a, g, transposeLeft: true) : nil]
        case (true, false):
            return [wants[0] ? b.matmul(m, g, transposeRight: true) : nil,
                    wants[1] ? b.matmul(a, g) : nil]
        case (false, true):
            return [wants[0] ? b.matmul(g, m) : nil,
                    wants[1] ? b.matmul(g, a, transposeLeft: true) : nil]
        case (true, true):
            return [wants[0] ? b.matmul(m, g, transposeLeft: true, transposeRight: true) : nil,
                    wants[1] ? b.matmul(g, a, transposeLeft: true, transposeRight: true) : nil]
        }
    }
}

extension IRInterpreter {
    /// op(a) op(b), summed in the order of the depth.
    static func matrixProduct(_ a: IRTensor, _ b: IRTensor, transposeLeft: Bool, transposeRight: Bool, shape: [Int]) -> IRTensor {
        let k = transposeLeft ? a.shape[0] : a.shape[1]
        let (m, n) = (shape[0], shape[1])
        var values = Array(repeating: 0.0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for p in 0..<k {
                    let left = transposeLeft ? a.values[p * m + i] : a.values[i * k + p]
                    let right = transposeRight ? b.values[j * k + p] : b.values[p * n + j]
                    total += left * right
                }
                values[i * n + j] = total
            }
        }
        return IRTensor(shape: shape, values: values)
    }

    /// The transpose of a matrix.
    static func transpose(_ x: IRTensor, shape: [Int]) -> IRTensor {
        let (rows, columns) = (x.shape[0], x.shape[1])
        return IRTensor(shape: shape, values: (0..<(rows * columns)).map { index in
            x.values[(index % rows) * columns + index / rows]
        })
    }
}

extension FunctionEmitter {
    /// A call of the runtime's matrix-multiply kernels into the result's storage.
    mutating func emitMatrixProduct(
        _ instruction: IRInstruction, transposeLeft: Bool, transposeRight: Bool, _ printer: inout CodePrinter
    ) {
        let out = bindStorage(instruction, &printer)
        let x = instruction.operands
        let (aShape, bShape) = (shape(of: x[0]), shape(of: x[1]))
        let m = dimension(instruction.type.shape[0]), n = dimension(instruction.type.shape[1])
        let k = dimension(transposeLeft ? aShape[0] : aShape[1])
        // Defaults left out: no transpose, alpha 1, beta 0.
        let transposes = [transposeLeft ? "transposeA: true" : nil, transposeRight ? "transposeB: true" : nil].compactMap { $0 }
        printer.call("Kernels.matrixMultiply", arguments: transposes + [
            "m: \(m)", "n: \(n)", "k: \(k)", "a: \(expressions[x[0]]!)", "lda: \(dimension(aShape[1]))",
            "b: \(expressions[x[1]]!)", "ldb: \(dimension(bShape[1]))", "c: \(out)", "ldc: \(n)",
        ])
    }

    /// A loop nest that writes the transpose into the result's storage.
    mutating func emitTranspose(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let (rows, columns) = (dimension(instruction.type.shape[0]), dimension(instruction.type.shape[1]))
        let source = expressions[instruction.operands[0]]!
        let (row, column) = (names.fresh("row"), names.fresh("column"))
        printer.loop(row, upTo: rows) { p, row in
            p.loop(column, upTo: columns) { p, column in
                let target = IndexCode.sum([IndexCode.product(row, columns), column])
                p.assign("\(out)[\(target)]", "\(source)[\(IndexCode.sum([IndexCode.product(column, rows), row]))]")
            }
        }
    }
}
