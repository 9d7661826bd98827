/// Long bodies run as a sequence of `do { }` blocks of about 48 lines each.
///
/// Swift looks up a name used in a function by walking back through every `let` before it in
/// the enclosing braces, so a body of thousands of statements type-checks in time that grows
/// with the square of its length (15 s for a 120-layer model's Swift). In blocks, a lookup
/// walks its own block and the few declarations between blocks: each block binds again the
/// pointers it reads (`let v41 = slot15` costs nothing at run time), and a scalar that a
/// later step reads is declared before the block that computes it.
extension FunctionEmitter {
    /// A part of the body: one block of steps, or one step printed in the body itself.
    enum Segment {
        case block(Range<Int>)
        case step(Int)
    }

    /// About how many lines of steps go into one block.
    static let blockLength = 48

    /// The body's segments: a body of at most two blocks' length stays one piece; a step that
    /// opens a scope for the rest of the body (the pullback's output gradient) always stays
    /// in the body itself.
    func segments() -> [Segment] {
        let lengths = plan.steps.map(Self.length)
        guard lengths.reduce(0, +) > 2 * Self.blockLength else { return plan.steps.indices.map(Segment.step) }
        var segments: [Segment] = []
        var start = 0
        var length = 0
        func close(before end: Int) {
            if start < end { segments.append(.block(start..<end)) }
            start = end
            length = 0
        }
        for (index, step) in plan.steps.enumerated() {
            if opensScope(step) {
                close(before: index)
                segments.append(.step(index))
                start = index + 1
                continue
            }
            length += lengths[index]
            if length >= Self.blockLength { close(before: index + 1) }
        }
        close(before: plan.steps.count)
        return segments
    }

    /// About how many lines a step prints.
    static func length(of step: FusionPlan.Step) -> Int {
        switch step {
        case .scalar, .operation: 1
        case .loop(let loop): loop.members.count + loop.accumulators.count + 3
        case .rows(let group): group.steps.map(length).reduce(3, +)
        }
    }

    /// Whether the code after `step` runs inside a scope the step opens.
    func opensScope(_ step: FusionPlan.Step) -> Bool {
        guard case .operation(let instruction) = step else { return false }
        return isOutputGradient(instruction)
    }

    /// Whether `instruction` reads a pullback's output gradient, which the caller's closure
    /// writes once it is handed the output.
    func isOutputGradient(_ instruction: IRInstruction) -> Bool {
        guard case .pullbackIntoGradient = style, case .argument(let index) = instruction.op else { return false }
        return index == function.arguments.count - 1
    }

    /// Prints the steps in `range` as one block, after declaring the scalars that later steps
    /// (or the results) read, as `lastReadingSteps` (``BufferPlanner/lastReadingSteps(_:of:_:)``) tells.
    mutating func emitBlock(_ range: Range<Int>, lastReadingSteps: [IRValue: Int], _ printer: inout CodePrinter) {
        for index in range {
            for (instruction, initial) in scalarLocals(of: plan.steps[index])
            where lastReadingSteps[instruction.result, default: 0] >= range.upperBound {
                let name = valueName(instruction)
                predeclared[instruction.result] = name
                if let initial {
                    printer.declare(name, type: "Float", value: initial, mutable: true)
                } else {
                    printer.declare(name, type: Self.elementType(of: instruction), value: nil)
                }
            }
        }
        let outside = boundAliases
        printer.block("do {") { printer in
            bindAliases(of: range.flatMap { BufferPlanner.instructions(of: plan.steps[$0]) }.flatMap(\.operands), &printer)
            lastOrigin = nil
            for index in range { emit(plan.steps[index], &printer) }
        }
        boundAliases = outside
    }

    /// Prints again the pointers to `values` that were bound only in earlier blocks.
    mutating func bindAliases(of values: [IRValue], _ printer: inout CodePrinter) {
        for value in values.map({ BufferPlanner.resolve($0, definitions) }) {
            guard let binding = aliasBindings[value], boundAliases.insert(value).inserted else { continue }
            printer.declare(binding)
        }
    }

    /// Names the pointer to each tensor parameter the body reads; each is bound just before
    /// the first step (or block) that reads it.
    mutating func nameParameterPointers() {
        for case .operation(let instruction) in plan.steps {
            guard case .parameter(let name) = instruction.op else { continue }
            let local = valueName(instruction)
            aliasBindings[instruction.result] = CodePrinter.Declaration(
                isMutable: false, name: local, value: IndexCode.offset("\(parameterBuffer!).baseAddress!", by: String(parameterOffsets[name]!.offset)),
                note: name)
            expressions[instruction.result] = local
        }
    }

    /// Records and prints the declaration that binds a pointer, so later blocks can print it again.
    mutating func bindAlias(_ value: IRValue, _ binding: CodePrinter.Declaration, _ printer: inout CodePrinter) {
        aliasBindings[value] = binding
        boundAliases.insert(value)
        printer.declare(binding)
    }

    /// The scalars a step keeps in locals of the body: each with the first value of a variable
    /// it accumulates into (`var`), or `nil` for a value defined once (`let`).
    private func scalarLocals(of step: FusionPlan.Step) -> [(IRInstruction, initial: String?)] {
        switch step {
        case .scalar(let instruction):
            switch instruction.op {
            case .argument, .constant, .count, .stopGradient, .loop, .elementAt: return []
            case .parameter, .unary, .binary, .compare, .select, .broadcast, .expandAxis, .reduceSum, .reduceMax,
                 .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad,
                 .reshape, .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect,
                 .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask:
                return [(instruction, nil)]
            case .call(let callee): callee.wasNotInlined()
            }
        case .loop(let loop):
            return loop.accumulators.filter(\.type.isScalar).map { ($0, Self.initialValue(of: $0)) }
        case .operation(let instruction):
            switch instruction.op {
            case .logSumExp where instruction.type.isScalar: return [(instruction, Self.initialValue(of: instruction))]
            case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis,
                 .reduceSum, .reduceMax, .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass,
                 .scatterClass, .slice, .pad, .reshape, .convolution2D, .convolution2DInputGradient,
                 .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient,
                 .loop, .elementAt:
                return []
            case .call(let callee): callee.wasNotInlined()
            }
        case .rows(let group):
            return group.steps.flatMap(scalarLocals)
        }
    }
}
