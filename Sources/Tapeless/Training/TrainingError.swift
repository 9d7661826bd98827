import Foundation

/// A problem with the data or settings given to `fit`, `evaluate`, a runtime loss or a
/// metric, or a diverging run.
///
/// Every data error these calls can meet is thrown as one of these cases, never a trap; see
/// <doc:ErrorsAndTraps> for what traps instead and why. Data sets are named `training`,
/// `validation` or `evaluation`; example positions count from 0 in the tensors that were
/// passed.
public enum TrainingError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// A data set holds no examples.
    case emptyDataSet(dataSet: String)
    /// A data set's inputs are a rank-0 tensor, which has no examples along dimension 0.
    case inputsHaveNoExampleDimension(dataSet: String)
    /// A data set's targets have rank 0, so they have no examples along dimension 0.
    case targetsHaveNoExampleDimension(dataSet: String)
    /// The batch size is not positive.
    case invalidBatchSize(Int)
    /// The number of epochs is negative.
    case invalidEpochCount(Int)
    /// Inputs and targets have different numbers of examples.
    case exampleCountMismatch(inputs: Int, targets: Int, dataSet: String)
    /// The inputs of a data set (shaped `given`) do not fit the model's forward function,
    /// which takes `expected` (``Module/inputShape``).
    case inputShapeMismatch(expected: [Int?], given: [Int], dataSet: String)
    /// The validation inputs' examples are shaped differently from the training inputs'
    /// (`training` and `validation` are the shapes of one example).
    case validationInputShapeMismatch(training: [Int], validation: [Int])
    /// The validation split is outside `[0, 1)`.
    case invalidValidationSplit(Float)
    /// The validation split leaves no training examples or no validation examples.
    case validationSplitLeavesNoData(split: Float, exampleCount: Int, trainingCount: Int)
    /// Both `validationData` and a nonzero `validationSplit` were given.
    case conflictingValidationOptions
    /// Two metrics share a name, or a metric is named `loss`.
    case duplicateLogName(String)
    /// The loss of a training batch was NaN or infinite; `epoch` and `batch` are 0-based.
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float)
    /// The loss of an evaluation or validation batch, the examples `examples`, was NaN or
    /// infinite.
    case nonFiniteEvaluationLoss(dataSet: String, examples: Range<Int>, value: Float)
    /// A loss or metric (`function`) needs targets of the predictions' shape.
    case targetShapeMismatch(function: String, predictions: [Int], targets: [Int])
    /// A loss or metric on class logits needs them shaped `[batch, classes]` with at least
    /// `minimumClasses` classes.
    case invalidLogitShape(function: String, logits: [Int], minimumClasses: Int)
    /// A loss or metric on class logits needs one label per row of logits.
    case labelCountMismatch(function: String, logits: [Int], labels: [Int])
    /// The label of example `example` is not a class index in `0..<classes`.
    case labelOutOfRange(function: String, label: Int, example: Int, classes: Int)
    /// A mean (or a fraction) over predictions that hold no elements, which is undefined.
    case emptyPredictions(function: String, shape: [Int])
    /// An argument of a model function trained or evaluated through an ``Objective`` has a
    /// shape that does not fit its declaration: `expected` is the declared shape with the sizes
    /// already bound by earlier arguments, such as `[batch = 100, 64]`.
    case argumentShapeMismatch(function: String, argument: String, expected: String, given: [Int], dataSet: String)
    /// The processes of a ``ProcessGroup`` built models of different parameter layouts;
    /// `rank` is this process and `parameterCount` the size of its model.
    case parameterLayoutMismatch(rank: Int, parameterCount: Int)

    /// A sentence that says what went wrong and what to do.
    public var description: String {
        switch self {
        case .emptyDataSet(let dataSet):
            return "The \(dataSet) data holds no examples; give at least one example."
        case .inputsHaveNoExampleDimension(let dataSet):
            return "The \(dataSet) inputs are a rank-0 tensor; give them shape [examples, features...]."
        case .targetsHaveNoExampleDimension(let dataSet):
            return "The \(dataSet) targets have rank 0; give them one entry per example along dimension 0, such as shape [examples] for labels."
        case .invalidBatchSize(let size):
            return "The batch size is \(size); it must be at least 1."
        case .invalidEpochCount(let count):
            return "The number of epochs is \(count); it must be at least 0."
        case let .exampleCountMismatch(inputs, targets, dataSet):
            return "The \(dataSet) inputs have \(inputs) examples but the targets have \(targets); give one target per input example."
        case let .inputShapeMismatch(expected, given, dataSet):
            let pattern = "[" + expected.map { $0.map(String.init) ?? "_" }.joined(separator: ", ") + "]"
            return "The \(dataSet) inputs have shape \(given), but the model takes inputs of shape \(pattern) (_ is any size, "
                + "the first dimension counts examples); give every example the shape the model was declared with."
        case let .validationInputShapeMismatch(training, validation):
            return "Each validation input has shape \(validation) but each training input has shape \(training); give validation data shaped like the training data."
        case .invalidValidationSplit(let split):
            return "The validation split is \(split); it must be at least 0 and less than 1 (for example 0.2 for the last 20%)."
        case let .validationSplitLeavesNoData(split, count, training):
            let side = training == 0 ? "no training examples" : "no validation examples"
            return "A validation split of \(split) of \(count) examples leaves \(side); change the split or give more data."
        case .conflictingValidationOptions:
            return "Both validationData and a validationSplit were given; pass only one of them."
        case .duplicateLogName(let name):
            return "Two logged quantities are named '\(name)' (the loss is 'loss'); give every metric a distinct name."
        case let .nonFiniteLoss(epoch, batch, value):
            return "The loss became \(value) in epoch \(epoch + 1), batch \(batch + 1) (counting from 1, as the progress output does); "
                + "the model was left as it was before that batch. Try a lower learning rate, or check the inputs and targets for NaN, infinite or unscaled values."
        case let .nonFiniteEvaluationLoss(dataSet, examples, value):
            return "The \(dataSet) loss is \(value) on examples \(examples.lowerBound)..<\(examples.upperBound); "
                + "check those inputs and targets for NaN, infinite or unscaled values, or the model for parameters that have diverged."
        case let .targetShapeMismatch(function, predictions, targets):
            let hint = predictions.reduce(1, *) == targets.reduce(1, *)
                ? "they hold the same number of elements, so reshape the targets to \(predictions)"
                : "check that the model's output has one column per target column"
            return "\(function) needs targets of the predictions' shape \(predictions), but the targets have shape \(targets); \(hint)."
        case let .invalidLogitShape(function, logits, minimumClasses):
            let oneColumn = minimumClasses > 1 && logits.count == 2 && logits[1] == 1
            let hint = oneColumn
                ? "for one logit per example use BinaryAccuracy (and BinaryCrossEntropy as the loss)"
                : "give the model's output one column per class"
            return "\(function) needs logits of shape [batch, classes] with at least \(minimumClasses) "
                + "class\(minimumClasses == 1 ? "" : "es"), but they have shape \(logits); \(hint)."
        case let .labelCountMismatch(function, logits, labels):
            let rows = logits.first ?? 0
            return "\(function) needs one label per row of logits: labels of shape [\(rows)] for logits of shape \(logits), but the labels have shape \(labels)."
        case let .labelOutOfRange(function, label, example, classes):
            return "\(function): the label of example \(example) is \(label), outside 0..<\(classes) for logits with \(classes) classes; "
                + "labels must be class indices. Check the labels, or give the model's output one column per class."
        case let .emptyPredictions(function, shape):
            return "\(function) got predictions of shape \(shape), which hold no elements, and the mean of no values is undefined; give at least one example."
        case let .argumentShapeMismatch(function, argument, expected, given, dataSet):
            return "The \(dataSet) argument '\(argument)' of \(function) has shape \(given), but the model declares \(expected) "
                + "(the first dimension counts examples, and a size variable has one size in every argument); give it that shape."
        case let .parameterLayoutMismatch(rank, parameterCount):
            return "The processes built models of different parameter layouts (process \(rank) has \(parameterCount) parameters); "
                + "start every process with the same program and model, so that parameters and gradients line up."
        }
    }

    /// The same text as ``description``.
    public var errorDescription: String? { description }

    /// The error with the example position of ``labelOutOfRange(function:label:example:classes:)``
    /// moved from the batch to the data set, by `position`.
    func locatingExample(_ position: (Int) -> Int) -> TrainingError {
        guard case let .labelOutOfRange(function, label, example, classes) = self else { return self }
        return .labelOutOfRange(function: function, label: label, example: position(example), classes: classes)
    }
}
