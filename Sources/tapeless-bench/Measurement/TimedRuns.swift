/// Timed runs of one piece of work: each run's seconds, and the heap allocations made while
/// the runs were timed.
struct TimedRuns {
    private(set) var seconds: [Double] = []
    private var allocations = 0

    init(capacity: Int) {
        seconds.reserveCapacity(capacity)  // so that no append is counted as the work's allocation
    }

    /// Runs `body` once, timing it and counting what it allocates.
    mutating func time(_ body: () -> Void) {
        let start = AllocationCounter.count
        seconds.append(Timing.seconds(body))
        allocations += AllocationCounter.count - start
    }

    /// The median run's seconds.
    var medianSeconds: Double { Timing.median(seconds) }

    /// Allocations per repetition of the work, each run having repeated it `repetitionsPerRun`
    /// times; `nil` when counting does not work here.
    func allocationsPerRepetition(repetitionsPerRun: Int = 1) -> Double? {
        AllocationCounter.perRepetition(from: 0, to: allocations, repetitions: seconds.count * repetitionsPerRun)
    }
}
