/// The fraction of examples whose largest logit is at their label (the row's first largest
/// logit counts, as in `torch.argmax`).
///
/// Predictions are `[batch, classes]` logits or probabilities with at least two classes;
/// for one logit per example use ``BinaryAccuracy``.
public struct Accuracy: Metric {
    /// Creates the metric.
    public init() {}

    /// The name shown in progress output and history: `accuracy`.
    public var name: String { "accuracy" }

    /// The fraction of rows of `predicted` whose argmax equals the row's label.
    ///
    /// - Throws: ``TrainingError`` unless `predicted` is `[batch, classes]` with
    ///   `classes >= 2` and `batch >= 1`, and `target` holds `batch` labels in `0..<classes`.
    public func callAsFunction(_ predicted: Tensor, _ target: IntTensor) throws -> Float {
        let (batch, classes) = try checkedLogitsAndLabels(predicted, target, for: Self.self, minimumClasses: 2)
        try checkHasElements(predicted, for: Self.self)
        var correct = 0
        predicted.withUnsafeBufferPointer { logits in
            target.withUnsafeBufferPointer { labels in
                for example in 0..<batch {
                    let row = logits.baseAddress! + example &* classes
                    var best = 0
                    for c in 1..<classes where row[c] > row[best] { best = c }
                    if best == labels[example] { correct &+= 1 }
                }
            }
        }
        return Float(correct) / Float(batch)
    }
}

/// The fraction of binary predictions that match their 0/1 targets, where a logit above
/// `threshold` predicts 1.
///
/// Targets above 0.5 count as 1. The default threshold 0 suits logits (probability 0.5);
/// use 0.5 for a model that outputs probabilities.
public struct BinaryAccuracy: Metric {
    /// The value above which a prediction means class 1.
    public var threshold: Float

    /// Creates the metric.
    public init(threshold: Float = 0) {
        self.threshold = threshold
    }

    /// The name shown in progress output and history: `accuracy`.
    public var name: String { "accuracy" }

    /// The fraction of elements where `predicted > threshold` agrees with `target > 0.5`.
    ///
    /// - Throws: ``TrainingError`` unless both have the same shape and hold an element.
    public func callAsFunction(_ predicted: Tensor, _ target: Tensor) throws -> Float {
        try checkSameShape(predicted, target, for: Self.self)
        try checkHasElements(predicted, for: Self.self)
        let threshold = threshold
        var correct = 0
        predicted.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { y in
                for i in 0..<p.count where (p[i] > threshold) == (y[i] > 0.5) { correct &+= 1 }
            }
        }
        return Float(correct) / Float(predicted.scalarCount)
    }
}
