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
            if case .parameter = instruction.op { return }  // bound where it is first read, without a comment
            comment(instruction.origin, &printer)
            emitOperation(instruction, &printer)
        case .rows(let group):
            emitRows(group, &printer)
        }
    }

    /// A comment naming the source of the code that follows, unless it reads like the last one.
    mutating func comment(_ origin: SourceOrigin?, _ printer: inout CodePrinter) {
        guard let origin, origin.description != lastOrigin?.description else { return }
        printer.comment(SwiftNames.comment(origin.description))
        lastOrigin = origin
    }

    // MARK: - Scalars

    private mutating func emitScalar(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let x = instruction.operands
        switch instruction.op {
        case .argument(let index):
            expressions[instruction.result] = argumentNames[index]
        case .parameter(let name):
            defineScalar(instruction, "\(parameterBuffer!)[\(parameterOffsets[name]!.offset)]  // \(name)", &printer)
        case .constant(let value):
            expressions[instruction.result] = Self.literal(value)
        case .count(let dimensions):
            expressions[instruction.result] = "Float(\(product(dimensions.map(dimension))))"
        case .stopGradient:
            expressions[instruction.result] = expressions[x[0]]!
        case .unary, .binary, .compare, .select, .broadcast, .expandAxis, .dropoutMask:
            defineScalar(instruction, elementCode(instruction, x.map { expressions[$0]! }, index: "0"), &printer)
        case .reduceSum, .reduceMax, .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass,
             .scatterClass, .slice, .pad, .reshape, .convolution2D, .convolution2DInputGradient,
             .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax:
            preconditionFailure("\(instruction.op) reads a tensor: the planner puts it in a loop or an operation step")
        case .loop, .elementAt:
            preconditionFailure("\(instruction.op) is not a scalar of the function: the planner gives a loop an operation step")
        case .call(let callee):
            callee.wasNotInlined()
        }
    }

    /// The Swift expression of an elementwise instruction, given its operands' expressions and
    /// the element's flat index.
    func elementCode(_ instruction: IRInstruction, _ operands: [String], index: String) -> String {
        guard let code = instruction.op.elementSwift(operands, at: site(index: index)) else {
            preconditionFailure("the planner gave \(instruction.op), which is not elementwise, to an elementwise step")
        }
        return code
    }

    /// The place of the element at flat position `index`, for the operations that read it.
    func site(index: String) -> ElementSite {
        let streams = maskStreams
        return ElementSite(index: index) { streams[$0]! }
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
        let stored = openLoop(loop, &printer)

        let count = product(loopShape.map(dimension))
        let origin = lastOrigin
        // A loop of fewer elements than a SIMD vector holds runs one element at a time only.
        let isShort = loopShape.allSatisfy { $0.fixedValue != nil } && loopShape.map { $0.fixedValue! }.reduce(1, *) < Self.lanes
        if !needsNest, !isShort, Self.canRunInLanes(loop, stored: stored) {
            // Eight elements at a time in SIMD registers, with partial sums per lane, then the rest.
            let lanes = Self.lanes
            let end = names.fresh("laneEnd")
            printer.declare(end, value: "\(parenthesized(count)) & ~\(lanes - 1)")
            var laneSums: [IRValue: String] = [:]
            for accumulator in loop.accumulators {
                let name = names.fresh("\(expressions[accumulator.result]!)Lanes")
                laneSums[accumulator.result] = name
                printer.declare(name, value: "SIMD\(lanes)<Float>(repeating: \(Self.initialValue(of: accumulator)))", mutable: true)
            }
            if let phases = LanePhases(loop) {
                emitBlocks(loop, phases, stored: stored, laneEnd: end, laneSums: laneSums, &printer)
            } else {
                let vectorBody = loopBody(loop, stored: stored, indices: [], laneSums: laneSums)
                printer.loop(Self.loopVariable(loopIndex, in: vectorBody), in: "stride(from: 0, to: \(end), by: \(lanes))") { $0.append(vectorBody) }
            }
            for accumulator in loop.accumulators {
                let combine = if case .reduceMax = accumulator.op { "max" } else { "sum" }
                printer.assign(expressions[accumulator.result]!, "\(laneSums[accumulator.result]!).\(combine)()")
            }
            lastOrigin = origin
            let scalarBody = loopBody(loop, stored: stored, indices: [], laneSums: nil)
            printer.loop(Self.loopVariable(loopIndex, in: scalarBody), in: "\(end)..<\(count)") { $0.append(scalarBody) }
        } else if needsNest, case let merged = mergeableTrailingAxes(loop, own: own), merged >= 2 {
            // Trailing axes that every read indexes alike run as one contiguous axis, which the
            // Swift compiler vectorizes (a per-channel bias over [batch, c, h, w] is [batch, c, h·w]).
            let keep = loopShape.count - merged
            nestMerge = Array(loopShape[keep...])
            let mergedShape = mergingTrailingAxes(loopShape)
            let mergedIndices = nestIndices(count: keep + 1)
            let body = loopBody(loop, stored: stored, indices: mergedIndices, laneSums: nil)
            emitLoopNest(shape: mergedShape, indices: mergedIndices, count: count, body: body, &printer)
            nestMerge = nil
        } else {
            let body = loopBody(loop, stored: stored, indices: indices, laneSums: nil)
            emitLoopNest(shape: loopShape, indices: indices, count: count, body: body, &printer)
        }
        closeLoop(loop, stored: stored)
    }

    /// The vector part of a lane loop in blocks of `Kernels.scratchBlock` elements, each in
    /// the phases of `phases`, with the block kernels between them (see ``LanePhases``).
    private mutating func emitBlocks(
        _ loop: FusionPlan.Loop, _ phases: LanePhases, stored: [IRValue: String], laneEnd: String,
        laneSums: [IRValue: String], _ printer: inout CodePrinter
    ) {
        var blocks: [IRValue: String] = [:]
        for (value, slot) in phases.slots.sorted(by: { $0.value < $1.value }) {
            let name = names.fresh("\(expressions[value]!)Block")
            blocks[value] = name
            printer.declare(name, value: "Kernels.blockScratch(slot: \(slot))")
        }
        let start = names.fresh("blockStart"), count = names.fresh("blockCount"), lane = names.fresh("j")
        var block = CodePrinter(indentUnit: "    ")
        block.declare(count, value: "Swift.min(Kernels.scratchBlock, \(laneEnd) &- \(start))")
        for phase in 0..<phases.count {
            var body = loopBody(
                loop, stored: stored, indices: [], laneSums: laneSums,
                phase: .init(plan: phases, current: phase, blocks: blocks, lane: lane))
            if CodePrinter.codeWords(of: body).contains(Substring(loopIndex)) {
                body.insert(.declaration(.init(isMutable: false, name: loopIndex, value: "\(start) &+ \(lane)")), at: 0)
            }
            block.loop(Self.loopVariable(lane, in: body), in: "stride(from: 0, to: \(count), by: \(Self.lanes))") { $0.append(body) }
            for instruction in loop.members where phases.phase[instruction.result] == phase {
                if let kernel = phases.kernels[instruction.result] {
                    block.line("Kernels.apply(.\(kernel), to: \(blocks[instruction.result]!), count: \(count))")
                }
            }
        }
        printer.loop(start, in: "stride(from: 0, to: \(laneEnd), by: Kernels.scratchBlock)") { $0.append(block.statements) }
    }

    /// How many trailing axes of a nested loop (of fixed sizes) every read through broadcasting
    /// and every accumulator index alike: each has all of them or none of them.
    private func mergeableTrailingAxes(_ loop: FusionPlan.Loop, own: Set<IRValue>) -> Int {
        let loopShape = loop.shape
        let rank = loopShape.count
        /// Whether a shape aligned at the end with the loop has each of its axes.
        func aligned(_ shape: [IRDimension]) -> [Bool] {
            (0..<rank).map { axis in axis >= rank - shape.count && shape[axis - (rank - shape.count)] == loopShape[axis] }
        }
        var patterns: [[Bool]] = []
        // An axis that a read inserts or an accumulator removes stays its own: their indices
        // drop it by position.
        var limit = rank
        for member in loop.members {
            for operand in member.operands where !own.contains(operand) && !shape(of: operand).isEmpty {
                let type = definitions[operand]!.type
                if Fusion.readsInPlace(member, type) { continue }
                if case .expandAxis(let axis) = member.op {
                    limit = min(limit, rank - 1 - axis)
                } else {
                    patterns.append(aligned(type.shape))
                }
            }
        }
        for accumulator in loop.accumulators where !accumulator.type.isScalar {
            switch accumulator.op {
            case .reduceSum(let axis?), .reduceMax(let axis?): limit = min(limit, rank - 1 - axis)
            case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis,
                 .reduceSum(nil), .reduceMax(nil), .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass,
                 .scatterClass, .slice, .pad, .reshape, .convolution2D, .convolution2DInputGradient,
                 .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd,
                 .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
                patterns.append(aligned(accumulator.type.shape))
            }
        }
        // Axes of size 1 in the loop are read alike either way.
        var merged = 0, region = patterns.map { _ -> Bool? in nil }
        while merged < limit, loopShape[rank - 1 - merged].fixedValue != nil {
            let axis = rank - 1 - merged
            if loopShape[axis] != .fixed(1) {
                guard patterns.indices.allSatisfy({ region[$0] == nil || region[$0] == patterns[$0][axis] }) else { break }
                for index in patterns.indices { region[index] = patterns[index][axis] }
            }
            merged += 1
        }
        return merged
    }

    /// `shape` (aligned at the end with the loop being printed) with the loop's merged trailing
    /// axes as one: their product where it has them, 1 where it broadcasts over them.
    func mergingTrailingAxes(_ shape: [IRDimension]) -> [IRDimension] {
        guard let trailing = nestMerge else { return shape }
        let own = Array(repeating: IRDimension.fixed(1), count: max(0, trailing.count - shape.count)) + shape.suffix(trailing.count)
        let hasThem = zip(own, trailing).allSatisfy { $1 == .fixed(1) || $0 == $1 }
        let length = trailing.compactMap(\.fixedValue).reduce(1, *)
        return Array(shape.dropLast(min(trailing.count, shape.count))) + [.fixed(hasThem ? length : 1)]
    }

    /// Binds the storage of a loop's stored values, starts its accumulators and names its
    /// members; returns the pointers of the stored values.
    private mutating func openLoop(_ loop: FusionPlan.Loop, _ printer: inout CodePrinter) -> [IRValue: String] {
        var stored: [IRValue: String] = [:]
        for instruction in loop.instructions where plan.storage[instruction.result] != nil {
            comment(instruction.origin, &printer)
            stored[instruction.result] = bindStorage(instruction, &printer)
        }
        for accumulator in loop.accumulators {
            if accumulator.type.isScalar {
                expressions[accumulator.result] = declareVariable(accumulator.result, initial: Self.initialValue(of: accumulator), &printer)
            } else {
                printer.line("\(stored[accumulator.result]!).update(repeating: \(Self.initialValue(of: accumulator)), count: \(product(accumulator.type.shape.map(dimension))))")
            }
        }
        for member in loop.members { expressions[member.result] = valueName(member) }
        return stored
    }

    /// After a loop, later steps read its stored members from memory.
    private mutating func closeLoop(_ loop: FusionPlan.Loop, stored: [IRValue: String]) {
        for member in loop.members where stored[member.result] != nil {
            expressions[member.result] = stored[member.result]!
        }
    }

    // MARK: - Row loops

    /// One loop over the rows running each step on the row in turn. What must exist before the
    /// loop (storage, accumulators' first values) is printed first, step by step.
    private mutating func emitRows(_ group: FusionPlan.RowLoop, _ printer: inout CodePrinter) {
        let row = names.fresh("row")
        rowLabels = [:]
        var body = CodePrinter(indentUnit: "    ")
        // The prologue and the body are two texts: each repeats a line's comment on its own.
        var origins: (prologue: SourceOrigin?, body: SourceOrigin?) = (lastOrigin, nil)
        for step in group.steps {
            lastOrigin = origins.prologue
            switch step {
            case .loop(let loop):
                let stored = openLoop(loop, &printer)
                origins.prologue = lastOrigin
                lastOrigin = origins.body
                let indices = [row] + nestIndices(count: loop.shape.count).dropFirst()
                let lines = loopBody(loop, stored: stored, indices: indices, laneSums: nil)
                if loop.shape.count == 1 {
                    let sums = innermostSums
                    body.block("do {") { p in
                        for sum in sums { p.declare(sum.local, type: "Float", value: sum.isMax ? "-Float.infinity" : "0", mutable: true) }
                        p.append(lines)
                        for sum in sums {
                            if sum.isMax { p.assign(sum.target, "Swift.max(\(sum.target), \(sum.local))") } else { p.assign(sum.target, sum.local, operator: "+=") }
                        }
                    }
                } else {
                    emitLoopNest(shape: loop.shape, indices: indices, count: "", body: lines, fromAxis: 1, &body)
                }
                closeLoop(loop, stored: stored)
            case .operation(let instruction):
                comment(instruction.origin, &printer)
                let out = bindStorage(instruction, &printer)
                origins.prologue = lastOrigin
                lastOrigin = origins.body
                comment(instruction.origin, &body)
                emitRowOperation(instruction, into: out, row: row, &body)
            case .scalar, .rows:
                preconditionFailure("a row loop holds only loops and row operations")
            }
            origins.body = lastOrigin
        }
        lastOrigin = nil
        printer.line("// Row by row: each row of the steps below is computed while it is in cache.")
        printer.loop(Self.loopVariable(row, in: body.statements), in: "0..<\(dimension(group.rows))") { $0.append(body.statements) }
    }

    /// The width of SIMD loops: two SSE registers on baseline x86-64, enough for ILP without a
    /// long remainder.
    static let lanes = 8
    /// The vector type of ``lanes`` floats.
    static let vectorType = "SIMD\(lanes)<Float>"

    /// The vector of ``lanes`` floats at `pointer`, which need not be aligned.
    static func vectorLoad(_ pointer: String) -> String { "UnsafeRawPointer(\(pointer)).loadUnaligned(as: \(vectorType).self)" }

    /// Stores the vector `value` as the ``lanes`` floats at `pointer`.
    static func vectorStore(_ value: String, at pointer: String) -> String {
        "UnsafeMutableRawPointer(\(pointer)).storeBytes(of: \(value), as: \(vectorType).self)"
    }

    /// The first value of a scalar variable the body fills: a reduction's accumulator, or a
    /// log-sum-exp's result (assigned once its line is done).
    static func initialValue(of accumulator: IRInstruction) -> String {
        if case .reduceMax = accumulator.op { return "-Float.infinity" }
        return "0"
    }

    /// Whether a flat loop can run in SIMD lanes: every member has a lane form, every
    /// accumulator is a whole reduction, and no truth value goes through memory.
    static func canRunInLanes(_ loop: FusionPlan.Loop, stored: [IRValue: String]) -> Bool {
        loop.members.allSatisfy { member in
            member.op.hasLaneForm && !(member.type.element == .bool && stored[member.result] != nil)
        } && loop.accumulators.allSatisfy(\.type.isScalar)
    }

    /// The statements of one loop iteration, in lanes when `laneSums` names the accumulators'
    /// lane vectors, else one element at a time.
    private mutating func loopBody(
        _ loop: FusionPlan.Loop, stored: [IRValue: String], indices: [String], laneSums: [IRValue: String]?,
        phase: PhaseBody? = nil
    ) -> [CodePrinter.Statement] {
        var inner = CodePrinter(indentUnit: "    ")
        innermostSums = []
        let inLanes = laneSums != nil
        let members = Set(loop.members.map(\.result))
        // Members that only pass a named value on (a broadcast of a value of the same kind),
        // read as that name instead of a copy.
        var copies: [IRValue: LaneOperand] = [:]
        for instruction in loop.instructions {
            let isMember = members.contains(instruction.result)
            if let phase {
                if phase.plan.kernels[instruction.result] != nil, phase.plan.phase[instruction.result]! + 1 == phase.current,
                   let pointer = stored[instruction.result] {
                    // A kernel's results reach memory in the phase after it.
                    comment(instruction.origin, &inner)
                    inner.line(Self.vectorStore(phase.load(instruction.result), at: "\(pointer) + \(loopIndex)"))
                }
                guard phase.plan.phase[instruction.result] == phase.current else { continue }
            }
            let operands = instruction.operands.map { operand -> LaneOperand in
                if let copy = copies[operand] { return copy }
                if let phase, members.contains(operand), phase.plan.readsFromScratch(operand, in: instruction.result) {
                    return .init(code: phase.load(operand), isVector: true, vectorType: Self.vectorType)
                }
                if members.contains(operand) { return .init(code: expressions[operand]!, isVector: inLanes, vectorType: Self.vectorType) }
                let isTensor = !shape(of: operand).isEmpty
                if inLanes && isTensor {
                    let load = Self.vectorLoad("\(expressions[operand]!) + \(loopIndex)")
                    // Truth values live in memory as 0 and 1.
                    let isBool = definitions[operand]?.type.element == .bool
                    return .init(code: isBool ? "(\(load) .!= 0)" : load, isVector: true, vectorType: Self.vectorType)
                }
                return .init(
                    code: memoryRead(operand, by: isMember ? instruction : nil, indices: indices), isVector: false,
                    vectorType: Self.vectorType)
            }
            if isMember, phase == nil, stored[instruction.result] == nil, let copied = Self.copiedOperand(instruction, operands, inLanes: inLanes) {
                copies[instruction.result] = copied
                continue
            }
            comment(instruction.origin, &inner)
            if isMember {
                let local = expressions[instruction.result]!
                if let phase, phase.plan.kernels[instruction.result] != nil {
                    // The kernel's operand, which it replaces by the result after this phase.
                    inner.line(phase.store(operands[0].vector, of: instruction.result))
                } else if inLanes {
                    inner.declare(local, value: instruction.op.laneSwift(operands, vectorType: Self.vectorType, at: site(index: loopIndex))!)
                    if let pointer = stored[instruction.result] {
                        inner.line(Self.vectorStore(local, at: "\(pointer) + \(loopIndex)"))
                    }
                    if let phase, phase.plan.slots[instruction.result] != nil {
                        inner.line(phase.store(local, of: instruction.result))
                    }
                } else {
                    inner.declare(local, type: Self.elementType(of: instruction), value: elementCode(instruction, operands.map(\.code), index: loopIndex))
                    if let pointer = stored[instruction.result] {
                        inner.assign("\(pointer)[\(loopIndex)]", instruction.type.element == .bool ? "\(local) ? 1 : 0" : local)
                    }
                }
            } else {
                let value = operands[0].code
                var target = if let laneSums { laneSums[instruction.result]! } else if instruction.type.isScalar {
                    expressions[instruction.result]!
                } else {
                    "\(stored[instruction.result]!)[\(accumulatorIndex(instruction, loopShape: loop.shape, indices: indices))]"
                }
                // An element that stays put along the innermost axis sums in a register there:
                // adding into memory each time waits for the previous store.
                if let innermost = indices.last, !instruction.type.isScalar, !target.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).contains(Substring(innermost)) {
                    let local = names.fresh("\(expressions[instruction.result]!)Run")
                    innermostSums.append((local, target, instruction.op.isMaxReduction))
                    target = local
                }
                if case .reduceMax = instruction.op {
                    inner.assign(target, inLanes ? "pointwiseMax(\(target), \(value))" : "Swift.max(\(target), \(value))")
                } else {
                    inner.assign(target, value, operator: "+=")
                }
            }
        }
        // In a nest, the flat position, unless no statement reads memory at it.
        guard !indices.isEmpty, Self.loopVariable(loopIndex, in: inner.statements) != "_" else { return inner.statements }
        let index = CodePrinter.Declaration(isMutable: false, name: loopIndex, value: rowMajorIndex(loop.shape, indices))
        return [.declaration(index)] + inner.statements
    }

    /// One phase of a block of a lane loop (see ``LanePhases``): which it is, and the names of
    /// the scratch blocks and of the position in the block.
    struct PhaseBody {
        var plan: LanePhases
        var current: Int
        var blocks: [IRValue: String]
        var lane: String

        /// The vector of `value` at the current position of its scratch block.
        func load(_ value: IRValue) -> String {
            FunctionEmitter.vectorLoad("\(blocks[value]!) + \(lane)")
        }

        /// Puts `vector` at the current position of `value`'s scratch block.
        func store(_ vector: String, of value: IRValue) -> String {
            FunctionEmitter.vectorStore(vector, at: "\(blocks[value]!) + \(lane)")
        }
    }

    /// The operand a loop member passes on unchanged, when it is a plain name already of the
    /// member's kind (a vector in lanes, a `Float` one at a time), so a copy would add nothing.
    private static func copiedOperand(_ member: IRInstruction, _ operands: [LaneOperand], inLanes: Bool) -> LaneOperand? {
        switch member.op {
        case .broadcast, .expandAxis, .stopGradient:
            let operand = operands[0]
            let isName = operand.code.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            return isName && operand.isVector == inLanes ? operand : nil
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .reduceSum, .reduceMax,
             .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad,
             .reshape, .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect,
             .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .call, .loop, .elementAt:
            return nil
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
        case .reduceSum(nil), .reduceMax(nil), .sumToShape:
            return broadcastIndex(accumulator.type.shape, in: loopShape, indices)
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis,
             .matmul, .transpose, .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape,
             .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect,
             .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
            preconditionFailure("\(accumulator.op) is not a reduction, so it accumulates nothing")
        }
    }

    /// Loop variables for a nest of `count` axes, shared by every loop of the function.
    private mutating func nestIndices(count: Int) -> [String] {
        while nestIndexNames.count < count { nestIndexNames.append(names.fresh("\(loopIndex)\(nestIndexNames.count)")) }
        return Array(nestIndexNames.prefix(count))
    }

    /// The loops over `shape` (from axis `fromAxis`, whose outer indices are already bound)
    /// around `lines`; one flat loop of `count` when there are no `indices`.
    private func emitLoopNest(
        shape: [IRDimension], indices: [String], count: String, body lines: [CodePrinter.Statement], fromAxis: Int = 0,
        _ printer: inout CodePrinter
    ) {
        guard !indices.isEmpty else {
            printer.loop(Self.loopVariable(loopIndex, in: lines), in: "0..<\(count)") { $0.append(lines) }
            return
        }
        let sums = innermostSums
        func open(_ axis: Int, _ p: inout CodePrinter) {
            if axis == indices.count {
                p.append(lines)
                return
            }
            let isInnermost = axis == indices.count - 1
            if isInnermost {
                for sum in sums { p.declare(sum.local, type: "Float", value: sum.isMax ? "-Float.infinity" : "0", mutable: true) }
            }
            // The body is built first: besides `lines`, it holds the write-back of inner sums,
            // which reads this loop's index even where `lines` does not.
            var body = CodePrinter(indentUnit: "    ")
            open(axis + 1, &body)
            p.loop(Self.loopVariable(indices[axis], in: body.statements), in: "0..<\(dimension(shape[axis]))") {
                $0.append(body.statements)
            }
            if isInnermost {
                for sum in sums {
                    if sum.isMax { p.assign(sum.target, "Swift.max(\(sum.target), \(sum.local))") } else { p.assign(sum.target, sum.local, operator: "+=") }
                }
            }
        }
        open(fromAxis, &printer)
    }

    /// `index`, or `_` when the loop's body never reads it: along an axis that every read
    /// broadcasts over, or in a loop that only accumulates a value computed without reading
    /// memory. Swift warns about a loop variable that is never used.
    static func loopVariable(_ index: String, in body: [CodePrinter.Statement]) -> String {
        CodePrinter.codeWords(of: body).contains(Substring(index)) ? index : "_"
    }

    func rowMajorIndex(_ fullShape: [IRDimension], _ indices: [String]) -> String {
        let shape = mergingTrailingAxes(fullShape)
        return IndexCode.sum(shape.indices.filter { shape[$0] != .fixed(1) }.map { axis in
            IndexCode.product(indices[axis], product(shape[(axis + 1)...].map(dimension)))
        })
    }

    /// The flat index into a tensor of `source` shape broadcast over `target` at `indices`.
    func broadcastIndex(_ fullSource: [IRDimension], in fullTarget: [IRDimension], _ indices: [String]) -> String {
        let (source, target) = (mergingTrailingAxes(fullSource), mergingTrailingAxes(fullTarget))
        let offset = target.count - source.count
        return IndexCode.sum(source.indices.filter { source[$0] != .fixed(1) }.map { axis in
            IndexCode.product(indices[axis + offset], product(source[(axis + 1)...].filter { $0 != .fixed(1) }.map(dimension)))
        })
    }
}
