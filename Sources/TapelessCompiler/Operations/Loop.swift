/// Counted loops (``IRLoop``) and the element reads of their bodies: derivative rules in both
/// modes and the interpreter's semantics. The emitted Swift is in `LoopCode.swift`.
///
/// Both derivatives of a loop are loops. The forward-mode loop carries each value's tangent
/// beside it. The reverse pass runs the loop backwards: each iteration recomputes the step
/// from the carried values it started with (the primal loop stores them, see
/// ``IRLoop/storingStates()``), then pulls the carried values' adjoints back through it. So
/// the reverse pass stores one scalar per carried value per iteration, never the body's
/// intermediate values, and the body's derivative is built by the same rules as any
/// straight-line function's.
extension DerivativeRules {
    /// The contributions of a loop's operands: the first carried values' and the invariants'.
    static func loopPullback(_ instruction: IRInstruction, _ loop: IRLoop, adjoint g: IRValue, wants: [Bool], _ b: inout IRBuilder) -> [IRValue?] {
        let x = instruction.operands
        let carried = loop.carried
        let invariants = Array(x[carried..<carried + loop.invariantCount])
        var stateSource = (value: instruction.result, loop: loop)
        if loop.statesStart == nil, carried > 0 {
            let stored = loop.storingStates()
            stateSource = (b.emit(.loop(stored), x, type: stored.resultType), stored)
        }
        let iterations = b.iterationCount(of: loop, result: stateSource.value, operands: x)
        let states = (0..<carried).map { k in
            b.part(of: stateSource.value, start: stateSource.loop.outputStart(stateSource.loop.statesStart! + k), shape: [loop.checkpointCount])
        }
        let seeds = (0..<carried).map { b.part(of: g, start: $0, shape: []) }
        // An output kept every few iterations (a loop's checkpoints, when a derivative of a
        // derivative reaches them) reads its adjoint as one per iteration, zeros between.
        var readable = loop
        let outputAdjoints = loop.outputs.indices.map { m -> IRValue in
            let output = loop.outputs[m]
            let adjoint = b.part(of: g, start: loop.outputStart(m), shape: output.shape)
            guard output.interval > 1 else { return adjoint }
            readable.outputs[m] = IRLoop.Output(shape: [loop.count], stride: 1, offset: 0)
            return b.spreading(adjoint, interval: output.interval, count: loop.count)
        }

        let invariantTypes = invariants.map { b.type(of: $0) }
        let accumulated = invariants.indices.filter { wants[carried + $0] && invariantTypes[$0] == .scalar }
        let readTensors = invariants.indices.filter { wants[carried + $0] && !invariantTypes[$0].isScalar }
        let reverse = reverseLoop(
            of: readable, invariantTypes: invariantTypes, accumulated: accumulated, readTensors: Set(readTensors),
            stateCount: carried, outputAdjointTypes: outputAdjoints.map { b.type(of: $0) })
        let zero = b.constant(0)
        let operands = seeds + accumulated.map { _ in zero } + invariants + states + outputAdjoints + [iterations].compactMap { $0 }
        let ran = b.loop(reverse.loop, operands: operands)

        var contributions: [IRValue?] = x.map { _ in nil }
        for k in 0..<carried where wants[k] { contributions[k] = ran.carried[k] }
        for (slot, j) in accumulated.enumerated() { contributions[carried + j] = ran.carried[carried + slot] }
        for (output, j) in reverse.outputReads.enumerated() {
            let value = ran.outputs[output]
            contributions[carried + j] = contributions[carried + j].map { b.add($0, value) } ?? value
        }
        return contributions
    }

    /// The loop that runs `loop`'s iterations backwards, pulling adjoints through its body.
    ///
    /// Its arguments: the index; carried, the adjoints of the carried values, then the sums of
    /// the adjoints of the scalar invariants in `accumulated`; invariant, `loop`'s invariants,
    /// the stored states and the adjoints of `loop`'s outputs. Its outputs: for each element
    /// read of a tensor invariant in `readTensors`, the adjoint of the element, added at the
    /// same place (`outputReads` names the invariant of each).
    private static func reverseLoop(
        of loop: IRLoop, invariantTypes: [IRType], accumulated: [Int], readTensors: Set<Int>, stateCount: Int,
        outputAdjointTypes: [IRType]
    ) -> (loop: IRLoop, outputReads: [Int]) {
        let carried = loop.carried
        // Named after the values whose adjoints they carry: `temperatureAdjoint`.
        let name = { (position: Int) in loop.body.arguments[position].name + "Adjoint" }
        var arguments = [IRArgument(name: "index", type: IRType(.int))]
        arguments += (0..<carried).map { IRArgument(name: name(1 + $0), type: .scalar) }
        arguments += accumulated.map { IRArgument(name: name(1 + carried + $0), type: .scalar) }
        arguments += invariantTypes.enumerated().map { IRArgument(name: "invariant\($0)", type: $1) }
        arguments += (0..<stateCount).map { IRArgument(name: "state\($0)", type: .float([.fixed(loop.count)])) }
        arguments += outputAdjointTypes.enumerated().map { IRArgument(name: "outputAdjoint\($0)", type: $1) }
        var b = IRBuilder()
        let values = arguments.indices.map { b.emit(.argument($0), type: arguments[$0].type) }
        var rest = values[...]
        func take(_ count: Int) -> [IRValue] {
            defer { rest = rest.dropFirst(count) }
            return Array(rest.prefix(count))
        }
        let index = take(1)[0]
        let adjoints = take(carried)
        let sums = take(accumulated.count)
        let invariants = take(invariantTypes.count)
        let stored = take(stateCount)
        let outputAdjoints = take(outputAdjointTypes.count)

        // The step again, from the carried values it started with.
        let starts = stored.map { b.emit(.elementAt(stride: 1, offset: 0), [$0, index], type: .scalar) }
        let copyStart = b.instructions.count
        let copied = Inliner.copy(loop.body, arguments: [index] + starts + invariants, into: &b)
        let bodyInstructions = Array(b.instructions[copyStart...])
        let results = loop.body.results.map { copied[$0.value]! }

        // Pulled back from the carried values' and the outputs' adjoints.
        var adjointOf: [IRValue: IRValue] = [:]
        func seed(_ value: IRValue, _ adjoint: IRValue) {
            adjointOf[value] = adjointOf[value].map { b.add($0, adjoint) } ?? adjoint
        }
        for k in 0..<carried { seed(results[k], adjoints[k]) }
        for (m, output) in loop.outputs.enumerated() {
            let read = b.emit(.elementAt(stride: output.stride, offset: output.offset), [outputAdjoints[m], index], type: .scalar)
            seed(results[carried + m], read)
        }
        let inputs = Set((0..<stateCount).map { DifferentiableInput.argument(1 + carried + accumulated.count + invariantTypes.count + $0) }
            + invariantTypes.indices.filter { accumulated.contains($0) || readTensors.contains($0) }
                .map { DifferentiableInput.argument(1 + carried + accumulated.count + $0) })
        let active = ReverseMode.activeValues(b.instructions, inputs: inputs)
        var reads: [(instruction: IRInstruction, invariant: Int)] = []
        for instruction in bodyInstructions {
            guard case .elementAt = instruction.op, let j = invariants.firstIndex(of: instruction.operands[0]), readTensors.contains(j)
            else { continue }
            reads.append((instruction, j))
        }
        ReverseMode.backpropagate(
            bodyInstructions, active: active, &adjointOf, &b, sources: Set(reads.map(\.instruction.result)))

        let zero = b.constant(0)
        var newCarried = starts.map { adjointOf[$0] ?? zero }
        for (slot, j) in accumulated.enumerated() {
            newCarried.append(adjointOf[invariants[j]].map { b.add(sums[slot], $0) } ?? sums[slot])
        }
        var outputs: [IRLoop.Output] = []
        var outputValues: [IRValue] = []
        for read in reads {
            guard case .elementAt(let stride, let offset) = read.instruction.op else { continue }
            let shape = invariantTypes[read.invariant].shape.map { $0.fixedValue! }
            outputs.append(IRLoop.Output(shape: shape, stride: stride, offset: offset))
            outputValues.append(adjointOf[read.instruction.result] ?? zero)
        }
        let bodyResults = (newCarried + outputValues).enumerated().map { IRResult(name: "r\($0)", value: $1) }
        let body = IRFunction(name: loop.body.name + "Reverse", arguments: arguments, instructions: b.instructions, results: bodyResults)
        let invariantsArgument = 1 + carried + accumulated.count
        let reverse = IRLoop(
            count: loop.count, extent: loop.extent == .counted ? .counted : .tripCount, isReversed: !loop.isReversed,
            carried: carried + accumulated.count, outputs: outputs, body: body,
            replay: loop.checkpointInterval > 1 && stateCount > 0
                ? replay(of: loop, statesArgument: invariantsArgument + invariantTypes.count, invariantsArgument: invariantsArgument)
                : nil)
        return (reverse, reads.map(\.invariant))
    }

    /// How a reverse pass computes the states of `loop`, which kept checkpoints only: its body
    /// giving the carried values' new values only, with the invariants it reads, which are the
    /// reverse body's arguments from `invariantsArgument` on.
    private static func replay(of loop: IRLoop, statesArgument: Int, invariantsArgument: Int) -> IRLoop.Replay {
        var step = loop.body
        step.name = loop.body.name + "Replay"
        step.results = Array(step.results.prefix(loop.carried))
        let (pruned, kept) = Simplifier.simplify(step).droppingUnusedArguments(after: 1 + loop.carried)
        let invariants = kept.filter { $0 > loop.carried }.map { invariantsArgument + $0 - 1 - loop.carried }
        return IRLoop.Replay(
            interval: loop.checkpointInterval, step: pruned,
            stateArguments: Array(statesArgument..<statesArgument + loop.carried), invariantArguments: invariants)
    }
}

extension TangentRules {
    /// The tangent of a loop's packed result: a loop carrying each carried value's tangent
    /// beside it, whose body is the forward-mode derivative of `loop`'s.
    static func loopPushforward(_ instruction: IRInstruction, _ loop: IRLoop, tangents dx: [IRValue?], _ b: inout IRBuilder) -> IRValue? {
        guard dx.contains(where: { $0 != nil }) else { return nil }
        let x = instruction.operands
        let carried = loop.carried
        let invariantCount = loop.invariantCount
        let withTangents = (0..<invariantCount).filter { dx[carried + $0] != nil }
        let inputs = (0..<carried).map { 1 + $0 } + withTangents.map { 1 + carried + $0 }
        let derived = ForwardMode.differentiate(loop.body, withRespectTo: inputs, tangentNames: inputs.map { "tangent\($0)" })

        // The body again, its arguments and results in a loop's order: index, carried values
        // then their tangents, invariants then theirs; new carried values then their
        // tangents, outputs then theirs.
        func tangent(of argument: IRArgument) -> IRArgument { IRArgument(name: argument.name + "Tangent", type: argument.type) }
        let carriedArguments = Array(loop.body.arguments.dropFirst().prefix(carried))
        var arguments = [loop.body.arguments[0]] + carriedArguments + carriedArguments.map(tangent)
        arguments += loop.body.arguments.dropFirst(1 + carried)
        arguments += withTangents.map { tangent(of: loop.body.arguments[1 + carried + $0]) }
        var jb = IRBuilder()
        let values = arguments.indices.map { jb.emit(.argument($0), type: arguments[$0].type) }
        let index = values[0]
        let carriedValues = Array(values.dropFirst().prefix(carried))
        let carriedTangents = Array(values.dropFirst(1 + carried).prefix(carried))
        let invariants = Array(values.dropFirst(1 + 2 * carried).prefix(invariantCount))
        let invariantTangents = Array(values.dropFirst(1 + 2 * carried + invariantCount))
        let results = Inliner.inline(
            derived, arguments: [index] + carriedValues + invariants + carriedTangents + invariantTangents, into: &jb)
        let resultCount = loop.body.results.count
        let (primal, tangent) = (Array(results.prefix(resultCount)), Array(results.dropFirst(resultCount)))
        let outputResults = carried..<carried + loop.outputs.count
        // A `while` loop's condition, its last result, has no tangent.
        let condition = loop.extent == .whileCondition ? [primal.last!] : []
        let ordered = primal.prefix(carried) + tangent.prefix(carried) + primal[outputResults] + tangent[outputResults] + condition
        let body = IRFunction(
            name: loop.body.name + "Tangent", arguments: arguments, instructions: jb.instructions,
            results: ordered.enumerated().map { IRResult(name: "r\($0)", value: $1) })
        let jvp = IRLoop(
            count: loop.count, extent: loop.extent, isReversed: loop.isReversed, carried: 2 * carried,
            outputs: loop.outputs + loop.outputs, body: body, checkpointInterval: loop.checkpointInterval)

        let zero = b.constant(0)
        var operands = Array(x.prefix(carried)) + (0..<carried).map { dx[$0] ?? zero }
            + Array(x[carried..<carried + invariantCount]) + withTangents.map { dx[carried + $0]! }
        if loop.extent == .tripCount { operands.append(x.last!) }
        let ran = b.loop(jvp, operands: operands)
        let outputCount = loop.outputs.count
        let parts = (0..<carried).map { (ran.carried[carried + $0], $0) }
            + (0..<outputCount).map { (ran.outputs[outputCount + $0], loop.outputStart($0)) }
        return b.packing(parts.map { (value: $0.0, start: $0.1) }, length: loop.resultLength)
    }
}

extension IRInterpreter {
    /// Runs `loop` with its operands and returns its packed result.
    static func runLoop(_ loop: IRLoop, _ operands: [IRTensor]) throws -> IRTensor {
        var packed = [Double](repeating: 0, count: loop.resultLength)
        var carried = Array(operands.prefix(loop.carried))
        var invariants = Array(operands[loop.carried..<loop.carried + loop.invariantCount])
        let starts = loop.outputs.indices.map(loop.outputStart)
        let count = switch loop.extent {
        case .counted, .whileCondition: loop.count
        case .tripCount: Int(operands.last!.values[0])
        }
        if let replay = loop.replay {
            let states = try replayedStates(
                replay, checkpoints: replay.stateArguments.map { invariants[$0 - 1 - loop.carried] },
                invariants: replay.invariantArguments.map { invariants[$0 - 1 - loop.carried] }, count: count, length: loop.count)
            for (argument, state) in zip(replay.stateArguments, states) { invariants[argument - 1 - loop.carried] = state }
        }
        let indices: [Int] = loop.isReversed ? Array((0..<count).reversed()) : Array(0..<count)
        var iterations = 0
        for index in indices {
            let index = IRTensor(shape: [], values: [Double(index)])
            let named = try run(loop.body, arguments: [index] + carried + invariants)
            let results = loop.body.results.map { named[$0.name]! }
            if loop.extent == .whileCondition, results.last!.values[0] == 0 { break }
            iterations += 1
            carried = Array(results.prefix(loop.carried))
            for (m, output) in loop.outputs.enumerated() where Int(index.values[0]) % output.interval == 0 {
                let position = try elementPosition(
                    index.values[0] / Double(output.interval), stride: output.stride, offset: output.offset, count: output.elementCount)
                packed[starts[m] + position] += results[loop.carried + m].values[0]
            }
        }
        if loop.extent == .whileCondition {
            if iterations == loop.count {
                let last = try run(loop.body, arguments: [IRTensor(shape: [], values: [Double(count)])] + carried + invariants)
                if last[loop.body.results.last!.name]!.values[0] != 0 { throw Failure.iterationLimit(count) }
            }
            packed[loop.carried] = Double(iterations)
        }
        for (k, value) in carried.enumerated() { packed[k] = value.values[0] }
        return IRTensor(shape: [loop.resultLength], values: packed)
    }

    /// Every state of `count` iterations (in vectors of `length`) from the states kept every
    /// `replay.interval` iterations: each segment's step run again from its checkpoint.
    private static func replayedStates(
        _ replay: IRLoop.Replay, checkpoints: [IRTensor], invariants: [IRTensor], count: Int, length: Int
    ) throws -> [IRTensor] {
        var states = checkpoints.map { _ in [Double](repeating: 0, count: length) }
        var current: [IRTensor] = []
        for index in 0..<count {
            if index % replay.interval == 0 {
                current = checkpoints.map { IRTensor(shape: [], values: [$0.values[index / replay.interval]]) }
            }
            for k in states.indices { states[k][index] = current[k].values[0] }
            let named = try run(replay.step, arguments: [IRTensor(shape: [], values: [Double(index)])] + current + invariants)
            current = replay.step.results.map { named[$0.name]! }
        }
        return states.map { IRTensor(shape: [length], values: $0) }
    }

    /// `x`'s element at `index * stride + offset`.
    static func element(of x: IRTensor, at index: IRTensor, stride: Int, offset: Int) throws -> IRTensor {
        let position = try elementPosition(index.values[0], stride: stride, offset: offset, count: x.values.count)
        return IRTensor(shape: [], values: [x.values[position]])
    }

    private static func elementPosition(_ index: Double, stride: Int, offset: Int, count: Int) throws -> Int {
        let position = Int(index) * stride + offset
        guard (0..<count).contains(position) else { throw Failure.indexOutOfRange(index: index, position: position, rows: count) }
        return position
    }
}

extension IRFunction {
    /// The function with every loop written out iteration by iteration, for the transforms
    /// that have no rule for a loop (vectorization, for per-example derivatives): each element
    /// read becomes a slice, and the packed result is built from placements.
    func unrollingLoops() throws -> IRFunction {
        guard instructions.contains(where: { if case .loop = $0.op { true } else { false } }) else { return self }
        var b = IRBuilder()
        var values: [IRValue: IRValue] = [:]
        let function = expandingReplays()
        for instruction in function.instructions {
            let operands = instruction.operands.map { values[$0]! }
            guard case .loop(let loop) = instruction.op else {
                let value = b.emit(instruction.op, operands, type: instruction.type)
                b.name(value, instruction.name)
                values[instruction.result] = value
                continue
            }
            guard loop.extent == .counted else {
                throw Vectorization.Failure(
                    description: "its 'while' loop runs a number of times known only when it runs, so it can't be run for a batch of directions at once; take 'jvp' or 'vjp' along one direction at a time")
            }
            b.origin = instruction.origin
            values[instruction.result] = Self.unrolled(loop, operands: operands, &b)
            b.origin = nil
        }
        var unrolled = function
        unrolled.instructions = b.instructions
        unrolled.results = function.results.map { IRResult(name: $0.name, value: values[$0.value]!, role: $0.role) }
        return unrolled
    }

    private static func unrolled(_ loop: IRLoop, operands: [IRValue], _ b: inout IRBuilder) -> IRValue {
        var carried = Array(operands.prefix(loop.carried))
        let invariants = Array(operands.dropFirst(loop.carried))
        var flat: [IRValue: IRValue] = [:]
        var parts: [(value: IRValue, start: Int)] = []
        for index in loop.isReversed ? Array((0..<loop.count).reversed()) : Array(0..<loop.count) {
            var values: [IRValue: IRValue] = [:]
            for instruction in loop.body.instructions {
                // The index (argument 0) has no value: only element reads read it, and they know it.
                let x = instruction.operands.map { values[$0] }
                if case .argument(let position) = instruction.op {
                    if position > 0 { values[instruction.result] = position <= loop.carried ? carried[position - 1] : invariants[position - 1 - loop.carried] }
                } else if case .elementAt(let stride, let offset) = instruction.op, let tensor = x[0] {
                    let shape = b.type(of: tensor).shape
                    let count = shape.reduce(1) { $0 * ($1.fixedValue ?? 1) }
                    if flat[tensor] == nil {
                        flat[tensor] = shape.count == 1 ? tensor : b.emit(.reshape, [tensor], type: .float([.fixed(count)]))
                    }
                    values[instruction.result] = b.part(of: flat[tensor]!, start: index * stride + offset, shape: [])
                } else {
                    values[instruction.result] = b.emit(instruction.op, x.map { $0! }, type: instruction.type)
                }
            }
            let results = loop.body.results.map { values[$0.value]! }
            carried = Array(results.prefix(loop.carried))
            for (m, output) in loop.outputs.enumerated() {
                guard let position = output.position(ofIteration: index) else { continue }
                parts.append((results[loop.carried + m], loop.outputStart(m) + position))
            }
        }
        return b.packing(carried.enumerated().map { ($1, $0) } + parts, length: loop.resultLength)
    }
}
