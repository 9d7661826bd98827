/// The mean squared error `(p - y)²` of predictions against targets of the same shape
/// (PyTorch's `mse_loss`).
public struct MeanSquaredError: ElementwiseLoss {
    /// How the element losses are combined.
    public var reduction: Reduction

    /// Creates a mean squared error loss.
    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    /// The loss of one element and its derivative with respect to the prediction.
    public func term(prediction p: Float, target y: Float) -> (value: Float, derivative: Float) {
        let d = p - y
        return (d * d, 2 * d)
    }
}
