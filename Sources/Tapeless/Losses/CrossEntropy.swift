import Foundation

/// Softmax cross-entropy of logits `[batch, classes]` against integer class labels `[batch]`
/// (PyTorch's `cross_entropy` with class indices).
///
/// Each example's target distribution puts `1 - labelSmoothing` on its label and spreads
/// `labelSmoothing` evenly over all classes; its loss is the cross-entropy of the softmax of
/// its logits against that distribution, and the gradient is `softmax(z) - target`. The
/// `.mean` reduction averages over the batch.
public struct CrossEntropy: Loss {
    /// The share of the target probability spread evenly over all classes.
    public var labelSmoothing: Float
    /// How the examples' losses are combined.
    public var reduction: Reduction

    /// Creates a cross-entropy loss on logits.
    ///
    /// - Precondition: `labelSmoothing` lies in `0...1`.
    public init(labelSmoothing: Float = 0, reduction: Reduction = .mean) {
        precondition(
            (0...1).contains(labelSmoothing),
            "CrossEntropy's label smoothing must lie in 0...1 (got \(labelSmoothing)).")
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }

    /// The loss of the logits `predicted` against the class labels `target`.
    ///
    /// - Precondition: `predicted` is `[batch, classes]`, `target` is `[batch]`, and every
    ///   label lies in `0..<classes`.
    public func callAsFunction(_ predicted: Tensor, _ target: IntTensor) -> Float {
        evaluate(predicted, target, gradient: nil)
    }

    /// The loss and its gradient with respect to the logits, `softmax(z) - target`
    /// (divided by the batch size for `.mean`).
    ///
    /// - Precondition: `predicted` is `[batch, classes]`, `target` is `[batch]`, and every
    ///   label lies in `0..<classes`.
    public func valueWithGradient(_ predicted: Tensor, _ target: IntTensor) -> (value: Float, gradient: Tensor) {
        valueWithNewGradient(predicted, target)
    }

    /// The loss, with its gradient with respect to the logits written into `gradient` (whose
    /// storage is reused when it has `predicted`'s shape).
    ///
    /// - Precondition: `predicted` is `[batch, classes]`, `target` is `[batch]`, and every
    ///   label lies in `0..<classes`.
    public func value(_ predicted: Tensor, _ target: IntTensor, gradientInto gradient: inout Tensor) -> Float {
        gradient.prepareToOverwrite(shape: predicted.shape)
        return gradient.withUnsafeMutableBufferPointer { evaluate(predicted, target, gradient: $0.baseAddress) }
    }

    /// Computes the loss, and writes the gradient to `gradient` unless it is `nil`.
    private func evaluate(_ predicted: Tensor, _ target: IntTensor, gradient: UnsafeMutablePointer<Float>?) -> Float {
        let (batch, classes) = requireLogitsAndLabels(predicted, target, for: "CrossEntropy")
        let scale = reduction.scale(count: batch)
        let onLabel = 1 - labelSmoothing
        let everywhere = labelSmoothing / Float(classes)
        var total = 0.0
        predicted.withUnsafeBufferPointer { logits in
            target.withUnsafeBufferPointer { labels in
                for example in 0..<batch {
                    let z = logits.baseAddress! + example &* classes
                    let label = labels[example]
                    var largest = z[0]
                    for c in 1..<classes { largest = max(largest, z[c]) }
                    // Work with z - largest so that large logits lose no digits.
                    var sumOfExponentials: Float = 0
                    var shiftedSum: Float = 0
                    if let gradient {
                        // Keep each exponential in the gradient row so it is computed once.
                        let row = gradient + example &* classes
                        for c in 0..<classes {
                            let shifted = z[c] - largest
                            let e = exp(shifted)
                            row[c] = e
                            sumOfExponentials += e
                            shiftedSum += shifted
                        }
                        let toSoftmax = scale / sumOfExponentials
                        let smoothingShare = scale * everywhere
                        for c in 0..<classes { row[c] = row[c] * toSoftmax - smoothingShare }
                        row[label] -= scale * onLabel
                    } else {
                        for c in 0..<classes {
                            let shifted = z[c] - largest
                            sumOfExponentials += exp(shifted)
                            shiftedSum += shifted
                        }
                    }
                    // -Σ q_c log softmax_c with q = onLabel * onehot + everywhere, whose
                    // weights sum to one, so `largest` cancels.
                    total += Double(log(sumOfExponentials) - onLabel * (z[label] - largest) - everywhere * shiftedSum)
                }
            }
        }
        return Float(total) * scale
    }
}

/// Checks that `logits` is `[batch, classes]` and `labels` holds `batch` labels in
/// `0..<classes`, and returns the two sizes.
func requireLogitsAndLabels(_ logits: Tensor, _ labels: IntTensor, for name: String) -> (batch: Int, classes: Int) {
    precondition(
        logits.rank == 2,
        "\(name) needs logits of shape [batch, classes], but they have shape \(logits.shape).")
    let (batch, classes) = (logits.shape[0], logits.shape[1])
    precondition(
        labels.shape == [batch],
        "\(name) needs one label per example: labels of shape [\(batch)] for logits of shape \(logits.shape), but the labels have shape \(labels.shape)."
    )
    labels.withUnsafeBufferPointer { labels in
        for (index, label) in labels.enumerated() where !(0..<classes).contains(label) {
            preconditionFailure(
                "\(name): label \(label) at index \(index) is out of range for \(classes) classes (labels must lie in 0..<\(classes)).")
        }
    }
    return (batch, classes)
}
