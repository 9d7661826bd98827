/// A loop over a body of scalars: the IR of a `for` loop that runs as a loop instead of being
/// unrolled, or of a `while` loop (see ``IROp/loop(_:)`` and ``Extent``).
///
/// The body is a function of the iteration's index (an `Int`), the carried values (Float
/// scalars that each iteration replaces) and the invariants (values from outside the loop,
/// scalars or tensors read one element at a time with ``IROp/elementAt(stride:offset:)``).
/// It returns the carried values' new values, then the loop's outputs: one Float per
/// iteration, each added into a tensor at a place computed from the index (see ``Output``).
///
/// The loop instruction's result packs everything the loop returns into one Float vector:
/// the final carried values, then each output's elements (``resultLength``). The lowering
/// and the derivative rules take the parts out with `slice`, so no other operation needs to
/// know about several results.
public struct IRLoop: Hashable, Sendable {
    /// Where one output's per-iteration value goes: iteration `i` adds it at the row-major
    /// position `i * stride + offset` of a zero tensor of `shape`. An output of `shape [count]`,
    /// stride 1 and offset 0 stacks one value per iteration.
    ///
    /// An output with an ``interval`` above 1 takes the values of every `interval`-th
    /// iteration only (`0, interval, 2·interval, …`), iteration `i` at `(i / interval) * stride
    /// + offset`: the checkpoints of a loop written with `checkpointEvery:`.
    public struct Output: Hashable, Sendable {
        /// The shape of the tensor the values are added into; every dimension is fixed.
        public var shape: [Int]
        /// How far apart consecutive iterations' positions are.
        public var stride: Int
        /// The position of iteration 0.
        public var offset: Int
        /// How many iterations apart the iterations that write are.
        public var interval: Int

        /// Creates an output placement.
        public init(shape: [Int], stride: Int, offset: Int, interval: Int = 1) {
            self.shape = shape
            self.stride = stride
            self.offset = offset
            self.interval = interval
        }

        /// The number of elements of the tensor.
        public var elementCount: Int { shape.reduce(1, *) }

        /// Whether iteration `index` writes, and where.
        public func position(ofIteration index: Int) -> Int? {
            index % interval == 0 ? index / interval * stride + offset : nil
        }
    }

    /// How a reverse pass gets the states its iterations start from when the loop it reverses
    /// kept only every ``interval``-th one (`checkpointEvery:`, see ``IRLoop/checkpointInterval``).
    ///
    /// The reverse loop's body reads the states as if all were kept: arguments
    /// `statesArgument..<statesArgument + stateCount` have shape `[count]`. Their operands hold
    /// the kept ones only, `[ceil(count / interval)]`. When the reverse pass enters a segment
    /// of `interval` iterations (at its last one), the loop runs ``step`` from the segment's
    /// kept state to compute the segment's states into scratch at the end of its packed result
    /// (``IRLoop/replayStart``), which the body's reads then read. So the reverse pass holds
    /// `ceil(count / interval) + interval` Floats per state instead of `count`, and computes the
    /// forward steps once more.
    public struct Replay: Hashable, Sendable {
        /// How many iterations apart the kept states are.
        public var interval: Int
        /// The forward loop's step: arguments (index, carried values, invariants), results (new
        /// carried values).
        public var step: IRFunction
        /// The body argument that gives each state, in the step's order.
        public var stateArguments: [Int]
        /// The body argument that gives each of the step's invariants, in the step's order.
        public var invariantArguments: [Int]

        /// The number of states: the step's carried values.
        public var stateCount: Int { step.results.count }

        /// The body arguments the replay reads: the states and the step's invariants.
        public var arguments: Set<Int> { Set(stateArguments + invariantArguments) }

        /// Creates a replay.
        public init(interval: Int, step: IRFunction, stateArguments: [Int], invariantArguments: [Int]) {
            self.interval = interval
            self.step = step
            self.stateArguments = stateArguments
            self.invariantArguments = invariantArguments
        }

        /// The replay of only the states `kept` (positions among the states): the others are
        /// neither read by the body nor needed to compute the kept ones.
        func keeping(_ kept: [Int]) -> Replay {
            var replay = self
            replay.step.results = kept.map { step.results[$0] }
            replay.step = Simplifier.simplify(replay.step)
            let invariants = Set(1 + stateCount..<step.arguments.count)
            (replay.step, _) = replay.step.droppingUnusedArguments(after: 1, keeping: invariants.union(kept.map { 1 + $0 }))
            replay.stateArguments = kept.map { stateArguments[$0] }
            return replay
        }
    }

    /// How the number of iterations is decided.
    public enum Extent: Hashable, Sendable {
        /// Exactly ``IRLoop/count`` times: a `for` loop.
        case counted
        /// While the body's last result, a Bool computed from the values the iteration starts
        /// with, holds: a `while` loop. The iteration whose condition fails changes nothing.
        /// The condition still holding after ``IRLoop/count`` iterations stops the program. The
        /// packed result holds the number of iterations run, after the final carried values.
        case whileCondition
        /// As many times as the loop's last operand says (a Float, not a body argument, at
        /// most ``IRLoop/count``): a `while` loop's reverse pass or tangent, replaying its
        /// iterations.
        case tripCount
    }

    /// How many times the body runs: exactly, or at most (see ``extent``).
    public var count: Int
    /// How the number of iterations is decided.
    public var extent: Extent
    /// Whether the index runs from `count - 1` down to 0 (the reverse pass of a loop).
    public var isReversed: Bool
    /// How many carried values there are: operands `0..<carried` are their first values,
    /// body arguments `1...carried` their values at the start of an iteration, and body
    /// results `0..<carried` their values at its end.
    public var carried: Int
    /// Where each output goes, for body results `carried..<carried + outputs.count` (a `while`
    /// loop's condition is the result after them).
    public var outputs: [Output]
    /// The body: arguments (index, carried values, invariants), results (new carried values,
    /// outputs). Every value it computes is a scalar.
    public var body: IRFunction
    /// When the loop keeps, for its reverse pass, the carried values each iteration starts
    /// from: the first of `carried` outputs that hold them, of shape `[count]`, or with
    /// checkpoints `[ceil(count / checkpointInterval)]`.
    public var statesStart: Int?
    /// Every how many iterations the loop keeps the states its reverse pass starts from: 1
    /// keeps every iteration's; more (`checkpointEvery:`) makes the reverse pass compute the
    /// others again (see ``Replay``).
    public var checkpointInterval: Int
    /// For a reverse pass of a loop that kept checkpoints only, how it computes the other states.
    public var replay: Replay?

    /// Creates a loop.
    public init(
        count: Int, extent: Extent = .counted, isReversed: Bool, carried: Int, outputs: [Output], body: IRFunction,
        statesStart: Int? = nil, checkpointInterval: Int = 1, replay: Replay? = nil
    ) {
        self.count = count
        self.extent = extent
        self.isReversed = isReversed
        self.carried = carried
        self.outputs = outputs
        self.body = body
        self.statesStart = statesStart
        self.checkpointInterval = checkpointInterval
        self.replay = replay
    }

    /// The number of states kept per carried value: one per checkpoint interval.
    public var checkpointCount: Int { (count + checkpointInterval - 1) / checkpointInterval }

    /// The loop that also outputs, stacked, the carried values each iteration starts from (or
    /// every ``checkpointInterval``-th iteration starts from).
    public func storingStates() -> IRLoop {
        guard statesStart == nil else { return self }
        precondition(checkpointInterval == 1 || !isReversed, "checkpoints are kept by loops that count up")
        var stored = self
        stored.statesStart = outputs.count
        for index in 0..<carried {
            let argument = stored.body.argumentValue(1 + index)
            // Result names are unique: a simplified loop may keep some states of an earlier store.
            var name = "state\(index)"
            while stored.body.results.contains(where: { $0.name == name }) { name += "'" }
            stored.body.results.insert(IRResult(name: name, value: argument), at: carried + stored.outputs.count)
            stored.outputs.append(Output(shape: [checkpointCount], stride: 1, offset: 0, interval: checkpointInterval))
        }
        return stored
    }

    /// Whether the packed result holds the number of iterations run (at ``carried``).
    public var countsIterations: Bool { extent == .whileCondition }

    /// The length of the packed result: the carried values, the number of iterations of a
    /// `while` loop, every output's elements, then a replay's scratch. At least 1, so the
    /// result is never an empty vector.
    public var resultLength: Int { max(1, replayStart + (replay.map { $0.interval * $0.stateCount } ?? 0)) }

    /// Where a replay's scratch starts in the packed result: the states of the segment the
    /// reverse pass is in, `interval` Floats per state, after the outputs.
    public var replayStart: Int { outputStart(outputs.count) }

    /// Where output `index`'s elements start in the packed result.
    public func outputStart(_ index: Int) -> Int {
        carried + (countsIterations ? 1 : 0) + outputs[..<index].map(\.elementCount).reduce(0, +)
    }

    /// The type of the loop instruction's packed result.
    public var resultType: IRType { .float([.fixed(resultLength)]) }

    /// The number of invariants: the body's arguments after the index and the carried values.
    public var invariantCount: Int { body.arguments.count - 1 - carried }
}

extension IRFunction {
    /// The value of argument `index`, defined first in the body if no instruction reads it yet.
    mutating func argumentValue(_ index: Int) -> IRValue {
        if let existing = instructions.first(where: { $0.op == .argument(index) }) { return existing.result }
        let value = IRValue(nextValueID)
        instructions.insert(IRInstruction(result: value, op: .argument(index), operands: [], type: arguments[index].type, origin: nil), at: 0)
        return value
    }

    /// The function with every loop keeping the states its reverse pass starts from (see
    /// ``IRLoop/storingStates()``); each loop's packed result grows at its end, so the parts
    /// taken from it stay where they were.
    func storingLoopStates() -> IRFunction {
        var function = self
        for index in function.instructions.indices {
            guard case .loop(let loop) = function.instructions[index].op, loop.carried > 0 else { continue }
            let stored = loop.storingStates()
            function.instructions[index].op = .loop(stored)
            function.instructions[index].type = stored.resultType
        }
        return function
    }
}

extension IRFunction {
    /// The function with every reverse pass that replays from checkpoints (see
    /// ``IRLoop/Replay``) given all its states instead, kept by a loop that runs the step
    /// from the first checkpoint just before it: for the transforms that take a loop's
    /// derivative or write it out iteration by iteration, which then see an ordinary loop. A
    /// derivative of a derivative so keeps every state where the first derivative kept
    /// checkpoints, and computes the same values.
    func expandingReplays() -> IRFunction {
        guard instructions.contains(where: { if case .loop(let loop) = $0.op { loop.replay != nil } else { false } }) else { return self }
        // Every value keeps its number: the new ones are numbered after all of them.
        var expanded: [IRInstruction] = []
        var nextID = nextValueID
        for instruction in instructions {
            guard case .loop(var loop) = instruction.op, let replay = loop.replay else {
                expanded.append(instruction)
                continue
            }
            var b = IRBuilder(instructions: expanded, nextID: nextID)
            b.origin = instruction.origin
            var operands = instruction.operands
            let starts = replay.stateArguments.map { b.part(of: operands[$0 - 1], start: 0, shape: []) }
            let invariants = replay.invariantArguments.map { operands[$0 - 1] }
            let forward = IRLoop(
                count: loop.count, extent: loop.extent, isReversed: !loop.isReversed, carried: replay.stateCount,
                outputs: [], body: replay.step
            ).storingStates()
            let ran = b.loop(forward, operands: starts + invariants + (loop.extent == .tripCount ? [operands.last!] : []))
            for (k, argument) in replay.stateArguments.enumerated() { operands[argument - 1] = ran.outputs[k] }
            loop.replay = nil
            expanded = b.instructions
            nextID = (expanded.map(\.result.id).max() ?? -1) + 1
            var replaced = instruction
            replaced.op = .loop(loop)
            replaced.operands = operands
            replaced.type = loop.resultType
            expanded.append(replaced)
        }
        var function = self
        function.instructions = expanded
        return function
    }
}

extension IRBuilder {
    /// Appends `loop` with its operands (first carried values, then invariants, then the
    /// number of iterations of a ``IRLoop/Extent/tripCount`` loop) and returns the final
    /// carried values and the outputs, taken out of its packed result.
    mutating func loop(_ loop: IRLoop, operands: [IRValue]) -> (loop: IRValue, carried: [IRValue], outputs: [IRValue]) {
        let packed = emit(.loop(loop), operands, type: loop.resultType)
        let carried = (0..<loop.carried).map { part(of: packed, start: $0, shape: []) }
        let outputs = loop.outputs.indices.map { index in
            part(of: packed, start: loop.outputStart(index), shape: loop.outputs[index].shape)
        }
        return (packed, carried, outputs)
    }

    /// The number of iterations a loop ran, as its replays (reverse pass, tangent) take it: the
    /// one a `while` loop counted, or the one a replay was given. Never differentiated.
    mutating func iterationCount(of loop: IRLoop, result: IRValue, operands: [IRValue]) -> IRValue? {
        switch loop.extent {
        case .counted: return nil
        case .whileCondition: return emit(.stopGradient, [part(of: result, start: loop.carried, shape: [])], type: .scalar)
        case .tripCount: return operands.last
        }
    }

    /// The elements of a vector `start..<start + count`, in `shape` (a scalar when empty).
    mutating func part(of vector: IRValue, start: Int, shape: [Int]) -> IRValue {
        let count = shape.reduce(1, *)
        let slice = emit(.slice(axis: 0, start: start, end: start + count), [vector], type: .float([.fixed(count)]))
        if shape.isEmpty { return reduceSum(slice, axis: nil) }
        if shape == [count] { return slice }
        return emit(.reshape, [slice], type: .float(shape.map(IRDimension.fixed)))
    }

    /// The `[ceil(count / interval)]` vector `x` spread over `count` elements: `x[j]` at
    /// `j * interval`, zeros between (the adjoint of an output kept every `interval` iterations,
    /// read once per iteration).
    mutating func spreading(_ x: IRValue, interval: Int, count: Int) -> IRValue {
        let kept = (count + interval - 1) / interval
        let column = emit(.reshape, [x], type: .float([.fixed(kept), .fixed(1)]))
        let rows = emit(.pad(axis: 1, start: 0), [column], type: .float([.fixed(kept), .fixed(interval)]))
        let flat = emit(.reshape, [rows], type: .float([.fixed(kept * interval)]))
        return kept * interval == count ? flat : emit(.slice(axis: 0, start: 0, end: count), [flat], type: .float([.fixed(count)]))
    }

    /// A vector of `length` zeros with each of `parts` (a value and where its elements start)
    /// added in: the inverse of ``part(of:start:shape:)``, for a packed tangent or adjoint.
    mutating func packing(_ parts: [(value: IRValue, start: Int)], length: Int) -> IRValue {
        var total: IRValue?
        for (value, start) in parts {
            let shape = type(of: value).shape
            let count = shape.reduce(1) { $0 * ($1.fixedValue ?? 1) }
            // A scalar is not in memory, so it becomes a vector by broadcasting, not reshaping.
            let flat = shape.isEmpty
                ? broadcast(value, to: [.fixed(1)]) : shape.count == 1 ? value : emit(.reshape, [value], type: .float([.fixed(count)]))
            let placed = start == 0 && count == length
                ? flat : emit(.pad(axis: 0, start: start), [flat], type: .float([.fixed(length)]))
            total = total.map { add($0, placed) } ?? placed
        }
        return total ?? broadcast(constant(0), to: [.fixed(length)])
    }
}
