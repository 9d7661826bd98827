/// A loop that runs as a loop (a `for` loop the checker found to compute only scalars, or a
/// `while` loop): its body is lowered once, as the body function of one ``IRLoop``.
extension FunctionLowering {
    /// Lowers `loop` to one loop instruction that runs `count` times.
    mutating func lowerRolledLoop(_ loop: ForLoop, count: Int) throws {
        try lowerLoop(loop.body, index: loop.index.name, count: count, condition: nil, range: loop.range)
    }

    /// Lowers `loop` to one loop instruction that runs while its condition holds, at most
    /// `bound` times.
    mutating func lowerWhileLoop(_ loop: WhileLoop, bound: Int) throws {
        try lowerLoop(loop.body, index: "iteration", count: bound, condition: loop.condition, range: loop.range)
    }

    /// Lowers a loop's `statements` to one loop instruction, with `condition` (if any) computed
    /// first in each iteration. The variables the statements assign are carried; every other
    /// value from outside (locals, arguments, model parameters) that the body reads becomes an
    /// invariant; after the loop, each carried variable is its final value.
    private mutating func lowerLoop(_ statements: [Statement], index indexName: String, count: Int, condition: Expr?, range: SourceRange) throws {
        var carriedNames: [String] = []
        for name in statements.assignedNames where locals[name] != nil && !carriedNames.contains(name) { carriedNames.append(name) }
        let invariantNames = locals.keys.filter { !carriedNames.contains($0) }.sorted()
        let outer = (builder: builder, locals: locals, arguments: arguments)

        // The body's arguments: the index, the carried variables, then everything else it may read.
        builder = IRBuilder()
        var bodyArguments = [IRArgument(name: indexName, type: IRType(.int))]
        var outerValues: [IRValue] = []
        let named = carriedNames.map { ($0, outer.locals[$0]!) } + invariantNames.map { ($0, outer.locals[$0]!) }
            + zip(functionArgumentNames, outer.arguments).map { ($0, $1) }
        let index = builder.emit(.argument(0), type: IRType(.int))
        var standIns: [IRValue] = []
        for (name, value) in named {
            let type = outer.builder.type(of: value)
            bodyArguments.append(IRArgument(name: name, type: type))
            outerValues.append(value)
            standIns.append(builder.emit(.argument(bodyArguments.count - 1), type: type))
        }
        for (offset, name) in (carriedNames + invariantNames).enumerated() { locals[name] = standIns[offset] }
        arguments = Array(standIns.suffix(outer.arguments.count))

        rolledIndex = (indexName, index)
        let holds = try condition.map { try lower($0) }
        try lower(statements)
        rolledIndex = nil
        let results = carriedNames.enumerated().map { IRResult(name: "carried\($0)", value: locals[$1]!) }
            + (holds.map { [IRResult(name: "condition", value: $0)] } ?? [])
        var body = IRFunction(
            name: "step", arguments: bodyArguments, instructions: builder.instructions,
            results: results)
        (builder, locals, arguments) = outer

        builder.origin = SourceOrigin(range: range, text: lowering.text(range, upTo: "{"), segment: segment)
        defer { builder.origin = nil }
        for (position, instruction) in body.instructions.enumerated() {
            guard case .parameter(let name) = instruction.op else { continue }
            body.arguments.append(IRArgument(name: name, type: instruction.type))
            body.instructions[position].op = .argument(body.arguments.count - 1)
            outerValues.append(builder.emit(.parameter(name), type: instruction.type))
        }
        try validate(body)
        let (pruned, kept) = body.droppingUnusedArguments(after: 1 + carriedNames.count)
        let operands = kept.map { outerValues[$0 - 1] }
        let extent: IRLoop.Extent = condition == nil ? .counted : .whileCondition
        var loop = IRLoop(count: count, extent: extent, isReversed: false, carried: carriedNames.count, outputs: [], body: pruned)
        loop.checkpointInterval = program.checkpointIntervals[range.start] ?? 1
        let ran = builder.loop(loop, operands: operands)
        for (name, value) in zip(carriedNames, ran.carried) {
            builder.name(value, name)
            locals[name] = value
        }
    }

    /// A subscript down to one element of a tensor from outside the loop, inside a loop's body:
    /// its row-major position is the index times a stride plus an offset.
    mutating func elementRead(of base: IRValue, _ indices: [SubscriptIndex], index: (name: String, value: IRValue)) throws -> IRValue {
        let shape = builder.type(of: base).shape.compactMap(\.fixedValue)
        guard shape.count == indices.count, shape.count == builder.type(of: base).shape.count else {
            throw Lowering.Failure(description: "a loop's body reads part of a tensor, not one element")
        }
        var (stride, offset, rowStride) = (0, 0, 1)
        for (axis, subscriptIndex) in indices.enumerated().reversed() {
            switch subscriptIndex {
            case .index(let position, _):
                offset += position * rowStride
            case .position(let expression):
                guard let position = program.positions[expression.id] else {
                    throw Lowering.Failure(description: "the position at \(expression.range.start) was not checked")
                }
                offset += position.value(at: loopIndices) * rowStride
                stride += (position.coefficients[index.name] ?? 0) * rowStride
            case .all, .range, .strided:
                throw Lowering.Failure(description: "a loop's body reads part of a tensor, not one element")
            }
            rowStride *= shape[axis]
        }
        return builder.emit(.elementAt(stride: stride, offset: offset), [base, index.value], type: .scalar)
    }

    /// Stops at a body the checker should not have let run as a loop: one that computes a
    /// tensor or uses an operation the loop's code has no scalar form of.
    private func validate(_ body: IRFunction) throws {
        for instruction in body.instructions {
            let allowed: Bool
            switch instruction.op {
            case .argument: allowed = true
            case .constant, .count, .unary, .binary, .compare, .select, .stopGradient, .broadcast, .elementAt:
                allowed = instruction.type.isScalar
            case .parameter, .matmul, .transpose, .permute, .iota, .sumToShape, .reduceSum, .reduceMax, .expandAxis,
                 .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .gather, .scatterAdd, .argmax,
                 .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter,
                 .dropoutMask, .call, .loop:
                allowed = false
            }
            guard allowed else {
                throw Lowering.Failure(description: "the body of '\(body.name)' computes \(instruction.op) : \(instruction.type), not a scalar")
            }
        }
    }
}

extension IRFunction {
    /// The function without the arguments from `first` on that no instruction reads, and the
    /// old indices of the arguments it keeps after argument 0 (a loop's index, always kept):
    /// operand `i - 1` of a loop belongs to its body's argument `i`.
    func droppingUnusedArguments(after first: Int, keeping needed: Set<Int> = []) -> (IRFunction, kept: [Int]) {
        var read = Set(results.map(\.value))
        for instruction in instructions { read.formUnion(instruction.operands) }
        var newIndex: [Int: Int] = [:]
        var kept: [Int] = []
        for index in arguments.indices {
            let value = instructions.first { $0.op == .argument(index) }?.result
            guard index < first || needed.contains(index) || value.map(read.contains) == true else { continue }
            newIndex[index] = kept.count
            kept.append(index)
        }
        var function = self
        function.arguments = kept.map { arguments[$0] }
        function.instructions = instructions.compactMap { instruction in
            guard case .argument(let index) = instruction.op else { return instruction }
            guard let renumbered = newIndex[index] else { return nil }
            var copy = instruction
            copy.op = .argument(renumbered)
            return copy
        }
        return (function, kept.dropFirst().map { $0 })
    }
}

extension [Statement] {
    /// The names assigned to here and in nested loops and branches, in source order.
    var assignedNames: [String] {
        flatMap { statement -> [String] in
            switch statement {
            case .binding: return []
            case .assignment(let assignment): return [assignment.name.name]
            case .loop(let loop): return loop.body.assignedNames
            case .whileLoop(let loop): return loop.body.assignedNames
            case .branch(let branch): return branch.thenBody.assignedNames + branch.elseBody.assignedNames
            case .destructuring(let destructuring): return destructuring.kind == .assignment ? destructuring.boundNames.map(\.name) : []
            }
        }
    }
}
