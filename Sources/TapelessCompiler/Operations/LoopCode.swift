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
extension FunctionEmitter {
    mutating func emitLoopInstruction(_ instruction: IRInstruction, _ loop: IRLoop, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let loopOrigin = instruction.origin
        let body = loop.body
        let operands = instruction.operands.map { expressions[$0]! }
        // A read or an output at a fixed place (stride 0) doesn't need the index.
        let readsIndex = body.instructions.contains { if case .elementAt(let stride, _) = $0.op { stride != 0 } else { false } }
            || loop.outputs.contains { $0.stride != 0 }
        // A `while` loop counts its iterations itself.
        let index = loop.extent == .whileCondition ? names.fresh("iteration") : readsIndex ? names.fresh(body.arguments[0].name) : "_"
        var code: [IRValue: String] = [:]
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
        let isFilled = { (output: IRLoop.Output) in output.stride == 1 && output.offset == 0 && output.elementCount == loop.count }
        if !loop.outputs.allSatisfy(isFilled) {
            printer.line("\(out).update(repeating: 0, count: \(loop.resultLength))")
        }
        let condition = loop.extent == .whileCondition ? body.results.last!.value : nil
        switch loop.extent {
        case .counted, .tripCount:
            let count = loop.extent == .counted ? String(loop.count) : "Int(\(operands.last!))"
            printer.line("for \(index) in \(loop.isReversed ? "(0..<\(count)).reversed()" : "0..<\(count)") {")
        case .whileCondition:
            printer.declare(index, type: "Int", value: "0", mutable: true)
            printer.line("while true {")
        }
        printer.indent()
        for instruction in body.instructions {
            defer {
                if instruction.result == condition {
                    // A condition the simplifier folded is a Float constant; Swift's `guard` takes a Bool.
                    let holds = if case .constant(let value) = instruction.op { value != 0 ? "true" : "false" } else { code[instruction.result]! }
                    stopWhileLoop(loop, condition: holds, iteration: index, origin: loopOrigin, &printer)
                }
            }
            switch instruction.op {
            case .argument(let position):
                // The operands are the carried values' first values, then the invariants.
                code[instruction.result] = position == 0 ? index : position <= loop.carried ? carriedNames[position - 1] : operands[position - 1]
            case .constant(let value):
                code[instruction.result] = Self.literal(value)
            case .count(let dimensions):
                code[instruction.result] = "Float(\(product(dimensions.map(dimension))))"
            case .stopGradient, .broadcast:
                code[instruction.result] = code[instruction.operands[0]]!
            case .unary, .binary, .compare, .select, .elementAt:
                comment(instruction.origin, &printer)
                let local = valueName(instruction)
                let expression = elementCode(instruction, instruction.operands.map { code[$0]! }, index: index)
                printer.declare(local, type: Self.elementType(of: instruction), value: expression)
                code[instruction.result] = local
            case .parameter, .matmul, .transpose, .permute, .iota, .sumToShape, .reduceSum, .reduceMax, .expandAxis,
                 .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad, .reshape, .gather, .scatterAdd, .argmax,
                 .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter,
                 .dropoutMask, .call, .loop:
                preconditionFailure("a loop's body computes scalars only, not \(instruction.op)")
            }
        }
        let results = body.results.map { code[$0.value]! }
        for (m, output) in loop.outputs.enumerated() {
            let position = IndexCode.sum([String(loop.outputStart(m) + output.offset), IndexCode.product(index, String(output.stride))])
            printer.assign("\(out)[\(position)]", results[loop.carried + m], operator: output.stride == 0 ? "+=" : "=")
        }
        // A new value that is another carried variable's old one is read before any changes.
        var next = Array(results.prefix(loop.carried))
        for k in next.indices where carriedNames.contains(next[k]) && next[k] != carriedNames[k] {
            let copy = names.fresh("next")
            printer.declare(copy, type: "Float", value: next[k])
            next[k] = copy
        }
        for (name, value) in zip(carriedNames, next) where name != value { printer.assign(name, value) }
        if loop.extent == .whileCondition { printer.line("\(index) += 1") }
        printer.outdent()
        printer.line("}")
        for (k, name) in carriedNames.enumerated() { printer.assign("\(out)[\(k)]", name) }
        if loop.extent == .whileCondition { printer.assign("\(out)[\(loop.carried)]", "Float(\(index))") }
        lastOrigin = nil
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
