/// The Swift of a loop (``IRLoop``): a `for` over the index with one `var` per carried value;
/// the body's scalars are `let`s inside it, and its element reads index the tensors' pointers.
///
/// ```swift
/// var temperature: Float = t0
/// var loss: Float = 0
/// for i in 0..<1000 {
///     let e = s - temperature
///     …
///     temperature = v20
///     loss = v24
/// }
/// loop[0] = temperature
/// loop[1] = loss
/// ```
///
/// A reverse pass that replays from checkpoints (``IRLoop/Replay``) begins each segment of
/// iterations, at its last one, by running the forward step again from the segment's
/// checkpoint into scratch, which its reads of the states then read:
///
/// ```swift
/// for i in (0..<1000).reversed() {
///     if i % 32 == 31 || i == 999 {
///         let segment = i / 32 * 32
///         var temperature: Float = states0[i / 32]
///         replayed0[0] = temperature
///         for j in segment..<i {
///             …
///             temperature = v20
///             replayed0[j + 1 - segment] = temperature
///         }
///     }
///     let position = i % 32
///     let v31 = replayed0[position]
///     …
/// }
/// ```
extension FunctionEmitter {
    mutating func emitLoopInstruction(_ instruction: IRInstruction, _ loop: IRLoop, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let loopOrigin = instruction.origin
        let body = loop.body
        let operands = instruction.operands.map { expressions[$0]! }
        // A read or an output at a fixed place (stride 0) doesn't need the index.
        let readsIndex = body.instructions.contains { if case .elementAt(let stride, _) = $0.op { stride != 0 } else { false } }
            || loop.outputs.contains { $0.stride != 0 || $0.interval > 1 } || loop.replay != nil
        // A `while` loop counts its iterations itself.
        let index = loop.extent == .whileCondition ? names.fresh("iteration") : readsIndex ? names.fresh(body.arguments[0].name) : "_"
        var carriedNames: [String] = []
        for k in 0..<loop.carried {
            // A model parameter's path (`cell.gain`) becomes one identifier.
            let name = names.fresh(SwiftNames.unescaped(SwiftNames.property(body.arguments[1 + k].name)))
            carriedNames.append(name)
            // A carried value the body hands back unchanged never varies.
            let isUnchanged = body.results[k].value == body.instructions.first { $0.op == .argument(1 + k) }?.result
            printer.declare(name, type: "Float", value: operands[k], mutable: !isUnchanged)
        }
        // An output whose iterations each write their own element, all of them, needs no zeros
        // first (the states a reverse pass reads, most often). A `while` loop may stop early:
        // the elements after its last iteration are never read, since its replays stop there too.
        let isFilled = { (output: IRLoop.Output) in
            output.stride == 1 && output.offset == 0 && output.elementCount == (loop.count + output.interval - 1) / output.interval
        }
        if !loop.outputs.allSatisfy(isFilled) {
            printer.line("\(out).update(repeating: 0, count: \(loop.resultLength))")
        }
        let count = loop.extent == .tripCount ? "Int(\(operands.last!))" : String(loop.count)
        let scratch = loop.replay.map { replay in
            (0..<replay.stateCount).map { k in
                let name = names.fresh("replayed\(k)")
                printer.declare(name, value: "\(out) + \(loop.replayStart + k * replay.interval)")
                return name
            }
        }
        switch loop.extent {
        case .counted, .tripCount:
            printer.line("for \(index) in \(loop.isReversed ? "(0..<\(count)).reversed()" : "0..<\(count)") {")
        case .whileCondition:
            printer.declare(index, type: "Int", value: "0", mutable: true)
            printer.line("while true {")
        }
        printer.indent()
        var arguments: [Int: String] = [0: index]
        for k in 0..<loop.carried { arguments[1 + k] = carriedNames[k] }
        for position in loop.carried + 1..<body.arguments.count { arguments[position] = operands[position - 1] }
        var positions: [Int: String] = [:]
        if let replay = loop.replay, let scratch {
            let position = emitReplay(replay, loop, index: index, count: count, operands: operands, scratch: scratch, &printer)
            for (k, argument) in replay.stateArguments.enumerated() {
                arguments[argument] = scratch[k]
                positions[argument] = position
            }
        }
        let condition = loop.extent == .whileCondition
            ? (value: body.results.last!.value, loop: loop, iteration: index, origin: loopOrigin) : nil
        let code = emitScalarBody(body, arguments: arguments, index: index, positions: positions, condition: condition, &printer)
        let results = body.results.map { code[$0.value]! }
        for (m, output) in loop.outputs.enumerated() {
            let step = output.interval > 1 ? "\(index) / \(output.interval)" : index
            let position = IndexCode.sum([String(loop.outputStart(m) + output.offset), IndexCode.product(step, String(output.stride))])
            let store = { (p: inout CodePrinter) in p.assign("\(out)[\(position)]", results[loop.carried + m], operator: output.stride == 0 ? "+=" : "=") }
            if output.interval > 1 {
                printer.block("if \(index) % \(output.interval) == 0 {", store)
            } else {
                store(&printer)
            }
        }
        assignCarried(carriedNames, Array(results.prefix(loop.carried)), &printer)
        if loop.extent == .whileCondition { printer.line("\(index) += 1") }
        printer.outdent()
        printer.line("}")
        for (k, name) in carriedNames.enumerated() { printer.assign("\(out)[\(k)]", name) }
        if loop.extent == .whileCondition { printer.assign("\(out)[\(loop.carried)]", "Float(\(index))") }
        lastOrigin = nil
    }

    /// The Swift of a loop body's instructions, each scalar a `let`: `arguments` spells each
    /// argument, and a read of an argument in `positions` reads at that position instead of
    /// at the index (a replayed state). A `while` loop's `condition` leaves the loop, or stops
    /// the program at its bound, where it is computed. Returns the code of each value.
    private mutating func emitScalarBody(
        _ body: IRFunction, arguments: [Int: String], index: String, positions: [Int: String],
        condition: (value: IRValue, loop: IRLoop, iteration: String, origin: SourceOrigin?)?, _ printer: inout CodePrinter
    ) -> [IRValue: String] {
        var code: [IRValue: String] = [:]
        var readAt: [IRValue: String] = [:]
        for instruction in body.instructions {
            defer {
                if let condition, instruction.result == condition.value {
                    // A condition the simplifier folded is a Float constant; Swift's `guard` takes a Bool.
                    let holds = if case .constant(let value) = instruction.op { value != 0 ? "true" : "false" } else { code[instruction.result]! }
                    stopWhileLoop(condition.loop, condition: holds, iteration: condition.iteration, origin: condition.origin, &printer)
                }
            }
            switch instruction.op {
            case .argument(let position):
                code[instruction.result] = arguments[position]!
                readAt[instruction.result] = positions[position]
            case .constant(let value):
                code[instruction.result] = Self.literal(value)
            case .count(let dimensions):
                code[instruction.result] = "Float(\(product(dimensions.map(dimension))))"
            case .stopGradient, .broadcast:
                code[instruction.result] = code[instruction.operands[0]]!
            case .unary, .binary, .compare, .select, .elementAt:
                comment(instruction.origin, &printer)
                let local = valueName(instruction)
                var operands = instruction.operands.map { code[$0]! }
                // A replayed state is read at the iteration's position in its segment.
                if case .elementAt = instruction.op, let position = readAt[instruction.operands[0]] { operands[1] = position }
                let expression = elementCode(instruction, operands, index: index)
                printer.declare(local, type: Self.elementType(of: instruction), value: expression)
                code[instruction.result] = local
            case .parameter, .matmul, .transpose, .permute, .iota, .sumToShape, .reduceSum, .reduceMax, .expandAxis,
                 .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .gather, .scatterAdd, .argmax,
                 .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter,
                 .dropoutMask, .call, .loop:
                preconditionFailure("a loop's body computes scalars only, not \(instruction.op)")
            }
        }
        return code
    }

    /// Gives the carried variables `variables` their new `values` together: a new value that
    /// is another carried variable's old one is read before any changes.
    private mutating func assignCarried(_ variables: [String], _ values: [String], _ printer: inout CodePrinter) {
        var next = values
        for k in next.indices where variables.contains(next[k]) && next[k] != variables[k] {
            let copy = names.fresh("next")
            printer.declare(copy, type: "Float", value: next[k])
            next[k] = copy
        }
        for (variable, value) in zip(variables, next) where variable != value { printer.assign(variable, value) }
    }

    /// At the last iteration of each segment of a reverse pass (the first it reaches), the
    /// segment's states again: the forward step run from the segment's checkpoint, each state
    /// stored in its `scratch`. Returns the name of the iteration's position in the scratch.
    private mutating func emitReplay(
        _ replay: IRLoop.Replay, _ loop: IRLoop, index: String, count: String, operands: [String], scratch: [String],
        _ printer: inout CodePrinter
    ) -> String {
        let interval = replay.interval
        let last = loop.extent == .tripCount ? "\(count) - 1" : String(loop.count - 1)
        printer.comment("Entering a segment of \(interval) iterations: its states again, from its checkpoint.")
        printer.block("if \(index) % \(interval) == \(interval - 1) || \(index) == \(last) {") { p in
            let segment = names.fresh("segment")
            p.declare(segment, value: "\(index) / \(interval) * \(interval)")
            let states = (0..<replay.stateCount).map { names.fresh(SwiftNames.unescaped(SwiftNames.property(replay.step.arguments[1 + $0].name))) }
            for k in states.indices {
                let isUnchanged = replay.step.results[k].value == replay.step.instructions.first { $0.op == .argument(1 + k) }?.result
                let checkpoint = "\(operands[replay.stateArguments[k] - 1])[\(index) / \(interval)]"
                p.declare(states[k], type: "Float", value: checkpoint, mutable: !isUnchanged)
                p.assign("\(scratch[k])[0]", states[k])
            }
            let step = names.fresh("j")
            var arguments: [Int: String] = [0: step]
            for k in states.indices { arguments[1 + k] = states[k] }
            for position in 1 + replay.stateCount..<replay.step.arguments.count {
                arguments[position] = operands[replay.invariantArguments[position - 1 - replay.stateCount] - 1]
            }
            p.line("for \(step) in \(segment)..<\(index) {")
            p.indent()
            let code = emitScalarBody(replay.step, arguments: arguments, index: step, positions: [:], condition: nil, &p)
            assignCarried(states, replay.step.results.map { code[$0.value]! }, &p)
            for k in states.indices { p.assign("\(scratch[k])[\(step) + 1 - \(segment)]", states[k]) }
            p.outdent()
            p.line("}")
        }
        let position = names.fresh("position")
        printer.declare(position, value: "\(index) % \(interval)")
        return position
    }

    /// Leaves a `while` loop once its condition fails, and stops the program when it still
    /// holds after the loop's bound of iterations.
    private func stopWhileLoop(_ loop: IRLoop, condition: String, iteration: String, origin: SourceOrigin?, _ printer: inout CodePrinter) {
        printer.block("guard \(condition) else {") { $0.line("break") }
        let written = origin.map { "'\(SwiftNames.escapedString($0.text))' at line \($0.line)" } ?? "'while'"
        printer.block("if \(iteration) == \(loop.count) {") { p in
            p.call("LoopCheck.iterationLimit", arguments: [
                "\(loop.count)", "loop: \"\(written)\"", "function: \"\(SwiftNames.escapedString(swiftSignature))\"",
            ])
        }
    }
}
