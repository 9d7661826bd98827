/// The mean absolute error `|p - y|` of predictions against targets of the same shape
/// (PyTorch's `l1_loss`).
///
/// Where a prediction equals its target the gradient is zero (`sign(0) = 0`), as in PyTorch.
public struct MeanAbsoluteError: ElementwiseLoss {
    /// How the element losses are combined.
    public var reduction: Reduction

    /// Creates a mean absolute error loss.
    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    /// The loss of one element and its derivative with respect to the prediction.
    public func term(prediction p: Float, target y: Float) -> (value: Float, derivative: Float) {
        let d = p - y
        return (abs(d), d > 0 ? 1 : (d < 0 ? -1 : 0))  // sign(0) = 0, as in PyTorch
    }
}
