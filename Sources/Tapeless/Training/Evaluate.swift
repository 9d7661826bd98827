extension Module {
    /// The loss and metrics of the model on a data set, computed batch by batch (Keras's
    /// `evaluate`).
    ///
    /// Each value is the mean over batches weighted by batch size. The result maps `loss` and
    /// every metric's name to its value; `fit` reports these under `val_` names.
    ///
    /// - Throws: ``TrainingError`` when the data set is empty, `x` and `y` hold different
    ///   numbers of examples, the batch size is below 1, or two metrics share a name.
    public func evaluate<L: Loss>(
        x: Tensor, y: L.Target, loss: L, metrics: [any Metric<L.Target>] = [], batchSize: Int = 32
    ) throws -> [String: Float] {
        guard batchSize >= 1 else { throw TrainingError.invalidBatchSize(batchSize) }
        let count = try checkedExampleCount(x: x, y: y, dataSet: "evaluation")
        guard count > 0 else { throw TrainingError.emptyDataSet }
        return evaluateLogs(x: x, y: y, loss: loss, metrics: metrics, metricNames: try checkedMetricNames(metrics), batchSize: batchSize)
    }

    /// `evaluate` on data that has been checked.
    func evaluateLogs<L: Loss>(
        x: Tensor, y: L.Target, loss: L, metrics: [any Metric<L.Target>], metricNames: [String],
        batchSize: Int, prefix: String = ""
    ) -> [String: Float] {
        var accumulator = LogAccumulator(metricNames: metricNames)
        for (xb, yb) in batches(of: x, y, batchSize: batchSize) {
            let output = self(xb)
            accumulator.add([loss(output, yb)] + metrics.map { $0(output, yb) }, examples: xb.exampleCount)
        }
        return accumulator.means(prefix: prefix)
    }
}
