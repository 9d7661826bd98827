import CBenchmarkSupport

/// Heap allocations, counted by CBenchmarkSupport's replacement of `malloc` and its relatives.
enum AllocationCounter {
    /// Whether counting works in this process: the replacement is built for this platform and
    /// was seen counting exactly one allocation for one 4 MiB array.
    static let isWorking: Bool = {
        guard bench_allocation_counting_is_built() != 0 else { return false }
        // The first array of a type also allocates the runtime's type metadata: count the second.
        _ = allocationsForOneArray()
        return allocationsForOneArray() == 1
    }()

    private static func allocationsForOneArray() -> Int {
        let before = count
        let array = [Float](repeating: 1, count: 1 << 20)
        let after = count
        // Reading an element at an index the optimizer cannot know keeps the array alive.
        precondition(array[Int(bench_opaque_float(3))] == 1, "The allocation counter's probe array lost its values.")
        return after - before
    }

    /// The allocations made by every thread since the process started.
    static var count: Int { Int(bench_allocation_count()) }

    /// Allocations per repetition between two readings of ``count``, or `nil` when counting
    /// does not work here.
    static func perRepetition(from start: Int, to end: Int, repetitions: Int) -> Double? {
        isWorking ? Double(end - start) / Double(repetitions) : nil
    }
}
