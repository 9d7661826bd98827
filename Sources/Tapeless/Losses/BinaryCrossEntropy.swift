import Foundation

/// Binary cross-entropy of logits against targets in `0...1` (PyTorch's
/// `binary_cross_entropy_with_logits`).
///
/// Predictions are logits `z` (no sigmoid applied), targets `y` are labels 0 or 1, or
/// probabilities. An element's loss is `max(z, 0) - z y + log(1 + exp(-|z|))`, which equals
/// `-(y log σ(z) + (1 - y) log(1 - σ(z)))` without overflowing for large `|z|`; its gradient
/// is `σ(z) - y`.
public struct BinaryCrossEntropy: Loss {
    /// How the element losses are combined.
    public var reduction: Reduction

    /// Creates a binary cross-entropy loss on logits.
    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    /// The loss of the logits `predicted` against `target`.
    ///
    /// - Precondition: both have the same shape.
    public func callAsFunction(_ predicted: Tensor, _ target: Tensor) -> Float {
        evaluate(predicted, target, wantsGradient: false).value
    }

    /// The loss and its gradient `σ(z) - y` (divided by the element count for `.mean`).
    ///
    /// - Precondition: both have the same shape.
    public func valueWithGradient(_ predicted: Tensor, _ target: Tensor) -> (value: Float, gradient: Tensor) {
        let (value, gradient) = evaluate(predicted, target, wantsGradient: true)
        return (value, gradient!)
    }

    private func evaluate(_ predicted: Tensor, _ target: Tensor, wantsGradient: Bool) -> (value: Float, gradient: Tensor?) {
        reduceElementwise(predicted, target, reduction: reduction, loss: "BinaryCrossEntropy", wantsGradient: wantsGradient) { z, y in
            let e = exp(-abs(z))  // in (0, 1]: never overflows
            let sigmoid = z >= 0 ? 1 / (1 + e) : e / (1 + e)
            return (max(z, 0) - z * y + log1p(e), sigmoid - y)
        }
    }
}
