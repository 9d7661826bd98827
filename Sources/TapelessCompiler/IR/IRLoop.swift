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
    public struct Output: Hashable, Sendable {
        /// The shape of the tensor the values are added into; every dimension is fixed.
        public var shape: [Int]
        /// How far apart consecutive iterations' positions are.
        public var stride: Int
        /// The position of iteration 0.
        public var offset: Int

        /// Creates an output placement.
        public init(shape: [Int], stride: Int, offset: Int) {
            self.shape = shape
            self.stride = stride
            self.offset = offset
        }

        /// The number of elements of the tensor.
        public var elementCount: Int { shape.reduce(1, *) }
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
    /// from: the first of `carried` outputs of shape `[count]` that hold them.
    public var statesStart: Int?

    /// Creates a loop.
    public init(
        count: Int, extent: Extent = .counted, isReversed: Bool, carried: Int, outputs: [Output], body: IRFunction,
        statesStart: Int? = nil
    ) {
        self.count = count
        self.extent = extent
        self.isReversed = isReversed
        self.carried = carried
        self.outputs = outputs
        self.body = body
        self.statesStart = statesStart
    }

    /// The loop that also outputs, stacked, the carried values each iteration starts from.
    public func storingStates() -> IRLoop {
        guard statesStart == nil else { return self }
        var stored = self
        stored.statesStart = outputs.count
        for index in 0..<carried {
            let argument = stored.body.argumentValue(1 + index)
            // Result names are unique: a simplified loop may keep some states of an earlier store.
            var name = "state\(index)"
            while stored.body.results.contains(where: { $0.name == name }) { name += "'" }
            stored.body.results.insert(IRResult(name: name, value: argument), at: carried + stored.outputs.count)
            stored.outputs.append(Output(shape: [count], stride: 1, offset: 0))
        }
        return stored
    }

    /// Whether the packed result holds the number of iterations run (at ``carried``).
    public var countsIterations: Bool { extent == .whileCondition }

    /// The length of the packed result: the carried values, the number of iterations of a
    /// `while` loop, then every output's elements. At least 1, so the result is never an empty
    /// vector.
    public var resultLength: Int { max(1, outputStart(outputs.count)) }

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
