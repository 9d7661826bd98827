/// The mean absolute error `|p - y|` of predictions against targets of the same shape
/// (PyTorch's `l1_loss`).
///
/// Where a prediction equals its target the gradient is zero (`sign(0) = 0`), as in PyTorch.
public struct MeanAbsoluteError: Loss {
    /// How the element losses are combined.
    public var reduction: Reduction

    /// Creates a mean absolute error loss.
    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    /// The loss of `predicted` against `target`.
    ///
    /// - Precondition: both have the same shape.
    public func callAsFunction(_ predicted: Tensor, _ target: Tensor) -> Float {
        evaluate(predicted, target, wantsGradient: false).value
    }

    /// The loss and its gradient `sign(p - y)` (divided by the element count for `.mean`).
    ///
    /// - Precondition: both have the same shape.
    public func valueWithGradient(_ predicted: Tensor, _ target: Tensor) -> (value: Float, gradient: Tensor) {
        let (value, gradient) = evaluate(predicted, target, wantsGradient: true)
        return (value, gradient!)
    }

    private func evaluate(_ predicted: Tensor, _ target: Tensor, wantsGradient: Bool) -> (value: Float, gradient: Tensor?) {
        reduceElementwise(predicted, target, reduction: reduction, loss: "MeanAbsoluteError", wantsGradient: wantsGradient) { p, y in
            let d = p - y
            return (abs(d), d > 0 ? 1 : (d < 0 ? -1 : 0))
        }
    }
}
