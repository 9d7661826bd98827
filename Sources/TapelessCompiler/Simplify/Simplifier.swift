/// Simplifies IR without changing what it computes: constant folding, algebraic identities,
/// common-subexpression elimination and dead-code elimination, repeated until nothing changes.
///
/// Derived code is full of multiplications by one, additions of zero and repeated
/// subexpressions; after this pass it reads like the derivative a person would write.
public enum Simplifier {
    /// Returns `function` simplified. Once no derivative will be taken of it any more
    /// (`derivativesTaken`), `stopGradient(x)` is `x`.
    public static func simplify(_ function: IRFunction, derivativesTaken: Bool = false) -> IRFunction {
        var current = function
        while true {
            let next = droppingUnreadLoopOutputs(eliminateDeadCode(rewrite(current, derivativesTaken: derivativesTaken)))
            if next == current { return next }
            current = next
        }
    }

    private struct Key: Hashable {
        var op: IROp
        var operands: [IRValue]
        var type: IRType
    }

    /// One forward pass of folding, identities and CSE.
    private static func rewrite(_ function: IRFunction, derivativesTaken: Bool) -> IRFunction {
        var replacement: [IRValue: IRValue] = [:]
        var seen: [Key: IRValue] = [:]
        var constants: [IRValue: Double] = [:]
        var definitions: [IRValue: IRInstruction] = [:]
        var kept: [IRInstruction] = []
        // Sized once: growing these tables dominated the pass on large derived functions.
        seen.reserveCapacity(function.instructions.count)
        definitions.reserveCapacity(function.instructions.count)
        kept.reserveCapacity(function.instructions.count)

        for original in function.instructions {
            var instruction = original
            instruction.operands = instruction.operands.map { replacement[$0] ?? $0 }

            // Folding and identities may produce a new constant instruction or an existing value.
            switch simplified(instruction, constants: constants, definitions: definitions, derivativesTaken: derivativesTaken) {
            case .value(let value) where value != instruction.result:
                replacement[instruction.result] = value
                continue
            case .constant(let number):
                instruction.op = .constant(number)
                instruction.operands = []
            case .rewritten(let op, let operands):
                instruction.op = op
                instruction.operands = operands
                // A loop replaying fewer states has less scratch, at the end of its result.
                if case .loop(let loop) = op { instruction.type = loop.resultType }
            default:
                break
            }

            // relu(x) > 0 exactly where x > 0: reading relu's result lets the derivative of relu
            // reuse the activation already kept for the next layer instead of storing a mask.
            if instruction.op == .unary(.step),
               let activation = seen[Key(op: .unary(.relu), operands: instruction.operands, type: instruction.type)] {
                instruction.operands = [activation]
            }
            let key = Key(op: instruction.op, operands: instruction.operands, type: instruction.type)
            if let existing = seen[key] {
                replacement[instruction.result] = existing
                continue
            }
            seen[key] = instruction.result
            if case .constant(let number) = instruction.op { constants[instruction.result] = number }
            definitions[instruction.result] = instruction
            kept.append(instruction)
        }
        let results = function.results.map { result in
            IRResult(name: result.name, value: replacement[result.value] ?? result.value, role: result.role)
        }
        return IRFunction(name: function.name, arguments: function.arguments, instructions: kept, results: results)
    }

    private enum Outcome {
        case unchanged
        case value(IRValue)
        case constant(Double)
        /// The same result computed by another operation.
        case rewritten(IROp, [IRValue])
    }

    private static func simplified(
        _ instruction: IRInstruction, constants: [IRValue: Double], definitions: [IRValue: IRInstruction],
        derivativesTaken: Bool
    ) -> Outcome {
        let x = instruction.operands
        let known = x.map { constants[$0] }
        // An operand can stand for the result only if it already has the result's type.
        func same(_ index: Int) -> Outcome {
            definitions[x[index]]?.type == instruction.type ? .value(x[index]) : .unchanged
        }

        switch instruction.op {
        case .unary(let function):
            if let value = known[0] { return .constant(function.definition.value(value)) }
            if function == .negate, let inner = definitions[x[0]], inner.op == .unary(.negate) {
                return definitions[inner.operands[0]]?.type == instruction.type ? .value(inner.operands[0]) : .unchanged
            }
            // log(sigmoid(x)) is logSigmoid(x), whose value and derivative stay finite where
            // sigmoid(x) rounds to 0. Derivatives start from simplified bodies, so they get its rule.
            if function == .log, let inner = definitions[x[0]], inner.op == .unary(.sigmoid) {
                return .rewritten(.unary(.logSigmoid), inner.operands)
            }
        case .binary(let function):
            if let a = known[0], let b = known[1] { return .constant(function.definition.value(a, b)) }
            switch (function, known[0], known[1]) {
            case (.add, 0, _): return same(1)
            case (.add, _, 0), (.subtract, _, 0): return same(0)
            case (.multiply, 1, _): return same(1)
            case (.multiply, _, 1), (.divide, _, 1): return same(0)
            case (.multiply, 0, _), (.multiply, _, 0): return .constant(0)
            case (.power, _, 1): return same(0)
            default: break
            }
        case .compare(let comparison):
            // Truth values are 1 and 0, as in the interpreter. Folding `1.5 < 1` matters beyond
            // speed: Swift cannot tell the type of a comparison of two literals.
            if let a = known[0], let b = known[1] { return .constant(comparison.holds(a, b) ? 1 : 0) }
        case .select:
            if let condition = known[0] {
                // The branch taken, broadcast to the result's shape when it is smaller.
                let taken = condition != 0 ? 1 : 2
                return definitions[x[taken]]?.type == instruction.type ? .value(x[taken]) : .rewritten(.broadcast, [x[taken]])
            }
            if x[1] == x[2] { return same(1) }
            // A choice inside a choice by the same condition is already decided (branches nest
            // their selects this way).
            if let inner = definitions[x[1]], inner.op == .select, inner.operands[0] == x[0] {
                return .rewritten(.select, [x[0], inner.operands[1], x[2]])
            }
            if let inner = definitions[x[2]], inner.op == .select, inner.operands[0] == x[0] {
                return .rewritten(.select, [x[0], x[1], inner.operands[2]])
            }
        case .broadcast, .sumToShape:
            if instruction.op == .broadcast, let value = known[0] { return .constant(value) }
            return same(0)
        case .expandAxis:
            // Repeating a broadcast scalar is broadcasting it further.
            if let value = known[0] { return .constant(value) }
            if let inner = definitions[x[0]], inner.op == .broadcast, let scalar = inner.operands.first,
               definitions[scalar]?.type.isScalar == true {
                return .rewritten(.broadcast, [scalar])
            }
        case .transpose:
            if let inner = definitions[x[0]], inner.op == .transpose { return .value(inner.operands[0]) }
        case .stopGradient:
            // A branch's side reads each outer value as `select(c, x, stopGradient(x))` (see
            // `IRBuilder.enterSide`); with the derivatives taken, that is `x` again.
            if let value = known[0] { return .constant(value) }
            if derivativesTaken { return same(0) }
        case .reduceSum:
            // One element sums to itself: a constant one (a loop's seed, taken out of a packed
            // adjoint), or one broadcast from a scalar (a carried value of a loop).
            if let value = known[0], definitions[x[0]]?.type.shape.allSatisfy({ $0 == .fixed(1) }) == true {
                return .constant(value)
            }
            if let inner = definitions[x[0]], inner.op == .broadcast, definitions[inner.operands[0]]?.type == instruction.type,
               inner.type.shape.allSatisfy({ $0 == .fixed(1) }) {
                return .value(inner.operands[0])
            }
        case .elementAt:
            if let value = known[0] { return .constant(value) }
        case .loop(let loop):
            return simplified(loop, operands: x, constants: constants, derivativesTaken: derivativesTaken)
        case .reshape:
            if let value = known[0] { return .constant(value) }
        case .pad:
            // A zero placed among zeros (the adjoint of a loop's checkpoints, spread).
            if known[0] == 0 { return .constant(0) }
        case .argument, .parameter, .constant, .count, .reduceMax, .matmul, .logSumExp, .softmax,
             .pickClass, .scatterClass, .convolution2D, .convolution2DInputGradient,
             .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .call:
            break
        case .slice(let axis, let start, let end):
            return slice(of: x[0], axis: axis, range: start..<end, type: instruction.type, definitions: definitions)
        case .permute(let permutation):
            // Permuting back undoes a permutation.
            if let inner = definitions[x[0]], case .permute(let first) = inner.op,
               permutation.indices.allSatisfy({ first[permutation[$0]] == $0 }) {
                return .value(inner.operands[0])
            }
        }
        return .unchanged
    }

    /// A loop with its body simplified: an invariant that is a constant (a zero adjoint, most
    /// often) becomes a constant of the body, and the invariants the body no longer reads are
    /// no longer operands. A replay (see ``IRLoop/Replay``) whose states the body no longer
    /// reads is dropped; while it stays, its step reads the arguments where they are.
    private static func simplified(
        _ loop: IRLoop, operands x: [IRValue], constants: [IRValue: Double], derivativesTaken: Bool
    ) -> Outcome {
        var body = loop.body
        for (position, operand) in x.enumerated().dropFirst(loop.carried) {
            guard let value = constants[operand],
                  let argument = body.instructions.firstIndex(where: { $0.op == .argument(position + 1) }) else { continue }
            body.instructions[argument].op = .constant(value)
        }
        body = simplify(body, derivativesTaken: derivativesTaken)
        var simplified = loop
        if var replay = loop.replay {
            replay.step = simplify(replay.step, derivativesTaken: derivativesTaken)
            let needed = neededStates(of: replay, readBy: body)
            simplified.replay = needed.isEmpty ? nil : needed.count < replay.stateCount ? replay.keeping(needed) : replay
        }
        let (pruned, kept) = body.droppingUnusedArguments(after: 1 + loop.carried, keeping: simplified.replay?.arguments ?? [])
        guard pruned != loop.body || simplified.replay != loop.replay else { return .unchanged }
        simplified.body = pruned
        if var replay = simplified.replay {
            let newIndex = { (old: Int) in kept.firstIndex(of: old)! + 1 }
            replay.stateArguments = replay.stateArguments.map(newIndex)
            replay.invariantArguments = replay.invariantArguments.map(newIndex)
            simplified.replay = replay
        }
        let iterations = loop.extent == .tripCount ? [x.last!] : []
        return .rewritten(.loop(simplified), kept.map { x[$0 - 1] } + iterations)
    }

    /// The states a replay must compute (positions among its states): those `body` reads,
    /// and those the step needs to compute them.
    private static func neededStates(of replay: IRLoop.Replay, readBy body: IRFunction) -> [Int] {
        let readByBody = Set(body.instructions.flatMap(\.operands))
        var needed = Set(replay.stateArguments.indices.filter { k in
            body.instructions.contains { $0.op == .argument(replay.stateArguments[k]) && readByBody.contains($0.result) }
        })
        let step = replay.step
        let definitions = Dictionary(uniqueKeysWithValues: step.instructions.map { ($0.result, $0) })
        while true {
            // The states the needed states' new values read.
            var reached = Set<IRValue>(), pending = needed.map { step.results[$0].value }
            while let value = pending.popLast() {
                guard reached.insert(value).inserted, let instruction = definitions[value] else { continue }
                pending += instruction.operands
            }
            let grown = needed.union(replay.stateArguments.indices.filter { k in
                step.instructions.contains { $0.op == .argument(1 + k) && reached.contains($0.result) }
            })
            if grown == needed { return needed.sorted() }
            needed = grown
        }
    }

    /// A slice of a placement (`pad`) reads the placed operand or zeros; a slice of a sum reads
    /// only the terms that are not zero there. Joined pieces (a concatenation, a stack of a
    /// recurrent layer's steps) are sums of placements, so picking one piece back costs nothing.
    private static func slice(
        of x: IRValue, axis: Int, range: Range<Int>, type: IRType, definitions: [IRValue: IRInstruction]
    ) -> Outcome {
        guard let inner = definitions[x] else { return .unchanged }
        if isZero(x, axis: axis, range: range, definitions: definitions) { return .constant(0) }
        if case .pad(axis, let placedAt) = inner.op {
            guard let placed = definitions[inner.operands[0]], let length = placed.type.shape[axis].fixedValue,
                  range.lowerBound >= placedAt, range.upperBound <= placedAt + length else { return .unchanged }
            if placed.type == type { return .value(inner.operands[0]) }
            return .rewritten(.slice(axis: axis, start: range.lowerBound - placedAt, end: range.upperBound - placedAt), [inner.operands[0]])
        }
        if inner.op == .binary(.add), inner.operands.allSatisfy({ definitions[$0]?.type == inner.type }) {
            let terms = inner.operands
            for (index, term) in terms.enumerated() where isZero(term, axis: axis, range: range, definitions: definitions) {
                return .rewritten(.slice(axis: axis, start: range.lowerBound, end: range.upperBound), [terms[1 - index]])
            }
        }
        return .unchanged
    }

    /// Whether every element of `x` in `range` along `axis` is zero: a zero constant, a
    /// placement elsewhere, or a sum of such.
    private static func isZero(_ x: IRValue, axis: Int, range: Range<Int>, definitions: [IRValue: IRInstruction]) -> Bool {
        guard let instruction = definitions[x] else { return false }
        if case .constant(let value) = instruction.op { return value == 0 }
        if case .pad(axis, let placedAt) = instruction.op {
            guard let length = definitions[instruction.operands[0]]?.type.shape[axis].fixedValue else { return false }
            return range.upperBound <= placedAt || range.lowerBound >= placedAt + length
        }
        return instruction.op == .binary(.add) && instruction.operands.allSatisfy {
            definitions[$0]?.type == instruction.type && isZero($0, axis: axis, range: range, definitions: definitions)
        }
    }

    /// Drops the outputs of loops that nothing reads (most often the stored values of a variable
    /// whose derivative does not depend on it, such as a running sum), and moves the parts
    /// taken after them to their new places in the packed result.
    private static func droppingUnreadLoopOutputs(_ function: IRFunction) -> IRFunction {
        let users = function.users()
        let returned = Set(function.results.map(\.value))
        let position = Dictionary(uniqueKeysWithValues: function.instructions.enumerated().map { ($1.result, $0) })
        var pruned = function
        for (index, instruction) in function.instructions.enumerated() {
            guard case .loop(let loop) = instruction.op, !loop.outputs.isEmpty, !returned.contains(instruction.result) else { continue }
            let readers = (users[instruction.result] ?? []).map { position[$0]! }
            var read: [Range<Int>] = []
            for reader in readers {
                guard case .slice(axis: 0, let start, let end) = function.instructions[reader].op else { break }
                read.append(start..<end)
            }
            guard read.count == readers.count else { continue }
            let unread = loop.outputs.indices.filter { m in
                let start = loop.outputStart(m)
                return !read.contains { $0.overlaps(start..<start + loop.outputs[m].elementCount) }
            }
            guard !unread.isEmpty else { continue }
            var smaller = loop
            smaller.outputs = loop.outputs.indices.filter { !unread.contains($0) }.map { loop.outputs[$0] }
            let droppedResults = Set(unread.map { loop.carried + $0 })
            smaller.body.results = loop.body.results.enumerated().filter { !droppedResults.contains($0.offset) }.map(\.element)
            if let states = loop.statesStart {
                // The states are kept together or not at all: a derivative stores them again if it needs them.
                let statesDropped = unread.contains { (states..<states + loop.carried).contains($0) }
                smaller.statesStart = statesDropped ? nil : states - unread.filter { $0 < states }.count
            }
            pruned.instructions[index].op = .loop(smaller)
            pruned.instructions[index].type = smaller.resultType
            for reader in readers {
                guard case .slice(axis: 0, let start, let end) = function.instructions[reader].op else { continue }
                let shift = unread.filter { loop.outputStart($0) < start }.map { loop.outputs[$0].elementCount }.reduce(0, +)
                pruned.instructions[reader].op = .slice(axis: 0, start: start - shift, end: end - shift)
            }
        }
        return pruned
    }

    /// Drops instructions whose results nothing uses.
    private static func eliminateDeadCode(_ function: IRFunction) -> IRFunction {
        var live = Set(function.results.map(\.value))
        live.reserveCapacity(function.instructions.count)
        for instruction in function.instructions.reversed() where live.contains(instruction.result) {
            live.formUnion(instruction.operands)
        }
        var pruned = function
        pruned.instructions = function.instructions.filter { live.contains($0.result) }
        return pruned
    }
}
