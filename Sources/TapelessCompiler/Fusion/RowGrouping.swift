/// Merges consecutive steps that work row by row over the same leading dimension into one
/// ``FusionPlan/RowLoop``, so softmax with cross-entropy, and its gradient, make one pass over
/// the logits instead of one pass per step.
///
/// A step joins the current group when it reads what the group computed only at its own row:
/// in place, or through an axis inserted after the rows (`expandAxis` 1 of a per-row value).
/// Reductions across rows (such as the loss's sum) are complete only after the whole group,
/// so no later step of the group may read them. Scalar steps and parameter reads in between
/// move out of the way: before the group when they read nothing it computes, else after it.
/// A group is kept only when it holds a row operation or a reduction along the rows (where
/// running row by row saves a pass); otherwise its steps stay as they were.
struct RowGrouping {
    let definitions: [IRValue: IRInstruction]
    let orderAfter: [IRValue: IRValue]

    init(function: IRFunction, orderAfter: [IRValue: IRValue]) {
        definitions = function.definitions()
        self.orderAfter = orderAfter
    }

    func group(_ steps: [FusionPlan.Step]) -> [FusionPlan.Step] {
        var result: [FusionPlan.Step] = []
        var current: Group?
        for step in steps {
            if current?.admit(step, self) == true { continue }
            if let group = current { result += group.steps }
            current = Group(starting: step, self)
            if current == nil { result.append(step) }
        }
        if let group = current { result += group.steps }
        return result
    }

    /// The leading dimension a step works along, row by row, if it does.
    func rows(of step: FusionPlan.Step) -> IRDimension? {
        switch step {
        case .loop(let loop):
            return loop.shape.first
        case .operation(let instruction):
            guard isRowOperation(instruction) else { return nil }
            return matrixShape(of: instruction).first
        case .scalar, .rows:
            return nil
        }
    }

    /// Operations that compute each row of their result from the same row of their operands.
    func isRowOperation(_ instruction: IRInstruction) -> Bool {
        switch instruction.op {
        case .logSumExp(let axis), .softmax(let axis):
            return axis == 1 && matrixShape(of: instruction).count == 2
        case .pickClass, .scatterClass:
            return true
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis,
             .reduceSum, .reduceMax, .sumToShape, .matmul, .transpose, .slice, .pad, .reshape, .convolution2D,
             .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask,
             .stopGradient, .call, .loop, .elementAt:
            return false
        }
    }

    /// The `[rows, columns]` shape a row operation walks.
    private func matrixShape(of instruction: IRInstruction) -> [IRDimension] {
        if case .scatterClass = instruction.op { return instruction.type.shape }
        return type(instruction.operands[0]).shape
    }

    /// Whether an accumulator reduces along each row (its result keeps the rows), so that its
    /// value for a row is complete as soon as its loop has passed that row.
    func isPerRow(_ accumulator: IRInstruction, in loop: FusionPlan.Loop) -> Bool {
        switch accumulator.op {
        case .reduceSum(let axis?), .reduceMax(let axis?):
            return axis > 0
        case .sumToShape:
            return accumulator.type.shape.count == loop.shape.count && accumulator.type.shape.first == loop.shape.first
        case .reduceSum(nil), .reduceMax(nil):
            return false
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis,
             .matmul, .transpose, .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape,
             .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect,
             .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
            return false  // not an accumulator
        }
    }

    /// Whether `reader` (a member of a loop, or a row operation) reads `operand` only at its own row.
    func readsOwnRow(_ reader: IRInstruction, _ operand: IRValue) -> Bool {
        if isRowOperation(reader) || Fusion.isAccumulable(reader) { return true }
        let operandShape = type(operand).shape
        switch reader.op {
        case .expandAxis(let axis): return axis > 0
        case .broadcast: return operandShape.count == reader.type.shape.count && operandShape.first == reader.type.shape.first
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .reduceSum, .reduceMax,
             .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad,
             .reshape, .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect,
             .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
            return Fusion.readsInPlace(reader, type(operand))
        }
    }

    func inputs(of instruction: IRInstruction) -> [IRValue] {
        instruction.operands + (orderAfter[instruction.result].map { [$0] } ?? [])
    }

    private func type(_ value: IRValue) -> IRType { definitions[value]!.type }
}

/// A group being formed: the steps of its row loop, the steps moved before and after it, and
/// which of its values later steps may read row by row.
private struct Group {
    let rows: IRDimension
    /// The steps as they were scheduled, in case the group is not worth keeping.
    var original: [FusionPlan.Step]
    var before: [FusionPlan.Step] = []
    var inner: [FusionPlan.Step] = []
    var after: [FusionPlan.Step] = []
    /// Everything the group computes (or moved after it).
    var computed: Set<IRValue> = []
    /// The values a later step of the group may read at its own row.
    var readableByRow: Set<IRValue> = []
    /// Whether running row by row saves a pass (a row operation or a reduction along rows).
    var savesAPass = false

    init?(starting step: FusionPlan.Step, _ grouping: RowGrouping) {
        guard let rows = grouping.rows(of: step) else { return nil }
        self.rows = rows
        original = []
        guard admit(step, grouping) else { return nil }
    }

    /// The steps to run: a row loop when it is worth it, else the original steps.
    var steps: [FusionPlan.Step] {
        guard inner.count > 1, savesAPass else { return original }
        return before + [.rows(FusionPlan.RowLoop(rows: rows, steps: inner))] + after
    }

    /// Adds `step` to the group (or moves it before or after the group) if it can run there.
    mutating func admit(_ step: FusionPlan.Step, _ grouping: RowGrouping) -> Bool {
        switch step {
        case .scalar(let instruction):
            move(step, readingGroup: readsGroup(instruction, grouping), result: instruction.result)
            return true
        case .operation(let instruction) where Self.isFree(instruction):
            guard !readsGroup(instruction, grouping) else { return false }
            move(step, readingGroup: false, result: instruction.result)
            return true
        default:
            guard grouping.rows(of: step) == rows else { return false }
            return join(step, grouping)
        }
    }

    /// Steps that only name a value (a parameter, an argument, a constant): no loop to run.
    private static func isFree(_ instruction: IRInstruction) -> Bool {
        switch instruction.op.operationClass {
        case .name: true
        case .elementwise: if case .constant = instruction.op { true } else { false }
        case .reduction, .row, .kernel: false
        }
    }

    private func readsGroup(_ instruction: IRInstruction, _ grouping: RowGrouping) -> Bool {
        grouping.inputs(of: instruction).contains { computed.contains($0) }
    }

    private mutating func move(_ step: FusionPlan.Step, readingGroup: Bool, result: IRValue) {
        original.append(step)
        if readingGroup {
            after.append(step)
            computed.insert(result)
        } else {
            before.append(step)
        }
    }

    private mutating func join(_ step: FusionPlan.Step, _ grouping: RowGrouping) -> Bool {
        let instructions = BufferPlanner.instructions(of: step)
        let own = Set(instructions.map(\.result))
        for instruction in instructions {
            for input in grouping.inputs(of: instruction) where computed.contains(input) && !own.contains(input) {
                guard readableByRow.contains(input), grouping.readsOwnRow(instruction, input) else { return false }
            }
        }
        original.append(step)
        inner.append(step)
        computed.formUnion(own)
        switch step {
        case .loop(let loop):
            readableByRow.formUnion(loop.members.map(\.result))
            for accumulator in loop.accumulators where grouping.isPerRow(accumulator, in: loop) {
                readableByRow.insert(accumulator.result)
                savesAPass = true
            }
        case .operation(let instruction):
            readableByRow.insert(instruction.result)
            savesAPass = true
        case .scalar, .rows:
            break
        }
        return true
    }
}
