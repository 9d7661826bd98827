/// Prints a fusion plan for `tapeless explain --stage fused`: the loop nests in execution
/// order with what each computes, and the workspace slots with the values that share them.
///
/// ```
/// loop over [n] {
///   %3 = multiply %1, %0 : [n]
///   accumulate %4 = reduceSum %3 : Float
/// }
/// ```
public enum FusionPrinter {
    /// The text of `plan`: its steps in order, then the values that share each workspace slot and
    /// those written in place into the gradient.
    public static func render(_ plan: FusionPlan) -> String {
        var printer = CodePrinter(indentUnit: "  ")
        let arguments = plan.function.arguments.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        printer.line("func \(plan.function.name)(\(arguments))")
        printer.indent()
        for step in plan.steps { render(step, plan, &printer) }
        printer.outdent()
        render(plan.slots, title: "workspace:", slot: "slot", plan, storage: FusionPlan.Storage.workspace, &printer)
        render(plan.integerSlots, title: "workspace of integers:", slot: "integer slot", plan, storage: FusionPlan.Storage.integers, &printer)
        let inPlace = plan.storage.filter { if case .gradient = $0.value { return true } else { return false } }
        if !inPlace.isEmpty {
            printer.line("written in place into the gradient: " + inPlace.keys.sorted().map(\.description).joined(separator: ", "))
        }
        if let reverse = ReverseStorage(plan) { render(reverse, &printer) }
        return printer.text
    }

    /// What the reverse pass keeps from the forward pass (with its size) and computes again.
    private static func render(_ reverse: ReverseStorage, _ printer: inout CodePrinter) {
        let values = reverse.kept.count == 1 ? "1 forward value" : "\(reverse.kept.count) forward values"
        let kept = reverse.kept.isEmpty ? "nothing" : "\(values), \(reverse.formula) elements"
        printer.line("reverse pass keeps \(kept)" + (reverse.kept.isEmpty ? "" : ":"))
        for instruction in reverse.kept {
            printer.line("  \(instruction.result) \(instruction.type)\(origin(instruction))")
            if case .loop(let loop) = instruction.op, !loop.outputs.isEmpty {
                let stored = loop.outputs.map(\.elementCount).reduce(0, +)
                let iterations = loop.extent == .counted ? "its \(loop.count) iterations" : "its iterations (at most \(loop.count))"
                let count = loop.countsIterations ? ", how many iterations ran," : ""
                printer.line("    a loop's \(loop.carried) final values\(count) and \(stored) values \(iterations) stored, which its reverse pass runs back from")
                if loop.checkpointInterval > 1 {
                    let k = loop.checkpointInterval
                    printer.line("    (checkpointEvery: \(k): the states iterations 0, \(k), \(2 * k), … start from; the reverse pass computes "
                                 + "the others again, \(k) iterations at a time, in \(k * loop.carried) Floats of its own)")
                }
            }
        }
        guard !reverse.recomputed.isEmpty else { return }
        printer.line("reverse pass computes again instead of keeping:")
        for instruction in reverse.recomputed { printer.line("  \(instruction.result) \(instruction.type)\(origin(instruction))") }
    }

    private static func origin(_ instruction: IRInstruction) -> String {
        instruction.origin.map { "  // \($0)" } ?? ""
    }

    /// The slots of one workspace, each with the values that share it.
    private static func render(
        _ slots: [[IRDimension]], title: String, slot name: String, _ plan: FusionPlan,
        storage: (Int) -> FusionPlan.Storage, _ printer: inout CodePrinter
    ) {
        guard !slots.isEmpty else { return }
        printer.line(title)
        for (slot, dimensions) in slots.enumerated() {
            let users = plan.storage.filter { $0.value == storage(slot) }.keys.sorted().map(\.description)
            printer.line("  \(name) \(slot): \(shape(dimensions)) holds \(users.joined(separator: ", "))")
        }
    }

    private static func render(_ step: FusionPlan.Step, _ plan: FusionPlan, _ printer: inout CodePrinter) {
        switch step {
        case .scalar(let instruction):
            guard !isFree(instruction.op) else { return }
            printer.line("scalar \(describe(instruction))")
        case .operation(let instruction):
            guard !isFree(instruction.op) else { return }
            let adds = plan.accumulatingProducts.contains(instruction.result) ? " (added)" : ""
            printer.line("\(describe(instruction))\(place(instruction.result, plan))\(adds)")
        case .loop(let loop):
            printer.block("loop over \(shape(loop.shape)) {", closing: "}") { p in
                for member in loop.members {
                    p.line("\(describe(member))\(place(member.result, plan))")
                }
                for accumulator in loop.accumulators {
                    p.line("accumulate \(describe(accumulator))\(place(accumulator.result, plan))")
                }
            }
        case .rows(let group):
            printer.block("for each row of [\(group.rows)] {", closing: "}") { p in
                for step in group.steps { render(step, plan, &p) }
            }
        }
    }

    private static func shape(_ dimensions: [IRDimension]) -> String {
        "[" + dimensions.map(\.description).joined(separator: ", ") + "]"
    }

    private static func isFree(_ op: IROp) -> Bool {
        switch op {
        case .argument, .constant, .stopGradient: return true
        case .parameter, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis, .reduceSum, .reduceMax,
             .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad,
             .reshape, .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect,
             .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .call, .loop, .elementAt:
            return false
        }
    }

    private static func describe(_ instruction: IRInstruction) -> String {
        let operands = instruction.operands.map(\.description).joined(separator: ", ")
        return "\(instruction.result) = \(IRPrinter.describe(instruction.op))\(operands.isEmpty ? "" : " " + operands) : \(instruction.type)"
    }

    private static func place(_ value: IRValue, _ plan: FusionPlan) -> String {
        switch plan.storage[value] {
        case .workspace(let slot): return "  -> slot \(slot)"
        case .integers(let slot): return "  -> integer slot \(slot)"
        case .gradient(let offset): return "  -> gradient[\(offset)...]"
        case nil: return ""
        }
    }
}
