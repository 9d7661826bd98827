import Testing
@testable import Tapeless

/// Every data error `fit` and `evaluate` can meet throws a `TrainingError` instead of trapping,
/// names what it found, and leaves the model untrained.
@Suite struct DataErrorTests {
    /// `fit` with the affine model and plain gradient descent, one epoch, silent.
    func fit<L: Loss>(
        _ model: inout AffineModel, x: Tensor, y: L.Target, loss: L, batchSize: Int = 32, shuffle: Bool = false,
        split: Float = 0, validation: (x: Tensor, y: L.Target)? = nil, metrics: [any Metric<L.Target>] = []
    ) throws -> TestSGD {
        var optimizer = TestSGD(learningRate: 0.1)
        try model.fit(
            x: x, y: y, loss: loss, optimizer: &optimizer, batchSize: batchSize, shuffle: shuffle, seed: 3,
            validationSplit: split, validationData: validation, metrics: metrics, verbosity: .silent)
        return optimizer
    }

    @Test func targetsOfAnotherShapeThanTheOutputThrowBeforeAnyStep() {
        var model = AffineModel(w: 1, b: 2)
        // The model outputs [n, 1]; targets of shape [n] are a classic mistake.
        expectTrainingError(.targetShapeMismatch(function: "MeanSquaredError", predictions: [3, 1], targets: [3])) {
            _ = try fit(&model, x: column([1, 2, 3]), y: Tensor([1, 2, 3]), loss: MeanSquaredError())
        }
        #expect(model == AffineModel(w: 1, b: 2))
    }

    @Test func targetsWithoutAnExampleDimensionThrow() {
        var model = AffineModel(w: 0, b: 0)
        expectTrainingError(.targetsHaveNoExampleDimension(dataSet: "training")) {
            _ = try fit(&model, x: column([1]), y: Tensor(1), loss: MeanSquaredError())
        }
        expectTrainingError(.targetsHaveNoExampleDimension(dataSet: "evaluation")) {
            _ = try model.evaluate(x: column([1]), y: IntTensor(shape: [], scalars: [0]), loss: CrossEntropy())
        }
    }

    @Test func aLabelOutOfRangeNamesItsExampleInTheTargetsGiven() {
        // One output column is one class, so the only valid label is 0; example 5 holds 1.
        var labels = [Int](repeating: 0, count: 8)
        labels[5] = 1
        let x = column([Float](repeating: 0, count: 8))
        let expected = TrainingError.labelOutOfRange(function: "CrossEntropy", label: 1, example: 5, classes: 1)
        var model = AffineModel(w: 0, b: 0)
        // Shuffled batches of 3: the position in the batch differs from 5.
        expectTrainingError(expected) {
            _ = try fit(&model, x: x, y: IntTensor(labels), loss: CrossEntropy(), batchSize: 3, shuffle: true)
        }
        // Held out by the split (examples 4..<8) and found while validating.
        labels[5] = 0
        labels[6] = 1
        expectTrainingError(.labelOutOfRange(function: "CrossEntropy", label: 1, example: 6, classes: 1)) {
            _ = try fit(&model, x: x, y: IntTensor(labels), loss: CrossEntropy(), batchSize: 3, split: 0.5)
        }
        expectTrainingError(.labelOutOfRange(function: "CrossEntropy", label: 1, example: 6, classes: 1)) {
            _ = try model.evaluate(x: x, y: IntTensor(labels), loss: CrossEntropy(), batchSize: 4)
        }
    }

    @Test func aMetricThatCannotReadTheOutputThrows() {
        var model = AffineModel(w: 0, b: 0)
        expectTrainingError(.invalidLogitShape(function: "Accuracy", logits: [2, 1], minimumClasses: 2)) {
            _ = try fit(&model, x: column([0, 0]), y: IntTensor([0, 0]), loss: CrossEntropy(), metrics: [Accuracy()])
        }
    }

    @Test func inputsNotShapedAsTheModelDeclaresThrowBeforeAnyStep() {
        var model = AffineModel(w: 1, b: 2)
        let wide = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        expectTrainingError(.inputShapeMismatch(expected: [nil, 1], given: [2, 2], dataSet: "training")) {
            _ = try fit(&model, x: wide, y: column([1, 2]), loss: MeanSquaredError())
        }
        expectTrainingError(.inputShapeMismatch(expected: [nil, 1], given: [2], dataSet: "evaluation")) {
            _ = try model.evaluate(x: Tensor([1, 2]), y: column([1, 2]), loss: MeanSquaredError())
        }
        #expect(model == AffineModel(w: 1, b: 2))
        let message = TrainingError.inputShapeMismatch(expected: [nil, 1], given: [2, 2], dataSet: "training").description
        #expect(message.hasPrefix("The training inputs have shape [2, 2], but the model takes inputs of shape [_, 1]"))
    }

    @Test func validationInputsShapedUnlikeTheTrainingInputsThrow() {
        var model = AffineModel(w: 0, b: 0)
        let wide = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        expectTrainingError(.validationInputShapeMismatch(training: [1], validation: [2])) {
            _ = try fit(&model, x: column([1, 2]), y: column([1, 2]), loss: MeanSquaredError(), validation: (wide, column([1, 2])))
        }
        expectTrainingError(.emptyDataSet(dataSet: "validation")) {
            _ = try fit(
                &model, x: column([1]), y: column([1]), loss: MeanSquaredError(),
                validation: (column([]), column([])))
        }
    }

    @Test func aNonFiniteValidationOrEvaluationLossNamesItsExamples() {
        var model = AffineModel(w: 1, b: 0)
        let x = column([0, 1, .infinity, 3])
        let y = column([0, 1, 2, 3])
        // NaN never equals itself, so the errors compared here carry an infinite loss.
        expectTrainingError(.nonFiniteEvaluationLoss(dataSet: "evaluation", examples: 2..<4, value: .infinity)) {
            _ = try model.evaluate(x: x, y: y, loss: MeanSquaredError(), batchSize: 2)
        }
        // The split holds out examples 2..<4, which make one validation batch.
        expectTrainingError(.nonFiniteEvaluationLoss(dataSet: "validation", examples: 2..<4, value: .infinity)) {
            _ = try fit(&model, x: x, y: y, loss: MeanSquaredError(), batchSize: 2, split: 0.5)
        }
        expectTrainingError(.emptyDataSet(dataSet: "evaluation")) {
            _ = try model.evaluate(x: column([]), y: column([]), loss: MeanSquaredError())
        }
        let message = TrainingError.nonFiniteEvaluationLoss(dataSet: "validation", examples: 2..<4, value: .nan).description
        #expect(message.contains("validation loss is nan on examples 2..<4"))
    }
}
