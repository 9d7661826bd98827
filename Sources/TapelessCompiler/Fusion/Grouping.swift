/// The greedy grouping: which loop each fusible instruction joins.
///
/// Every join is checked to keep the loops orderable. The check walks forward from the joined
/// group, so its cost is the part of the function that depends on the group and is already
/// placed, not the whole function: grouping takes near-linear time on long chains.
struct Grouping {
    /// A loop being formed.
    struct Loop {
        let shape: [IRDimension]
        /// Its instructions (results): members and accumulators.
        var values: Set<IRValue>
        /// Its reductions, whose results exist only once the loop has ended.
        var accumulators: [IRValue]
        /// The instructions outside the loop that wait for one of its values.
        var dependents: Set<IRValue>
        /// Whether it computes values of the forward pass (`false`) or values of checkpointed
        /// segments again (`true`); `nil` while it computes neither (see ``phase(of:)``).
        var recomputes: Bool?
    }

    let function: IRFunction
    let definitions: [IRValue: IRInstruction]
    /// The order of each value's instruction in the function.
    let position: [IRValue: Int]
    /// The loop of each grouped value (members and accumulators).
    var loopOf: [IRValue: Int] = [:]
    var loops: [Loop] = []
    /// The last loop created over each shape.
    var latestLoop: [[IRDimension]: Int] = [:]
    /// The loop members (computed at each position), as opposed to accumulators.
    var members: Set<IRValue> = []
    /// Extra dependencies: each key must run after its value.
    let orderAfter: [IRValue: IRValue]
    /// The instructions that read each value as an operand.
    let users: [IRValue: [IRValue]]
    /// The instructions that must wait for each value: its users and the extra dependencies.
    let dependents: [IRValue: [IRValue]]
    /// For each instruction, the keys of `orderAfter` that wait for it, directly or through its
    /// users: the only way back to earlier instructions from it.
    let keysWaitingFor: [IRValue: Set<IRValue>]
    /// The position of the last instruction placed so far. Nothing after it is in a loop yet.
    var placedThrough = 0

    init(function: IRFunction, orderAfter: [IRValue: IRValue]) {
        self.function = function
        self.orderAfter = orderAfter
        definitions = function.definitions()
        position = Dictionary(uniqueKeysWithValues: function.instructions.enumerated().map { ($1.result, $0) })
        let users = function.users()
        self.users = users
        var dependents = users
        var keysWaitingFor: [IRValue: Set<IRValue>] = [:]
        for (later, earlier) in orderAfter {
            dependents[earlier, default: []].append(later)
            keysWaitingFor[earlier, default: []].insert(later)
        }
        self.dependents = dependents
        if !orderAfter.isEmpty {
            // Users come after their operands, so one backward pass sees every path.
            for instruction in function.instructions.reversed() {
                for user in users[instruction.result] ?? [] {
                    if let keys = keysWaitingFor[user] { keysWaitingFor[instruction.result, default: []].formUnion(keys) }
                }
            }
        }
        self.keysWaitingFor = keysWaitingFor
    }

    mutating func run() {
        for instruction in function.instructions {
            placedThrough = position[instruction.result]!
            if Fusion.isFusible(instruction) {
                placeMember(instruction)
            } else if Fusion.isAccumulable(instruction) {
                placeAccumulator(instruction)
            }
        }
        placedThrough = function.instructions.count
        sinkIntoConsumers()
    }

    /// Moves a member that only a later loop reads into that loop, when everything it reads is
    /// in memory anyway: recomputing it there is cheaper than storing it and reading it back.
    /// (The derivative of relu, `step(relu(x))`, moves next to the gradient it masks.)
    private mutating func sinkIntoConsumers() {
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
            let homeBefore = loops[home]
            loops[home].values.remove(value)
            loops[home].dependents = dependents(outside: loops[home].values)
            loopOf[value] = nil
            if join(value, into: [target]) { continue }
            loops[home] = homeBefore
            loopOf[value] = home
        }
    }

    private func type(_ value: IRValue) -> IRType { definitions[value]!.type }

    private func isAccumulator(_ value: IRValue) -> Bool { Fusion.isAccumulable(definitions[value]!) }

    /// The instructions outside `values` that wait for one of them.
    private func dependents(outside values: Set<IRValue>) -> Set<IRValue> {
        var outside = Set<IRValue>()
        for value in values {
            for dependent in dependents[value] ?? [] where !values.contains(dependent) { outside.insert(dependent) }
        }
        return outside
    }

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
        if let latest = latestLoop[shape] { candidates.append([latest]) }
        members.insert(instruction.result)
        var tried = Set<[Int]>()
        for loopSet in candidates where tried.insert(loopSet).inserted && loopSet.allSatisfy({ loops[$0].shape == shape }) {
            if join(instruction.result, into: loopSet) { return }
        }
        startLoop(shape, with: instruction.result)
    }

    /// A reduction joins the loop of its operand (or the latest loop over the operand's shape).
    private mutating func placeAccumulator(_ instruction: IRInstruction) {
        let operand = instruction.operands[0]
        let shape = type(operand).shape
        var candidates: [Int] = []
        if members.contains(operand), let loop = loopOf[operand] { candidates.append(loop) }
        if let latest = latestLoop[shape] { candidates.append(latest) }
        for loop in candidates where loops[loop].shape == shape {
            if join(instruction.result, into: [loop]) { return }
        }
        startLoop(shape, with: instruction.result)
    }

    private mutating func startLoop(_ shape: [IRDimension], with value: IRValue) {
        loops.append(Loop(
            shape: shape, values: [value], accumulators: isAccumulator(value) ? [value] : [],
            dependents: Set(dependents[value] ?? []), recomputes: phase(of: value)))
        loopOf[value] = loops.count - 1
        latestLoop[shape] = loops.count - 1
    }

    /// Whether `value` is a checkpointed segment's value computed again in the reverse pass
    /// (`true`, see `Recomputation.swift`) or a value of the forward pass (`false`); `nil` for
    /// a derivative or bookkeeping. The two kinds never share a loop: it would run when the
    /// later may, keeping the forward pass's values alive until the reverse pass.
    private func phase(of value: IRValue) -> Bool? {
        guard let origin = definitions[value]?.origin, !origin.isDerivative else { return nil }
        return origin.isRecomputed
    }

    /// Puts `value` into the union of `loopSet` if the result can still be ordered.
    private mutating func join(_ value: IRValue, into loopSet: [Int]) -> Bool {
        let phases = Set(([phase(of: value)] + loopSet.map { loops[$0].recomputes }).compactMap { $0 })
        guard phases.count < 2, isOrderable(joining: value, into: loopSet) else { return false }
        let target = loopSet[0]
        // Grow the largest set in place: merging costs the size of the smaller loops.
        let largest = loopSet.max { loops[$0].values.count < loops[$1].values.count }!
        var merged = takeLoop(largest)
        if largest != target { for member in merged.values { loopOf[member] = target } }
        merged.values.insert(value)
        if isAccumulator(value) { merged.accumulators.append(value) }
        merged.dependents.formUnion(dependents[value] ?? [])
        for loop in loopSet where loop != largest {
            let other = takeLoop(loop)
            for member in other.values { loopOf[member] = target }
            merged.values.formUnion(other.values)
            merged.accumulators += other.accumulators
            merged.dependents.formUnion(other.dependents)
        }
        merged.dependents = merged.dependents.filter { !merged.values.contains($0) }
        merged.recomputes = phases.first
        loops[target] = merged
        loopOf[value] = target
        return true
    }

    /// Moves a loop's contents out, leaving it empty (its index stays, as other loops' do).
    private mutating func takeLoop(_ loop: Int) -> Loop {
        let contents = loops[loop]
        loops[loop] = Loop(shape: contents.shape, values: [], accumulators: [], dependents: [])
        return contents
    }

    /// Whether the loop made of `value` and the loops in `loopSet` could run at one point:
    /// nothing it reads may depend on anything it computes.
    ///
    /// The walk goes forward from the group. Dependencies flow through whole loops, since a
    /// loop's values all become available together when it ends, so the walk enters every loop
    /// it reaches as a whole. It does not go past `placedThrough`: instructions there are in no
    /// loop yet and their users come later still, so the only way back from them is an extra
    /// dependency (`orderAfter`), which the walk follows directly.
    private func isOrderable(joining value: IRValue, into loopSet: [Int]) -> Bool {
        func isInGroup(_ candidate: IRValue) -> Bool {
            candidate == value || loopOf[candidate].map(loopSet.contains) == true
        }
        // A reduction's result exists only once its loop has ended, so nothing in the loop reads
        // it. Each loop already keeps this rule; only the new value and the merge can break it.
        var accumulators = loopSet.count > 1 ? loopSet.flatMap { loops[$0].accumulators } : []
        if isAccumulator(value) { accumulators.append(value) }
        if inputs(of: definitions[value]!).contains(where: { isInGroup($0) && isAccumulator($0) })
            || accumulators.contains(where: { (dependents[$0] ?? []).contains(where: isInGroup) }) {
            return false
        }
        var enteredLoops = Set<Int>()
        var reached = Set<IRValue>()
        var followedKeys = Set<IRValue>()
        var frontier: [IRValue] = []
        // Records an instruction that waits for the group; false if it is in the group itself.
        func reach(_ dependent: IRValue) -> Bool {
            if isInGroup(dependent) { return false }
            if position[dependent]! > placedThrough {
                for key in keysWaitingFor[dependent] ?? [] where followedKeys.insert(key).inserted {
                    guard reach(key) else { return false }
                }
            } else if let loop = loopOf[dependent] {
                if enteredLoops.insert(loop).inserted { frontier += loops[loop].values }
            } else if reached.insert(dependent).inserted {
                frontier.append(dependent)
            }
            return true
        }
        // A path that leaves the group must come back through an input from outside. The loops
        // have no path back to themselves (they are ordered), so when one loop takes a value
        // that nothing outside can lead to, only paths from the value itself need a look.
        let valueIsReachable = inputs(of: definitions[value]!).contains { !isInGroup($0) && canBeReached($0) }
        let starts = loopSet.count > 1 || valueIsReachable ? loopSet.flatMap { loops[$0].dependents } : []
        for dependent in starts + (dependents[value] ?? []) where !isInGroup(dependent) {
            guard reach(dependent) else { return false }
        }
        while let next = frontier.popLast() {
            for dependent in dependents[next] ?? [] {
                guard reach(dependent) else { return false }
            }
        }
        return true
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

    /// Whether any path can lead to `value`: false for a lone instruction that waits for
    /// nothing (an argument, a parameter, a constant).
    private func canBeReached(_ value: IRValue) -> Bool {
        loopOf[value] != nil || !inputs(of: definitions[value]!).isEmpty
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
                instructions: instructions,
                members: instructions.filter { members.contains($0.result) },
                accumulators: instructions.filter { !members.contains($0.result) }))
        }
        return first.type.isScalar && !isTensorOperation(first) ? .scalar(first) : .operation(first)
    }

    private func isTensorOperation(_ instruction: IRInstruction) -> Bool {
        instruction.operands.contains { !type($0).isScalar } && !Fusion.isAccumulable(instruction)
    }
}
