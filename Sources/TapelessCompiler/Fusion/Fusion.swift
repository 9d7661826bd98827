/// Groups a function's instructions into fused loops and plans its buffers.
///
/// Grouping is greedy in program order. An elementwise instruction joins the loop of its
/// operands (or the latest loop over the same shape) when every value it reads from outside
/// is ready before that loop starts; a reduction joins the loop of its operand as an
/// accumulator. A join that would make two loops depend on each other is refused, so the
/// groups can always be ordered. Steps that work row by row then share one loop over the rows
/// (``RowGrouping``).
public enum Fusion {
    /// The plan for `function`. `gradientOffsets` places each parameter's gradient directly in
    /// the caller's gradient buffer, so it is written in place instead of copied.
    /// `orderAfter` adds dependencies the IR does not show: a pullback's seed argument is only
    /// known once the caller has seen the output, so it must come after the output's value.
    public static func plan(
        _ function: IRFunction, gradientOffsets: [String: Int] = [:], orderAfter: [IRValue: IRValue] = [:]
    ) -> FusionPlan {
        var grouping = Grouping(function: function, orderAfter: orderAfter)
        grouping.run()
        let steps = RowGrouping(function: function, orderAfter: orderAfter).group(grouping.schedule())
        var buffers = BufferPlanner(function: function, steps: steps, gradientOffsets: gradientOffsets)
        return FusionPlan(function: function, steps: steps, storage: buffers.assign(), slots: buffers.slots)
    }

    /// Whether an instruction computes each result element from the same position of its
    /// operands (reading smaller operands through broadcasting or an inserted axis).
    static func isFusible(_ instruction: IRInstruction) -> Bool {
        guard !instruction.type.isScalar else { return false }
        switch instruction.op {
        case .unary, .binary, .compare, .select, .broadcast, .expandAxis, .constant: return true
        default: return false
        }
    }

    /// Whether an instruction is a reduction that a loop over its operand can accumulate.
    static func isAccumulable(_ instruction: IRInstruction) -> Bool {
        switch instruction.op {
        case .reduceSum, .reduceMax, .sumToShape: return true
        default: return false
        }
    }

    /// Whether a loop member reads `operand` at the loop's own position (rather than through
    /// broadcasting or an inserted axis, which needs the operand in memory).
    static func readsInPlace(_ member: IRInstruction, _ operandType: IRType) -> Bool {
        if case .expandAxis = member.op { return false }
        return operandType.shape == member.type.shape
    }
}

/// The greedy grouping: which loop each fusible instruction joins.
struct Grouping {
    let function: IRFunction
    let definitions: [IRValue: IRInstruction]
    /// The order of each value's instruction in the function.
    let position: [IRValue: Int]
    /// The loop of each grouped value (members and accumulators).
    var loopOf: [IRValue: Int] = [:]
    /// The loops: their iteration shape and instructions (results).
    var loops: [(shape: [IRDimension], values: Set<IRValue>)] = []
    /// The loop members (computed at each position), as opposed to accumulators.
    var members: Set<IRValue> = []
    /// Extra dependencies: each key must run after its value.
    let orderAfter: [IRValue: IRValue]

    init(function: IRFunction, orderAfter: [IRValue: IRValue]) {
        self.function = function
        self.orderAfter = orderAfter
        definitions = function.definitions()
        position = Dictionary(uniqueKeysWithValues: function.instructions.enumerated().map { ($1.result, $0) })
    }

    mutating func run() {
        for instruction in function.instructions {
            if Fusion.isFusible(instruction) {
                placeMember(instruction)
            } else if Fusion.isAccumulable(instruction) {
                placeAccumulator(instruction)
            }
        }
        sinkIntoConsumers()
    }

    /// Moves a member that only a later loop reads into that loop, when everything it reads is
    /// in memory anyway: recomputing it there is cheaper than storing it and reading it back.
    /// (The derivative of relu, `step(relu(x))`, moves next to the gradient it masks.)
    private mutating func sinkIntoConsumers() {
        var users: [IRValue: [IRValue]] = [:]
        for instruction in function.instructions {
            for operand in instruction.operands { users[operand, default: []].append(instruction.result) }
        }
        let results = Set(function.results.map(\.value))
        for instruction in function.instructions.reversed() where members.contains(instruction.result) {
            let value = instruction.result
            guard let home = loopOf[value], !results.contains(value), let readers = users[value], !readers.isEmpty,
                  let target = loopOf[readers[0]], target != home, loops[target].shape == loops[home].shape,
                  readers.allSatisfy({ loopOf[$0] == target && members.contains($0) })
            else { continue }
            // Every tensor it reads must already be kept in memory for some other reader.
            let readsMemory = instruction.operands.allSatisfy { operand in
                guard !type(operand).isScalar, loopOf[operand] == home, members.contains(operand) else { return true }
                return (users[operand] ?? []).contains { $0 != value && loopOf[$0] != home } || results.contains(operand)
            }
            guard readsMemory else { continue }
            loops[home].values.remove(value)
            loopOf[value] = nil
            if join(value, into: [target]) { continue }
            loops[home].values.insert(value)
            loopOf[value] = home
        }
    }

    private func type(_ value: IRValue) -> IRType { definitions[value]!.type }

    /// A member joins the loops of its in-place operands (merging them), else the latest loop
    /// over its shape, else a new loop.
    private mutating func placeMember(_ instruction: IRInstruction) {
        let shape = instruction.type.shape
        let operandLoops = instruction.operands.compactMap { operand -> Int? in
            guard members.contains(operand), Fusion.readsInPlace(instruction, type(operand)) else { return nil }
            return loopOf[operand]
        }
        var candidates: [[Int]] = []
        if !operandLoops.isEmpty { candidates.append(Array(Set(operandLoops)).sorted()) }
        candidates += operandLoops.map { [$0] }
        if let latest = loops.indices.last(where: { loops[$0].shape == shape }) { candidates.append([latest]) }
        for loopSet in candidates where loopSet.allSatisfy({ loops[$0].shape == shape }) {
            if join(instruction.result, into: loopSet) {
                members.insert(instruction.result)
                return
            }
        }
        loops.append((shape, [instruction.result]))
        loopOf[instruction.result] = loops.count - 1
        members.insert(instruction.result)
    }

    /// A reduction joins the loop of its operand (or the latest loop over the operand's shape).
    private mutating func placeAccumulator(_ instruction: IRInstruction) {
        let operand = instruction.operands[0]
        let shape = type(operand).shape
        var candidates: [Int] = []
        if members.contains(operand), let loop = loopOf[operand] { candidates.append(loop) }
        if let latest = loops.indices.last(where: { loops[$0].shape == shape }) { candidates.append(latest) }
        for loop in candidates where loops[loop].shape == shape {
            if join(instruction.result, into: [loop]) { return }
        }
        loops.append((shape, [instruction.result]))
        loopOf[instruction.result] = loops.count - 1
    }

    /// Puts `value` into the union of `loopSet` if the result can still be ordered.
    private mutating func join(_ value: IRValue, into loopSet: [Int]) -> Bool {
        var merged = Set([value])
        for loop in loopSet { merged.formUnion(loops[loop].values) }
        guard isOrderable(merged) else { return false }
        let target = loopSet[0]
        for loop in loopSet.dropFirst() {
            for member in loops[loop].values { loopOf[member] = target }
            loops[loop].values = []
        }
        loops[target].values = merged
        loopOf[value] = target
        return true
    }

    /// Whether a loop made of `group` could run at one point: nothing it reads may depend on
    /// anything it computes. Dependencies flow through whole loops, since a loop's values all
    /// become available together when it ends.
    private func isOrderable(_ group: Set<IRValue>) -> Bool {
        func node(_ value: IRValue) -> Int { loopOf[value] ?? (loops.count + position[value]!) }
        // The nodes (loops or single instructions) that can only run after the group.
        var after = Set<Int>()
        var changed = true
        while changed {
            changed = false
            for instruction in function.instructions where !group.contains(instruction.result) {
                let current = node(instruction.result)
                guard !after.contains(current) else { continue }
                if inputs(of: instruction).contains(where: { group.contains($0) || after.contains(node($0)) }) {
                    after.insert(current)
                    changed = true
                }
            }
        }
        // A reduction's result exists only once its loop has ended, so nothing in the loop reads it.
        let accumulators = group.filter { Fusion.isAccumulable(definitions[$0]!) }
        return !group.contains { value in
            inputs(of: definitions[value]!).contains {
                accumulators.contains($0) || (!group.contains($0) && after.contains(node($0)))
            }
        }
    }

    /// The steps in an order that respects every dependency, close to program order.
    func schedule() -> [FusionPlan.Step] {
        // Nodes: each non-empty loop, and each instruction outside loops (arguments and
        // parameter reads are free and need no step).
        var nodeOf: [IRValue: Int] = [:]
        var nodes: [[IRInstruction]] = []
        var loopNode: [Int: Int] = [:]
        for instruction in function.instructions {
            if let loop = loopOf[instruction.result] {
                if let node = loopNode[loop] {
                    nodes[node].append(instruction)
                    nodeOf[instruction.result] = node
                    continue
                }
                loopNode[loop] = nodes.count
            }
            nodeOf[instruction.result] = nodes.count
            nodes.append([instruction])
        }
        var dependencies = nodes.map { _ in Set<Int>() }
        var dependents = nodes.map { _ in [Int]() }
        for (node, instructions) in nodes.enumerated() {
            for instruction in instructions {
                for operand in inputs(of: instruction) where nodeOf[operand] != node {
                    if dependencies[node].insert(nodeOf[operand]!).inserted { dependents[nodeOf[operand]!].append(node) }
                }
            }
        }
        // Kahn's algorithm, always taking the ready node that comes first in the program.
        var waitingFor = dependencies.map(\.count)
        var ready = MinimumHeap(nodes.indices.filter { waitingFor[$0] == 0 })
        var steps: [FusionPlan.Step] = []
        while let next = ready.popMinimum() {
            steps.append(step(for: nodes[next]))
            for dependent in dependents[next] {
                waitingFor[dependent] -= 1
                if waitingFor[dependent] == 0 { ready.insert(dependent) }
            }
        }
        precondition(steps.count == nodes.count, "fusion produced a cycle")
        return steps
    }

    /// The values an instruction must wait for: its operands and any extra dependency.
    private func inputs(of instruction: IRInstruction) -> [IRValue] {
        instruction.operands + (orderAfter[instruction.result].map { [$0] } ?? [])
    }

    private func step(for instructions: [IRInstruction]) -> FusionPlan.Step {
        let first = instructions[0]
        if let loop = loopOf[first.result] {
            return .loop(FusionPlan.Loop(
                shape: loops[loop].shape,
                members: instructions.filter { members.contains($0.result) },
                accumulators: instructions.filter { !members.contains($0.result) }))
        }
        return first.type.isScalar && !isTensorOperation(first) ? .scalar(first) : .operation(first)
    }

    private func isTensorOperation(_ instruction: IRInstruction) -> Bool {
        instruction.operands.contains { !type($0).isScalar } && !Fusion.isAccumulable(instruction)
    }
}
