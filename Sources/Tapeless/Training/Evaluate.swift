extension Module {
    /// The loss and metrics of the model on a data set, computed batch by batch (Keras's
    /// `evaluate`).
    ///
    /// Each value is the mean over batches weighted by batch size. The result maps `loss` and
    /// every metric's name to its value; `fit` reports these under `val_` names.
    ///
    /// - Throws: ``TrainingError`` when the data set is empty or has no example dimension,
    ///   `x` and `y` hold different numbers of examples, `x` does not have the model's input
    ///   shape (``Module/inputShape``), the batch size is below 1, two
    ///   metrics share a name, the loss or a metric cannot compare the model's output with
    ///   the targets (shapes or labels; a label's position is its example's in `y`), or a
    ///   batch's loss is NaN or infinite.
    public func evaluate<L: Loss>(
        x: Tensor, y: L.Target, loss: L, metrics: [any Metric<L.Target>] = [], batchSize: Int = 32
    ) throws -> [String: Float] {
        guard batchSize >= 1 else { throw TrainingError.invalidBatchSize(batchSize) }
        _ = try checkedExampleCount(x: x, y: y, dataSet: "evaluation")
        try checkInputs(x, fit: Self.inputShape, dataSet: "evaluation")
        return try evaluateLogs(
            x: x, y: y, loss: loss, metrics: metrics, metricNames: try checkedMetricNames(metrics), batchSize: batchSize,
            dataSet: "evaluation")
    }

    /// `evaluate` on data that has been checked, in order, batch by batch.
    ///
    /// `firstExample` is the position of `x`'s first example in the data the caller was
    /// given (nonzero for a validation split), so that errors name examples there.
    func evaluateLogs<L: Loss>(
        x: Tensor, y: L.Target, loss: L, metrics: [any Metric<L.Target>], metricNames: [String],
        batchSize: Int, dataSet: String, firstExample: Int = 0, prefix: String = ""
    ) throws -> [String: Float] {
        var accumulator = LogAccumulator(metricNames: metricNames)
        var values = [Float](repeating: 0, count: 1 + metrics.count)
        let count = x.exampleCount
        for start in stride(from: 0, to: count, by: batchSize) {
            let examples = start..<min(start + batchSize, count)
            let output = self(x.gathering(examples: examples))
            let yb = y.gathering(examples: examples)
            do {
                values[0] = try loss(output, yb)
                for k in metrics.indices { values[k + 1] = try metrics[k](output, yb) }
            } catch let error as TrainingError {
                throw error.locatingExample { firstExample + start + $0 }
            }
            guard values[0].isFinite else {
                let located = (firstExample + examples.lowerBound)..<(firstExample + examples.upperBound)
                throw TrainingError.nonFiniteEvaluationLoss(dataSet: dataSet, examples: located, value: values[0])
            }
            accumulator.add(values, examples: examples.count)
        }
        return accumulator.means(prefix: prefix)
    }
}
