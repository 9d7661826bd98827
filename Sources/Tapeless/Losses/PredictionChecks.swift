// The checks the runtime's losses and metrics make on their arguments before reading them.
//
// Each runs once per call and reads only shapes (labels once each), so a training step
// stays free of allocations; a mismatch throws a `TrainingError` that names the loss or
// metric and both shapes.

/// Throws unless `target` has `predicted`'s shape.
func checkSameShape(_ predicted: Tensor, _ target: Tensor, for function: Any.Type) throws {
    guard predicted.shape == target.shape else {
        throw TrainingError.targetShapeMismatch(
            function: String(describing: function), predictions: predicted.shape, targets: target.shape)
    }
}

/// Throws when a mean (or fraction) over `predicted`'s elements would divide by zero.
func checkHasElements(_ predicted: Tensor, for function: Any.Type) throws {
    guard predicted.scalarCount > 0 else {
        throw TrainingError.emptyPredictions(function: String(describing: function), shape: predicted.shape)
    }
}

/// Checks that `logits` is `[batch, classes]` with at least `minimumClasses` classes and that
/// `labels` holds `batch` labels in `0..<classes`, and returns the two sizes.
func checkedLogitsAndLabels(
    _ logits: Tensor, _ labels: IntTensor, for function: Any.Type, minimumClasses: Int = 1
) throws -> (batch: Int, classes: Int) {
    guard logits.rank == 2 && logits.shape[1] >= minimumClasses else {
        throw TrainingError.invalidLogitShape(
            function: String(describing: function), logits: logits.shape, minimumClasses: minimumClasses)
    }
    let (batch, classes) = (logits.shape[0], logits.shape[1])
    // Compared element by element: an array literal `[batch]` could allocate on every step.
    guard labels.shape.count == 1 && labels.shape[0] == batch else {
        throw TrainingError.labelCountMismatch(function: String(describing: function), logits: logits.shape, labels: labels.shape)
    }
    let misplaced: (example: Int, label: Int)? = labels.withUnsafeBufferPointer { labels in
        for example in 0..<labels.count where labels[example] < 0 || labels[example] >= classes {
            return (example, labels[example])
        }
        return nil
    }
    if let misplaced {
        throw TrainingError.labelOutOfRange(
            function: String(describing: function), label: misplaced.label, example: misplaced.example, classes: classes)
    }
    return (batch, classes)
}
