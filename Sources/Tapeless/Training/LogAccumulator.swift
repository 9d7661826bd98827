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

/// Checks the inputs and targets of a data set and returns its number of examples.
func checkedExampleCount(x: Tensor, y: some Batchable, dataSet: String) throws -> Int {
    guard x.rank > 0 else { throw TrainingError.inputsHaveNoExampleDimension }
    let count = x.exampleCount
    guard count == y.exampleCount else {
        throw TrainingError.exampleCountMismatch(inputs: count, targets: y.exampleCount, dataSet: dataSet)
    }
    return count
}

/// Checks that metric names are distinct and not `loss`, and returns them.
func checkedMetricNames(_ metrics: [any Metric]) throws -> [String] {
    var seen: Set<String> = ["loss"]
    return try metrics.map { metric in
        guard seen.insert(metric.name).inserted else { throw TrainingError.duplicateLogName(metric.name) }
        return metric.name
    }
}
