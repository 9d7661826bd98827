/// Monotonic wall-clock timing and the statistics the report uses.
enum Timing {
    private static let clock = ContinuousClock()

    /// The seconds `body` takes.
    static func seconds(_ body: () -> Void) -> Double {
        let start = clock.now
        body()
        let elapsed = (clock.now - start).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    /// The median of `values`.
    ///
    /// - Precondition: `values` is not empty.
    static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "The median of no measurements is undefined: time at least one run.")
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
