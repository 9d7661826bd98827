/// What a function's reverse pass keeps from its forward pass, and what it computes again
/// instead, read from the function's fusion plan: the memory a derivative costs, planned when
/// the file compiles, as `tapeless explain --stage fused` and `tapeless summary` show it.
///
/// A step of the plan belongs to the reverse pass when it computes a derivative (an
/// instruction whose origin is one). A forward value is **kept** when a step of the reverse
/// pass reads it from memory; it is **recomputed** when a fused loop of the reverse pass
/// computes it again where it is needed (an elementwise chain, a dropout mask) instead.
public struct ReverseStorage: Sendable {
    /// The forward values kept in memory for the reverse pass, in program order.
    public var kept: [IRInstruction]
    /// The forward values the reverse pass computes again in its own loops, in program order.
    public var recomputed: [IRInstruction]

    /// The storage of `plan`'s reverse pass; `nil` when the function has none.
    public init?(_ plan: FusionPlan) {
        guard plan.function.instructions.contains(where: { $0.origin?.isDerivative == true }) else { return nil }
        func isForward(_ instruction: IRInstruction) -> Bool {
            instruction.origin?.isDerivative == false && instruction.op.operationClass != .name && !instruction.type.isScalar
        }
        func isReverse(_ instruction: IRInstruction) -> Bool {
            instruction.origin?.isDerivative == true || instruction.origin?.isRecomputed == true
        }
        // A step of the reverse pass computes a derivative, or a checkpointed segment's value
        // again; forward values among its own instructions are computed again there, those it
        // reads from other steps are kept.
        var recomputed = Set<IRValue>(), read = Set<IRValue>()
        for step in Self.steps(plan.steps) where step.contains(where: isReverse) {
            let own = Set(step.map(\.result))
            for instruction in step {
                if isForward(instruction) { recomputed.insert(instruction.result) }
                read.formUnion(instruction.operands.filter { !own.contains($0) })
            }
        }
        let instructions = plan.function.instructions
        kept = instructions.filter { read.contains($0.result) && isForward($0) && !isReverse($0) && plan.storage[$0.result] != nil }
        self.recomputed = instructions.filter { recomputed.contains($0.result) }
    }

    /// The instructions of each step, a row loop's steps each on their own.
    private static func steps(_ steps: [FusionPlan.Step]) -> [[IRInstruction]] {
        steps.flatMap { step -> [[IRInstruction]] in
            switch step {
            case .scalar(let instruction), .operation(let instruction): return [[instruction]]
            case .loop(let loop): return [loop.instructions]
            case .rows(let group): return Self.steps(group.steps)
            }
        }
    }

    /// The kept elements as a sum of products of the dimensions, equal terms collected:
    /// `2·(batch·128) + batch·512`.
    public var formula: String {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for instruction in kept {
            let term = instruction.type.shape.map(\.description).joined(separator: "·")
            if counts[term] == nil { order.append(term) }
            counts[term, default: 0] += 1
        }
        return order.map { term in
            let count = counts[term]!
            let isProduct = term.contains("·")
            return count == 1 ? term : "\(count)·" + (isProduct ? "(\(term))" : term)
        }.joined(separator: " + ")
    }

    /// The kept bytes with every size variable set to 1: 4 per Float, 8 per Int.
    public var bytesPerExample: Int {
        kept.reduce(0) { total, instruction in
            let elements = instruction.type.shape.reduce(1) { $0 * ($1.fixedValue ?? 1) }
            return total + elements * (instruction.type.element == .int ? 8 : 4)
        }
    }
}
