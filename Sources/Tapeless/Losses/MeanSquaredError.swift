/// The mean squared error `(p - y)²` of predictions against targets of the same shape
/// (PyTorch's `mse_loss`).
public struct MeanSquaredError: Loss {
    /// How the element losses are combined.
    public var reduction: Reduction

    /// Creates a mean squared error loss.
    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    /// The loss of `predicted` against `target`.
    ///
    /// - Precondition: both have the same shape.
    public func callAsFunction(_ predicted: Tensor, _ target: Tensor) -> Float {
        evaluate(predicted, target, wantsGradient: false).value
    }

    /// The loss and its gradient `2 (p - y)` (divided by the element count for `.mean`).
    ///
    /// - Precondition: both have the same shape.
    public func valueWithGradient(_ predicted: Tensor, _ target: Tensor) -> (value: Float, gradient: Tensor) {
        let (value, gradient) = evaluate(predicted, target, wantsGradient: true)
        return (value, gradient!)
    }

    private func evaluate(_ predicted: Tensor, _ target: Tensor, wantsGradient: Bool) -> (value: Float, gradient: Tensor?) {
        reduceElementwise(predicted, target, reduction: reduction, loss: "MeanSquaredError", wantsGradient: wantsGradient) { p, y in
            let d = p - y
            return (d * d, 2 * d)
        }
    }
}
