/// How a function runs: its instructions grouped into fused loops and single operations, in
/// execution order, with a buffer for every tensor that must live in memory: Float values (and
/// truth values, as 0 and 1) in a workspace of Floats, Int values in one of integers.
///
/// A ``Loop`` computes several elementwise values at each position of one iteration space
/// and folds reductions into accumulators as it goes, so a chain of operations reads and
/// writes memory once. Values used only inside their loop never touch memory at all.
public struct FusionPlan: Sendable {
    /// One step of execution.
    public enum Step: Sendable {
        /// A Float scalar computed once (straight-line code).
        case scalar(IRInstruction)
        /// A fused loop.
        case loop(Loop)
        /// An operation that is not elementwise (a matrix product, a softmax, …).
        case operation(IRInstruction)
        /// Steps run together, one row at a time.
        case rows(RowLoop)
    }

    /// One loop over the rows (the leading dimension) of several steps, each of which reads
    /// only the same row of what the others compute: fused loops over `[rows, …]` or `[rows]`,
    /// and row operations such as `logSumExp` along axis 1, `pickClass` and `scatterClass`.
    ///
    /// Reductions across rows (the loss's sum, a bias gradient) are complete only after the
    /// whole loop; reductions along a row are complete after their step, within the row.
    public struct RowLoop: Sendable {
        /// The leading dimension shared by every step.
        public var rows: IRDimension
        /// The steps (``Step/loop(_:)`` and ``Step/operation(_:)`` only), in the order they
        /// run within each row.
        public var steps: [Step]
    }

    /// A loop over `shape` computing `members` at each position (in order) and updating
    /// `accumulators` (reductions of values available at each position).
    public struct Loop: Sendable {
        /// The iteration space: the shape of the loop's elementwise values.
        public var shape: [IRDimension]
        /// Every instruction of the loop in program order.
        public var instructions: [IRInstruction]
        /// The elementwise instructions computed at each position, in program order.
        public var members: [IRInstruction]
        /// The reductions the loop folds its values into as it goes.
        public var accumulators: [IRInstruction]
    }

    /// Where a tensor value lives.
    public enum Storage: Hashable, Sendable {
        /// Buffer `slot` of the function's workspace.
        case workspace(slot: Int)
        /// Buffer `slot` of the function's workspace of integers (an Int value, such as the
        /// indices of an `argmax`).
        case integers(slot: Int)
        /// The slice of the gradient at `offset` (a parameter's gradient, written in place).
        case gradient(offset: Int)
    }

    /// The function the plan runs.
    public var function: IRFunction
    /// The steps, in execution order.
    public var steps: [Step]
    /// The storage of every tensor value that is written to memory.
    public var storage: [IRValue: Storage]
    /// The element count of each workspace slot (as dimensions whose product is the size).
    public var slots: [[IRDimension]]
    /// The element count of each slot of the workspace of integers.
    public var integerSlots: [[IRDimension]]
    /// The matrix products that add to what their storage holds instead of overwriting it:
    /// the later terms of a sum of products written into a parameter's gradient, such as a
    /// recurrent layer's weight used at every step.
    public var accumulatingProducts: Set<IRValue> = []
}
