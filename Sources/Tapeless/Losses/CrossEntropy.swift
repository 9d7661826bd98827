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
    /// - Throws: ``TrainingError`` unless `predicted` is `[batch, classes]` with a class,
    ///   `target` is `[batch]` and every label lies in `0..<classes`, and for a `.mean` over
    ///   no examples.
    public func callAsFunction(_ predicted: Tensor, _ target: IntTensor) throws -> Float {
        let sizes = try checkedArguments(predicted, target)
        return evaluate(predicted, target, sizes: sizes, gradient: nil)
    }

    /// The loss and its gradient with respect to the logits, `softmax(z) - target`
    /// (divided by the batch size for `.mean`).
    ///
    /// - Throws: ``TrainingError`` unless `predicted` is `[batch, classes]` with a class,
    ///   `target` is `[batch]` and every label lies in `0..<classes`, and for a `.mean` over
    ///   no examples.
    public func valueWithGradient(_ predicted: Tensor, _ target: IntTensor) throws -> (value: Float, gradient: Tensor) {
        try valueWithNewGradient(predicted, target)
    }

    /// The loss, with its gradient with respect to the logits written into `gradient` (whose
    /// storage is reused when it has `predicted`'s shape).
    ///
    /// - Throws: ``TrainingError`` unless `predicted` is `[batch, classes]` with a class,
    ///   `target` is `[batch]` and every label lies in `0..<classes`, and for a `.mean` over
    ///   no examples.
    public func value(_ predicted: Tensor, _ target: IntTensor, gradientInto gradient: inout Tensor) throws -> Float {
        let sizes = try checkedArguments(predicted, target)
        gradient.prepareToOverwrite(shape: predicted.shape)
        return gradient.withUnsafeMutableBufferPointer { evaluate(predicted, target, sizes: sizes, gradient: $0.baseAddress) }
    }

    /// The batch size and class count of valid arguments (see ``callAsFunction(_:_:)``).
    private func checkedArguments(_ predicted: Tensor, _ target: IntTensor) throws -> (batch: Int, classes: Int) {
        let sizes = try checkedLogitsAndLabels(predicted, target, for: Self.self)
        if reduction == .mean { try checkHasElements(predicted, for: Self.self) }
        return sizes
    }

    /// Computes the loss of checked arguments, and writes the gradient to `gradient` unless it
    /// is `nil`.
    private func evaluate(
        _ predicted: Tensor, _ target: IntTensor, sizes: (batch: Int, classes: Int), gradient: UnsafeMutablePointer<Float>?
    ) -> Float {
        let (batch, classes) = sizes
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
