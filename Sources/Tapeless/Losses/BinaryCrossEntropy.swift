import Foundation

/// Binary cross-entropy of logits against targets in `0...1` (PyTorch's
/// `binary_cross_entropy_with_logits`).
///
/// Predictions are logits `z` (no sigmoid applied), targets `y` are labels 0 or 1, or
/// probabilities. An element's loss is `max(z, 0) - z y + log(1 + exp(-|z|))`, which equals
/// `-(y log σ(z) + (1 - y) log(1 - σ(z)))` without overflowing for large `|z|`; its gradient
/// is `σ(z) - y`.
public struct BinaryCrossEntropy: ElementwiseLoss {
    /// How the element losses are combined.
    public var reduction: Reduction

    /// Creates a binary cross-entropy loss on logits.
    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    /// The loss of one element and its derivative with respect to the prediction.
    public func term(prediction p: Float, target y: Float) -> (value: Float, derivative: Float) {
        let e = exp(-abs(p))  // in (0, 1]: never overflows
        let sigmoid = p >= 0 ? 1 / (1 + e) : e / (1 + e)
        return (max(p, 0) - p * y + log1p(e), sigmoid - y)
    }
}
