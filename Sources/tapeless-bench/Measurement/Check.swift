/// A computed value compared with a published check value of BENCHMARKS.md.
struct Check {
    /// What was checked, for example `B1 w`.
    var name: String
    /// The JSON key, for example `b1_w`.
    var key: String
    var value: Double
    var expected: Double
    /// The largest accepted absolute difference.
    var tolerance: Double

    var passes: Bool { abs(value - expected) <= tolerance }
}
