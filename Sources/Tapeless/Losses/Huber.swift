/// The Huber loss: quadratic for errors within `delta`, linear beyond (PyTorch's `huber_loss`).
///
/// With `d = p - y`, an element's loss is `d² / 2` when `|d| < delta` and
/// `delta * (|d| - delta / 2)` otherwise; its gradient is `d` clamped to `-delta...delta`.
public struct Huber: Loss {
    /// The error at which the loss turns from quadratic to linear.
    public var delta: Float
    /// How the element losses are combined.
    public var reduction: Reduction

    /// Creates a Huber loss.
    ///
    /// - Precondition: `delta` is positive.
    public init(delta: Float = 1, reduction: Reduction = .mean) {
        precondition(delta > 0, "Huber's delta must be positive (got \(delta)).")
        self.delta = delta
        self.reduction = reduction
    }

    /// The loss of `predicted` against `target`.
    ///
    /// - Precondition: both have the same shape.
    public func callAsFunction(_ predicted: Tensor, _ target: Tensor) -> Float {
        evaluate(predicted, target, wantsGradient: false).value
    }

    /// The loss and its gradient, `p - y` clamped to `-delta...delta` (divided by the element
    /// count for `.mean`).
    ///
    /// - Precondition: both have the same shape.
    public func valueWithGradient(_ predicted: Tensor, _ target: Tensor) -> (value: Float, gradient: Tensor) {
        let (value, gradient) = evaluate(predicted, target, wantsGradient: true)
        return (value, gradient!)
    }

    private func evaluate(_ predicted: Tensor, _ target: Tensor, wantsGradient: Bool) -> (value: Float, gradient: Tensor?) {
        let delta = delta
        return reduceElementwise(predicted, target, reduction: reduction, loss: "Huber", wantsGradient: wantsGradient) { p, y in
            let d = p - y
            let magnitude = abs(d)
            return magnitude < delta
                ? (0.5 * d * d, d)
                : (delta * (magnitude - 0.5 * delta), d > 0 ? delta : -delta)
        }
    }
}
