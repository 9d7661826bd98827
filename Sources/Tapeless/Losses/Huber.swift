/// The Huber loss: quadratic for errors within `delta`, linear beyond (PyTorch's `huber_loss`).
///
/// With `d = p - y`, an element's loss is `d² / 2` when `|d| < delta` and
/// `delta * (|d| - delta / 2)` otherwise; its gradient is `d` clamped to `-delta...delta`.
public struct Huber: ElementwiseLoss {
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

    /// The loss of one element and its derivative with respect to the prediction.
    public func term(prediction p: Float, target y: Float) -> (value: Float, derivative: Float) {
        let d = p - y
        let magnitude = abs(d)
        return magnitude < delta
            ? (0.5 * d * d, d)
            : (delta * (magnitude - 0.5 * delta), d > 0 ? delta : -delta)
    }
}
