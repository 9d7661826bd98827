/// Groups a function's instructions into fused loops and plans its buffers.
///
/// Grouping is greedy in program order. An elementwise instruction joins the loop of its
/// operands (or the latest loop over the same shape) when every value it reads from outside
/// is ready before that loop starts; a reduction joins the loop of its operand as an
/// accumulator. A join that would make two loops depend on each other is refused, so the
/// groups can always be ordered. Steps that work row by row then share one loop over the rows
/// (`RowGrouping`).
public enum Fusion {
    /// The plan for `function`. `gradientOffsets` places each parameter's gradient directly in
    /// the caller's gradient buffer, so it is written in place instead of copied.
    /// `orderAfter` adds dependencies the IR does not show: a pullback's seed argument is only
    /// known once the caller has seen the output, so it must come after the output's value.
    public static func plan(
        _ function: IRFunction, gradientOffsets: [String: Int] = [:], orderAfter: [IRValue: IRValue] = [:]
    ) -> FusionPlan {
        let (function, recomputedAfter) = function.drawingMasksAtEachUse().recomputingSegments()
        let orderAfter = orderAfter.merging(recomputedAfter) { given, _ in given }
        var grouping = Grouping(function: function, orderAfter: orderAfter)
        grouping.run()
        var sums = ProductSums()
        let steps = sums.fold(
            RowGrouping(function: function, orderAfter: orderAfter).group(grouping.schedule()), of: function,
            gradients: Set(BufferPlanner.gradientsInPlace(of: function, offsets: gradientOffsets).keys))
        var buffers = BufferPlanner(function: function, steps: steps, gradientOffsets: gradientOffsets, sharing: sums.gradientOf)
        let storage = buffers.assign()
        return FusionPlan(
            function: function, steps: steps, storage: storage, slots: buffers.slots, integerSlots: buffers.integerSlots,
            accumulatingProducts: sums.accumulating)
    }

    /// Whether an instruction computes each result element from the same position of its
    /// operands (reading smaller operands through broadcasting or an inserted axis).
    static func isFusible(_ instruction: IRInstruction) -> Bool {
        !instruction.type.isScalar && instruction.op.operationClass == .elementwise
    }

    /// Whether an instruction is a reduction that a loop over its operand can accumulate.
    static func isAccumulable(_ instruction: IRInstruction) -> Bool {
        instruction.op.operationClass == .reduction
    }

    /// Whether a loop member reads `operand` at the loop's own position (rather than through
    /// broadcasting or an inserted axis, which needs the operand in memory).
    static func readsInPlace(_ member: IRInstruction, _ operandType: IRType) -> Bool {
        if case .expandAxis = member.op { return false }
        return operandType.shape == member.type.shape
    }
}
