/// The mean absolute error of predictions against targets of the same shape, as a metric
/// named `mae`.
public struct MeanAbsoluteErrorMetric: Metric {
    /// Creates the metric.
    public init() {}

    /// The name shown in progress output and history: `mae`.
    public var name: String { "mae" }

    /// The mean of `|predicted - target|` over all elements.
    ///
    /// - Throws: ``TrainingError`` unless both have the same shape and hold an element.
    public func callAsFunction(_ predicted: Tensor, _ target: Tensor) throws -> Float {
        // Checked here so that an error names this metric rather than the loss it reuses.
        try checkElementwiseArguments(predicted, target, reduction: .mean, loss: Self.self)
        return reduceElementwise(predicted, target, reduction: .mean, gradient: nil, term: MeanAbsoluteError().term)
    }
}
