/// Training steps as BENCHMARKS.md times them for B4 and B5: warm-up steps (at least 5, so the
/// losses at steps 1 and 5 can be checked), then steps timed one by one.
struct TrainingSteps {
    /// The losses of the warm-up steps, from step 1.
    var warmUpLosses: [Float]
    var timed: TimedRuns

    /// Runs `step` (one training step, returning the loss before its update).
    init(warmUp: Int, timed count: Int, step: () -> Float) {
        warmUpLosses = (0..<max(warmUp, 5)).map { _ in step() }
        timed = TimedRuns(capacity: count)
        for _ in 0..<count { timed.time { _ = step() } }
    }
}
