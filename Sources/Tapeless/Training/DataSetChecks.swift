// The checks `fit` and `evaluate` make once per call, before any batch runs, so that a
// mistake in the data throws a `TrainingError` instead of trapping mid-epoch.

/// Checks the inputs and targets of a data set and returns its number of examples, which
/// is at least one.
func checkedExampleCount(x: Tensor, y: some Batchable, dataSet: String) throws -> Int {
    guard x.hasExampleDimension else { throw TrainingError.inputsHaveNoExampleDimension(dataSet: dataSet) }
    guard y.hasExampleDimension else { throw TrainingError.targetsHaveNoExampleDimension(dataSet: dataSet) }
    let count = x.exampleCount
    guard count == y.exampleCount else {
        throw TrainingError.exampleCountMismatch(inputs: count, targets: y.exampleCount, dataSet: dataSet)
    }
    guard count > 0 else { throw TrainingError.emptyDataSet(dataSet: dataSet) }
    return count
}

/// Checks that inputs fit the shape the model's forward function was declared with, which
/// would trap on any other. The first dimension counts examples, so a batch of any size passes.
func checkInputs(_ x: Tensor, fit expected: [Int?], dataSet: String) throws {
    let fits = x.shape.count == expected.count
        && zip(x.shape, expected).dropFirst().allSatisfy { size, declared in declared.map { $0 == size } ?? true }
    guard fits else { throw TrainingError.inputShapeMismatch(expected: expected, given: x.shape, dataSet: dataSet) }
}

/// Checks that the validation inputs' examples have the training inputs' shape, which the
/// model was called with: a model traps on inputs of another shape.
func checkValidationInputs(_ validation: Tensor, like training: Tensor) throws {
    guard validation.shape.dropFirst() == training.shape.dropFirst() else {
        throw TrainingError.validationInputShapeMismatch(
            training: Array(training.shape.dropFirst()), validation: Array(validation.shape.dropFirst()))
    }
}

/// Checks that metric names are distinct and not `loss`, and returns them.
func checkedMetricNames(_ metrics: [any Metric]) throws -> [String] {
    var seen: Set<String> = ["loss"]
    return try metrics.map { metric in
        guard seen.insert(metric.name).inserted else { throw TrainingError.duplicateLogName(metric.name) }
        return metric.name
    }
}
