/// The steps of a plan: scalar statements, fused loops, and the operations that are not
/// elementwise.
extension FunctionEmitter {
    mutating func emit(_ step: FusionPlan.Step, _ printer: inout CodePrinter) {
        switch step {
        case .scalar(let instruction):
            comment(instruction.origin, &printer)
            emitScalar(instruction, &printer)
        case .loop(let loop):
            emitLoop(loop, &printer)
        case .operation(let instruction):
            comment(instruction.origin, &printer)
            emitOperation(instruction, &printer)
        }
    }

    mutating func comment(_ origin: SourceOrigin?, _ printer: inout CodePrinter) {
        guard let origin, origin != lastOrigin else { return }
        printer.line("// \(SwiftNames.comment(origin.description))")
        lastOrigin = origin
    }

    // MARK: - Scalars

    private mutating func emitScalar(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let x = instruction.operands
        switch instruction.op {
        case .argument(let index):
            expressions[instruction.result] = argumentNames[index]
        case .parameter(let name):
            let local = names.fresh("v\(instruction.result.id)")
            printer.line("let \(local): Float = \(parameterBuffer!)[\(parameterOffsets[name]!.offset)]  // \(name)")
            expressions[instruction.result] = local
        case .constant(let value):
            expressions[instruction.result] = Self.literal(value)
        case .count(let dimensions):
            expressions[instruction.result] = "Float(\(product(dimensions.map(dimension))))"
        case .stopGradient:
            expressions[instruction.result] = expressions[x[0]]!
        default:
            let local = names.fresh("v\(instruction.result.id)")
            let type = instruction.type.element == .bool ? "Bool" : "Float"
            printer.line("let \(local): \(type) = \(elementCode(instruction, x.map { expressions[$0]! }))")
            expressions[instruction.result] = local
        }
    }

    /// The Swift expression of an elementwise instruction, given its operands' expressions.
    func elementCode(_ instruction: IRInstruction, _ operands: [String]) -> String {
        switch instruction.op {
        case .unary(let function): return ScalarCode.unary(function, operands[0])
        case .binary(let function): return ScalarCode.binary(function, operands[0], operands[1])
        case .compare(let comparison): return "\(operands[0]) \(comparison.rawValue) \(operands[1])"
        case .select: return "(\(operands[0]) ? \(operands[1]) : \(operands[2]))"
        case .broadcast, .expandAxis, .stopGradient: return operands[0]
        case .constant(let value): return Self.literal(value)
        default: preconditionFailure("\(instruction.op) is not elementwise")
        }
    }

    // MARK: - Fused loops

    private mutating func emitLoop(_ loop: FusionPlan.Loop, _ printer: inout CodePrinter) {
        let loopShape = loop.shape
        let own = Set(loop.instructions.map(\.result))
        // Reads through broadcasting, and accumulators into tensors, need one index per axis.
        let needsNest = loop.members.contains { member in
            member.operands.contains { !own.contains($0) && !shape(of: $0).isEmpty && !Fusion.readsInPlace(member, definitions[$0]!.type) }
        } || loop.accumulators.contains { !$0.type.isScalar }
        let indices = needsNest ? nestIndices(count: loopShape.count) : []

        // Storage for the stored members and accumulators, and accumulators' first values.
        var stored: [IRValue: String] = [:]
        for instruction in loop.instructions where plan.storage[instruction.result] != nil {
            comment(instruction.origin, &printer)
            stored[instruction.result] = bindStorage(instruction, &printer)
        }
        for accumulator in loop.accumulators {
            let initial = if case .reduceMax = accumulator.op { "-Float.infinity" } else { "0" }
            if accumulator.type.isScalar {
                let local = names.fresh("v\(accumulator.result.id)")
                printer.line("var \(local): Float = \(initial)")
                expressions[accumulator.result] = local
            } else {
                printer.line("\(stored[accumulator.result]!).update(repeating: \(initial), count: \(product(accumulator.type.shape.map(dimension))))")
            }
        }

        let count = product(loopShape.map(dimension))
        let flat = needsNest ? rowMajorIndex(loopShape, indices) : loopIndex
        var inner = CodePrinter(indentUnit: "    ")
        var locals: [IRValue: String] = [:]
        if needsNest { inner.line("let \(loopIndex) = \(flat)") }
        for instruction in loop.instructions {
            comment(instruction.origin, &inner)
            let isMember = loop.members.contains { $0.result == instruction.result }
            let emitter = self
            let currentLocals = locals
            func read(_ operand: IRValue) -> String {
                if let local = currentLocals[operand] { return local }
                return emitter.memoryRead(operand, by: isMember ? instruction : nil, indices: indices)
            }
            if isMember {
                let local = names.fresh("v\(instruction.result.id)")
                let type = instruction.type.element == .bool ? "Bool" : "Float"
                inner.line("let \(local): \(type) = \(elementCode(instruction, instruction.operands.map(read)))")
                locals[instruction.result] = local
                if let pointer = stored[instruction.result] {
                    inner.line(instruction.type.element == .bool ? "\(pointer)[\(loopIndex)] = \(local) ? 1 : 0" : "\(pointer)[\(loopIndex)] = \(local)")
                }
            } else {
                let value = read(instruction.operands[0])
                let target = instruction.type.isScalar
                    ? expressions[instruction.result]!
                    : "\(stored[instruction.result]!)[\(accumulatorIndex(instruction, loopShape: loopShape, indices: indices))]"
                if case .reduceMax = instruction.op {
                    inner.line("\(target) = Swift.max(\(target), \(value))")
                } else {
                    inner.line("\(target) += \(value)")
                }
            }
        }
        emitLoopNest(shape: loopShape, indices: indices, count: count, body: inner.text, &printer)
        for member in loop.members where stored[member.result] != nil {
            expressions[member.result] = stored[member.result]!
        }
    }

    /// Reads a value kept in memory (or a scalar) at the loop position, for `member` (or for
    /// an accumulator, which always reads at the loop position).
    private func memoryRead(_ operand: IRValue, by member: IRInstruction?, indices: [String]) -> String {
        let operandShape = shape(of: operand)
        let base = expressions[operand]!
        if operandShape.isEmpty { return base }
        let isBool = definitions[operand]?.type.element == .bool
        let index: String
        guard let member else { return "\(base)[\(loopIndex)]" }
        if Fusion.readsInPlace(member, definitions[operand]!.type) {
            index = loopIndex
        } else if case .expandAxis(let axis) = member.op {
            var kept = indices
            kept.remove(at: axis)
            var outer = member.type.shape
            outer.remove(at: axis)
            index = rowMajorIndex(outer, kept)
        } else {
            index = broadcastIndex(operandShape, in: member.type.shape, indices)
        }
        return isBool ? "(\(base)[\(index)] != 0)" : "\(base)[\(index)]"
    }

    /// Where an accumulator adds the value at the loop position.
    private func accumulatorIndex(_ accumulator: IRInstruction, loopShape: [IRDimension], indices: [String]) -> String {
        switch accumulator.op {
        case .reduceSum(let axis?), .reduceMax(let axis?):
            var kept = indices
            kept.remove(at: axis)
            return rowMajorIndex(accumulator.type.shape, kept)
        default:
            return broadcastIndex(accumulator.type.shape, in: loopShape, indices)
        }
    }

    /// Loop variables for a nest of `count` axes, shared by every loop of the function.
    private mutating func nestIndices(count: Int) -> [String] {
        while nestIndexNames.count < count { nestIndexNames.append(names.fresh("\(loopIndex)\(nestIndexNames.count)")) }
        return Array(nestIndexNames.prefix(count))
    }

    private func emitLoopNest(shape: [IRDimension], indices: [String], count: String, body: String, _ printer: inout CodePrinter) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard !indices.isEmpty else {
            printer.block("for \(loopIndex) in 0..<\(count) {") { $0.lines(lines) }
            return
        }
        // An axis whose index the body never reads (all reads broadcast along it) loops as `_`.
        let words = Set(body.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
        func open(_ axis: Int, _ p: inout CodePrinter) {
            if axis == indices.count {
                p.lines(lines)
                return
            }
            let variable = words.contains(indices[axis]) ? indices[axis] : "_"
            p.block("for \(variable) in 0..<\(dimension(shape[axis])) {") { open(axis + 1, &$0) }
        }
        open(0, &printer)
    }

    func rowMajorIndex(_ shape: [IRDimension], _ indices: [String]) -> String {
        var terms: [String] = []
        for axis in shape.indices where shape[axis] != .fixed(1) {
            let stride = product(shape[(axis + 1)...].map(dimension))
            terms.append(stride == "1" ? indices[axis] : "\(indices[axis]) &* \(parenthesized(stride))")
        }
        return terms.isEmpty ? "0" : terms.joined(separator: " &+ ")
    }

    /// The flat index into a tensor of `source` shape broadcast over `target` at `indices`.
    func broadcastIndex(_ source: [IRDimension], in target: [IRDimension], _ indices: [String]) -> String {
        let offset = target.count - source.count
        var terms: [String] = []
        for axis in source.indices where source[axis] != .fixed(1) {
            let stride = product(source[(axis + 1)...].filter { $0 != .fixed(1) }.map(dimension))
            let index = indices[axis + offset]
            terms.append(stride == "1" ? index : "\(index) &* \(parenthesized(stride))")
        }
        return terms.isEmpty ? "0" : terms.joined(separator: " &+ ")
    }
}
