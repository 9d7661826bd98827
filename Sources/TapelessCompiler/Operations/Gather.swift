// `gather` and `scatterAdd`: rows of a `[rows, width]` table picked by integer indices (an
// embedding lookup, PyTorch's `F.embedding(indices, table)`), and its reverse, which adds each
// row back into the row it was picked from. Their reverse rules, their batching rule, their meaning in the
// interpreter and their emitted Swift, which checks the indices and calls the runtime's
// kernels, are here; their class and cost are listed with every operation's
// (OperationClass.swift, OperationCost.swift).
//
// Both are linear in their Float operand, and each is the other's adjoint:
// Σ g·gather(t, i) = Σ t·scatterAdd(g, i). So their rules close over each other and derivatives
// of any order need nothing more. The indices take no gradient.

extension DerivativeRules {
    /// Picking rows and adding them back are each other's reverse.
    static func gatherPullback(_ op: IROp, _ g: IRValue, indices: IRValue, operandType: IRType, _ b: inout IRBuilder) -> IRValue {
        b.emit(op == .gather ? .scatterAdd : .gather, [g, indices], type: operandType)
    }
}

extension BatchingRules {
    /// A gather or scatter-add with a batched operand. Batched indices into one table gather a
    /// batch of rows directly. A batch of tables (or of rows to scatter) moves its batch axes
    /// behind the width, so each row holds every member's row, and moves them back after.
    func gather(_ instruction: IRInstruction, _ x: [IRValue], batched: [Bool], _ b: inout IRBuilder) throws -> IRValue {
        let k = batch.count
        let type = IRType.float(batch + instruction.type.shape)
        if instruction.op == .gather && !batched[0] { return b.emit(.gather, x, type: type) }
        guard !batched[1] else {
            throw Vectorization.Failure(description: "a scatter-add (an embedding's gradient) with a batch of indices has no batched form yet")
        }
        let own = Array(b.type(of: x[0]).shape.dropFirst(k))
        let width = own[own.count - 1]
        let wide = try merged([width], for: "a gather from a batch of tables")
        // [batch…, …, width] → […, width, batch…] → […, width·batch]
        let moved = b.emit(.permute(Array(k..<(k + own.count)) + Array(0..<k)), [x[0]], type: .float(own + batch))
        let flat = b.emit(.reshape, [moved], type: .float(own.dropLast() + [wide]))
        let result = instruction.type.shape
        let picked = b.emit(instruction.op, [flat, x[1]], type: .float(result.dropLast() + [wide]))
        let split = b.emit(.reshape, [picked], type: .float(result + batch))
        return b.emit(.permute(Array(result.count..<(result.count + k)) + Array(0..<result.count)), [split], type: type)
    }
}

extension IRInterpreter {
    /// Row `indices[k]` of the table at position `k`.
    static func gather(_ table: IRTensor, indices: IRTensor, shape: [Int]) throws -> IRTensor {
        let (rows, width) = (table.shape[0], table.shape[1])
        var values: [Double] = []
        values.reserveCapacity(shape.reduce(1, *))
        for (position, index) in indices.values.enumerated() {
            let row = try Self.row(index, at: position, rows: rows)
            values += table.values[row * width..<(row + 1) * width]
        }
        return IRTensor(shape: shape, values: values)
    }

    /// Row `k` of `source` added into row `indices[k]` of a zero table.
    static func scatterAdd(_ source: IRTensor, indices: IRTensor, shape: [Int]) throws -> IRTensor {
        let (rows, width) = (shape[0], shape[1])
        var values = Array(repeating: 0.0, count: rows * width)
        for (position, index) in indices.values.enumerated() {
            let row = try Self.row(index, at: position, rows: rows)
            for column in 0..<width { values[row * width + column] += source.values[position * width + column] }
        }
        return IRTensor(shape: shape, values: values)
    }

    /// The row an index picks, or the failure that names it.
    private static func row(_ index: Double, at position: Int, rows: Int) throws -> Int {
        guard let row = Int(exactly: index), (0..<rows).contains(row) else {
            throw Failure.indexOutOfRange(index: index, position: position, rows: rows)
        }
        return row
    }
}

extension FunctionEmitter {
    /// A gather or scatter-add: checks the indices, then calls the runtime's kernel.
    mutating func emitGather(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let (source, indices) = (instruction.operands[0], instruction.operands[1])
        let isGather = instruction.op == .gather
        let tableShape = isGather ? shape(of: source) : instruction.type.shape
        let table = tableShape.map(dimension)
        let count = product(shape(of: indices).map(dimension))
        if !arePositions(indices, within: tableShape[0]) {
            checkIndices(indices, count: count, rows: table[0], &printer)
        }
        let (values, picks) = (expressions[source]!, expressions[indices]!)
        if isGather {
            printer.call("Kernels.gather", arguments: [
                "table: \(values)", "width: \(table[1])", "indices: \(picks)", "count: \(count)", "output: \(out)",
            ])
        } else {
            printer.call("Kernels.scatterAdd", arguments: [
                values, "width: \(table[1])", "indices: \(picks)", "count: \(count)", "into: \(out)", "rows: \(table[0])",
            ])
        }
    }

    /// Whether indices are certainly rows of a table with `rows` rows: positions that an argmax
    /// finds along an axis no longer than that.
    private func arePositions(_ indices: IRValue, within rows: IRDimension) -> Bool {
        guard let definition = definitions[indices], case .argmax(let axis) = definition.op else { return false }
        let length = shape(of: definition.operands[0])[axis]
        if length == rows { return true }
        guard case .fixed(let positions) = length, case .fixed(let count) = rows else { return false }
        return positions <= count
    }

    /// Stops the function, with a message naming it, the indices and the index, unless every
    /// index picks a row of a table with `rows` rows: once per tensor of indices and table
    /// size, before its first use (a pullback's scatter-add reads the indices its gather checked).
    private mutating func checkIndices(_ indices: IRValue, count: String, rows: String, _ printer: inout CodePrinter) {
        guard checkedIndices[indices, default: []].insert(rows).inserted else { return }
        let argument = SwiftNames.escapedString(sourceName(of: indices, otherwise: "indices"))
        printer.call("ArgumentCheck.indices", arguments: [
            expressions[indices]!, "count: \(count)", "rows: \(rows)", "argument: \"\(argument)\"",
            "function: \"\(SwiftNames.escapedString(swiftSignature))\"",
        ])
    }
}
