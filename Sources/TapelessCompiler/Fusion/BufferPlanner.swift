/// Decides which tensor values live in memory and where: one workspace slot per value,
/// reused by later values of the same size (and kind: Int values have slots of their own)
/// once its last reader has run, or the caller's gradient buffer for a parameter's gradient.
struct BufferPlanner {
    let function: IRFunction
    let steps: [FusionPlan.Step]
    /// The caller's gradient buffer offset for each parameter's gradient result.
    let gradientOffsets: [IRValue: Int]
    /// Values written into another value's gradient storage: the products of a sum that
    /// ``ProductSums`` folded, with the sum.
    let sharing: [IRValue: IRValue]
    let resultValues: Set<IRValue>
    /// The instructions that read each value.
    let readers: [IRValue: [IRValue]]
    private(set) var slots: [[IRDimension]] = []
    private(set) var integerSlots: [[IRDimension]] = []

    init(function: IRFunction, steps: [FusionPlan.Step], gradientOffsets: [String: Int], sharing: [IRValue: IRValue] = [:]) {
        self.function = function
        self.steps = steps
        self.sharing = sharing
        self.gradientOffsets = Self.gradientsInPlace(of: function, offsets: gradientOffsets)
        resultValues = Set(function.results.map(\.value))
        readers = function.users()
    }

    /// The values `function` returns as a parameter's gradient, each with the offset of that
    /// parameter's gradient in the caller's buffer (`offsets`, by parameter name), where it
    /// is written in place.
    static func gradientsInPlace(of function: IRFunction, offsets: [String: Int]) -> [IRValue: Int] {
        var inPlace: [IRValue: Int] = [:]
        for result in function.results {
            if case .gradient(.parameter(let name)) = result.role, inPlace[result.value] == nil {
                inPlace[result.value] = offsets[name]
            }
        }
        return inPlace
    }

    mutating func assign() -> [IRValue: FusionPlan.Storage] {
        let lastUse = Self.lastReadingSteps(steps, of: function, function.definitions())
        // The values read for the last time at each step, in a stable order.
        var lastReaders: [Int: [IRValue]] = [:]
        for (value, last) in lastUse.sorted(by: { $0.key < $1.key }) { lastReaders[last, default: []].append(value) }

        var storage: [IRValue: FusionPlan.Storage] = [:]
        var free: [String: [Int]] = [:]
        var usedOffsets = Set<Int>()
        for (sum, offset) in Set(sharing.values).compactMap({ sum in gradientOffsets[sum].map { (sum, $0) } }) {
            storage[sum] = .gradient(offset: offset)
            usedOffsets.insert(offset)
        }
        for (index, step) in steps.enumerated() {
            for instruction in needingStorage(step) {
                if let sum = sharing[instruction.result], let place = storage[sum] {
                    storage[instruction.result] = place
                    continue
                }
                if let offset = gradientOffsets[instruction.result], !usedOffsets.contains(offset) {
                    storage[instruction.result] = .gradient(offset: offset)
                    usedOffsets.insert(offset)
                    continue
                }
                let isInteger = instruction.type.element == .int
                let key = Self.sizeKey(instruction.type.shape, isInteger: isInteger)
                if let slot = free[key]?.popLast() {
                    storage[instruction.result] = isInteger ? .integers(slot: slot) : .workspace(slot: slot)
                } else if isInteger {
                    integerSlots.append(instruction.type.shape)
                    storage[instruction.result] = .integers(slot: integerSlots.count - 1)
                } else {
                    slots.append(instruction.type.shape)
                    storage[instruction.result] = .workspace(slot: slots.count - 1)
                }
            }
            // Slots whose values are read for the last time here become free for later steps.
            for value in lastReaders[index] ?? [] {
                switch storage[value] {
                case .workspace(let slot): free[Self.sizeKey(slots[slot], isInteger: false), default: []].append(slot)
                case .integers(let slot): free[Self.sizeKey(integerSlots[slot], isInteger: true), default: []].append(slot)
                case .gradient, nil: break
                }
            }
        }
        return storage
    }

    /// The last of `steps` that reads each value of `function` (a `stopGradient` counts as
    /// its operand); `steps.count` for the results, which are read after the last step.
    static func lastReadingSteps(
        _ steps: [FusionPlan.Step], of function: IRFunction, _ definitions: [IRValue: IRInstruction]
    ) -> [IRValue: Int] {
        var last: [IRValue: Int] = [:]
        for (index, step) in steps.enumerated() {
            for operand in instructions(of: step).flatMap(\.operands) { last[resolve(operand, definitions)] = index }
        }
        for result in function.results { last[resolve(result.value, definitions)] = steps.count }
        return last
    }

    /// The value a `stopGradient` stands for (it is the same memory).
    static func resolve(_ value: IRValue, _ definitions: [IRValue: IRInstruction]) -> IRValue {
        var current = value
        while let definition = definitions[current], definition.op == .stopGradient {
            current = definition.operands[0]
        }
        return current
    }

    static func instructions(of step: FusionPlan.Step) -> [IRInstruction] {
        switch step {
        case .scalar(let instruction), .operation(let instruction): return [instruction]
        case .loop(let loop): return loop.instructions
        case .rows(let group): return group.steps.flatMap(instructions(of:))
        }
    }

    /// The tensor values a step writes to memory: an operation's result, a loop member read
    /// by another step or returned, a loop's tensor-shaped accumulators. A row loop's values
    /// all live until it ends, since its steps take turns on every row.
    private func needingStorage(_ step: FusionPlan.Step) -> [IRInstruction] {
        switch step {
        case .scalar:
            return []
        case .operation(let instruction):
            // A name's value is already in memory (an argument, a parameter, its operand); a
            // log-sum-exp of a whole vector is a scalar the emitter keeps in a variable.
            if case .logSumExp = instruction.op, instruction.type.isScalar { return [] }
            return instruction.op.operationClass == .name ? [] : [instruction]
        case .loop(let loop):
            let own = Set(loop.instructions.map(\.result))
            return loop.members.filter { member in
                resultValues.contains(member.result) || (readers[member.result] ?? []).contains { !own.contains($0) }
            } + loop.accumulators.filter { !$0.type.isScalar }
        case .rows(let group):
            return group.steps.flatMap(needingStorage)
        }
    }

    /// Sizes with the same factors share slots, of Floats or of integers.
    static func sizeKey(_ shape: [IRDimension], isInteger: Bool) -> String {
        (isInteger ? "Int " : "") + shape.map(\.description).filter { $0 != "1" }.sorted().joined(separator: "*")
    }
}
