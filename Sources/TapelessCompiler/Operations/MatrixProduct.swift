// `matmul` and `transpose`: the product of two matrices, each optionally transposed, and the
// transpose of a matrix. Their reverse rules, the product's batching rule, their meaning in
// the interpreter and their emitted Swift are here (their forward rules are the product rule
// and the transpose itself: TangentRules); their class and cost are listed with every operation's
// (OperationClass.swift, OperationCost.swift).

extension DerivativeRules {
    /// y = op(A) op(B): dA and dB, each written so that no transpose is materialized, and each
    /// in its operand's shape (a batch times one matrix gives the matrix a gradient summed over
    /// the batch).
    static func matrixProductPullback(
        _ a: IRValue, _ m: IRValue, transposeLeft: Bool, transposeRight: Bool, g: IRValue, wants: [Bool],
        _ b: inout IRBuilder
    ) -> [IRValue?] {
        let (aShape, mShape) = (b.type(of: a).shape, b.type(of: m).shape)
        func product(_ x: IRValue, _ y: IRValue, _ left: Bool, _ right: Bool, _ shape: [IRDimension]) -> IRValue {
            b.matmul(x, y, transposeLeft: left, transposeRight: right, shape: shape)
        }
        switch (transposeLeft, transposeRight) {
        case (false, false):
            return [wants[0] ? product(g, m, false, true, aShape) : nil,
                    wants[1] ? product(a, g, true, false, mShape) : nil]
        case (true, false):
            return [wants[0] ? product(m, g, false, true, aShape) : nil,
                    wants[1] ? product(a, g, false, false, mShape) : nil]
        case (false, true):
            return [wants[0] ? product(g, m, false, false, aShape) : nil,
                    wants[1] ? product(g, a, true, false, mShape) : nil]
        case (true, true):
            return [wants[0] ? product(m, g, true, true, aShape) : nil,
                    wants[1] ? product(g, a, true, true, mShape) : nil]
        }
    }
}

extension BatchingRules {
    /// A matrix product with a batched operand. A batch of left operands times one matrix stays
    /// one product, the batch joining the rows. Otherwise both operands get the batch axes (the
    /// unbatched one repeated) and the same leading axes, which makes a batched product; the
    /// product of a batch's transpose by its gradient (a weight's gradient, summed over the
    /// batch) is then summed over those leading axes.
    func matrixProduct(
        _ left: IRValue, _ right: IRValue, batched: [Bool], transposeLeft: Bool, transposeRight: Bool, shape: [IRDimension],
        _ b: inout IRBuilder
    ) throws -> IRValue {
        let k = batch.count
        let op = IROp.matmul(transposeLeft: transposeLeft, transposeRight: transposeRight)
        let leftOwn = Array(b.type(of: left).shape.dropFirst(batched[0] ? k : 0))
        let rightOwn = Array(b.type(of: right).shape.dropFirst(batched[1] ? k : 0))
        let type = IRType.float(batch + shape)
        let isBatchedProduct = shape.count > 2 && leftOwn.count == shape.count && rightOwn.count == shape.count
        if batched[0] && !batched[1] && !transposeLeft && rightOwn.count == 2 && !isBatchedProduct {
            return b.emit(op, [left, right], type: type)
        }
        var l = self.batched(left, batched[0], &b)
        var r = self.batched(right, batched[1], &b)
        if isBatchedProduct || (leftOwn.count == 2 && rightOwn.count == 2) {
            return b.emit(op, [l, r], type: type)
        }
        if !transposeLeft && rightOwn.count == 2 && leftOwn.count == shape.count {
            // [..., n, d] @ [d, m]: the matrix repeated along the left operand's leading axes.
            let leading = Array(leftOwn.dropLast(2))
            r = b.emit(.broadcast, [lift(r, toRank: leftOwn.count, &b)], type: .float(batch + leading + rightOwn))
            return b.emit(op, [l, r], type: type)
        }
        if transposeLeft && shape.count == 2 && leftOwn.count == rightOwn.count && leftOwn.count > 2 {
            // [..., n, d]ᵀ @ [..., n, m] summed over the leading axes: batched, then summed.
            let leading = Array(leftOwn.dropLast(2))
            l = b.emit(op, [l, r], type: .float(batch + leading + shape))
            return leading.indices.reduce(l) { partial, index in
                b.emit(.reduceSum(axis: k), [partial], type: .float(batch + leading.dropFirst(index + 1) + shape))
            }
        }
        throw Vectorization.Failure(
            description: "a matrix product of \(leftOwn) by \(rightOwn) has no batched form yet")
    }
}

/// How a matrix product reads its operands: `batch` products of `m × k` by `k × n` matrices,
/// each operand's rows `lda` / `ldb` apart, consecutive matrices of the batch one after another.
/// `Value` is `Int` in the interpreter and a Swift expression in the emitter.
struct MatrixProductSizes<Value> {
    var batch: Value, m: Value, n: Value, k: Value, lda: Value, ldb: Value

    /// The sizes of a product with these operand and result shapes, `count` giving the number
    /// of elements of some axes.
    init<Size>(left: [Size], right: [Size], result: [Size], transposeLeft: Bool, _ count: ([Size]) -> Value) {
        let isBatched = result.count > 2 && left.count == result.count && right.count == result.count
        // Outside a batch, an operand is one matrix: its last axis by all the others together.
        func rows(_ shape: [Size]) -> Value { isBatched ? count([shape[shape.count - 2]]) : count(Array(shape.dropLast())) }
        batch = count(isBatched ? Array(result.dropLast(2)) : [])
        (m, n) = (rows(result), count([result[result.count - 1]]))
        k = transposeLeft ? rows(left) : count([left[left.count - 1]])
        (lda, ldb) = (count([left[left.count - 1]]), count([right[right.count - 1]]))
    }
}

extension IRInterpreter {
    /// op(a) op(b) for each matrix of the batch, summed in the order of the depth.
    static func matrixProduct(_ a: IRTensor, _ b: IRTensor, transposeLeft: Bool, transposeRight: Bool, shape: [Int]) -> IRTensor {
        let s = MatrixProductSizes(left: a.shape, right: b.shape, result: shape, transposeLeft: transposeLeft) { $0.reduce(1, *) }
        let (m, n, k) = (s.m, s.n, s.k)
        var values = Array(repeating: 0.0, count: s.batch * m * n)
        for batch in 0..<s.batch {
            let (left, right, out) = (batch * m * k, batch * k * n, batch * m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var total = 0.0
                    for p in 0..<k {
                        let x = transposeLeft ? a.values[left + p * m + i] : a.values[left + i * k + p]
                        let y = transposeRight ? b.values[right + j * k + p] : b.values[right + p * n + j]
                        total += x * y
                    }
                    values[out + i * n + j] = total
                }
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
        let s = MatrixProductSizes(
            left: shape(of: x[0]), right: shape(of: x[1]), result: instruction.type.shape, transposeLeft: transposeLeft
        ) { product($0.map(dimension)) }
        // Defaults left out: no transpose, alpha 1, beta 0. A later term of a sum of products
        // adds to the sum so far (beta 1).
        let accumulates = plan.accumulatingProducts.contains(instruction.result)
        let transposes = [transposeLeft ? "transposeA: true" : nil, transposeRight ? "transposeB: true" : nil].compactMap { $0 }
        let (a, b) = (expressions[x[0]]!, expressions[x[1]]!)
        func call(_ printer: inout CodePrinter, a: String, b: String, c: String) {
            printer.call("Kernels.matrixMultiply", arguments: transposes + [
                "m: \(s.m)", "n: \(s.n)", "k: \(s.k)", "a: \(a)", "lda: \(s.lda)", "b: \(b)", "ldb: \(s.ldb)",
            ] + (accumulates ? ["beta: 1"] : []) + ["c: \(c)", "ldc: \(s.n)"])
        }
        guard s.batch != "1" else { return call(&printer, a: a, b: b, c: out) }
        // A batch: one product per matrix, each operand's matrices one after another.
        let batch = names.fresh("batch")
        printer.loop(batch, in: "0..<\(s.batch)") { p in
            func at(_ base: String, _ rows: String, _ columns: String) -> String {
                IndexCode.offset(base, by: IndexCode.product(batch, product([rows, columns])))
            }
            call(&p, a: at(a, s.m, s.k), b: at(b, s.k, s.n), c: at(out, s.m, s.n))
        }
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
