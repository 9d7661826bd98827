/// Running means of the loss and the metrics over the batches of an epoch, each batch weighted
/// by its number of examples (so the mean equals the mean over examples for per-example means).
struct LogAccumulator {
    /// `loss`, then the metric names.
    let names: [String]
    private var sums: [Double]
    private var exampleCount = 0

    init(metricNames: [String]) {
        names = ["loss"] + metricNames
        sums = [Double](repeating: 0, count: names.count)
    }

    /// Adds one batch: its loss and metric values (in the order of `names`) and its size.
    mutating func add(_ values: [Float], examples: Int) {
        for k in values.indices {
            sums[k] += Double(values[k]) * Double(examples)
        }
        exampleCount += examples
    }

    /// The means so far, under the names with `prefix` prepended (`val_` for validation).
    func means(prefix: String = "") -> [String: Float] {
        var logs: [String: Float] = [:]
        for (name, sum) in zip(names, sums) {
            logs[prefix + name] = Float(sum / Double(max(exampleCount, 1)))
        }
        return logs
    }
}
