/// The mean absolute error of predictions against targets of the same shape, as a metric
/// named `mae`.
public struct MeanAbsoluteErrorMetric: Metric {
    /// Creates the metric.
    public init() {}

    /// The name shown in progress output and history: `mae`.
    public var name: String { "mae" }

    /// The mean of `|predicted - target|` over all elements.
    ///
    /// - Precondition: both have the same shape.
    public func callAsFunction(_ predicted: Tensor, _ target: Tensor) -> Float {
        MeanAbsoluteError()(predicted, target)
    }
}
