import Foundation

/// A problem with the data or settings given to `fit` or `evaluate`, or a diverging run.
public enum TrainingError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The inputs hold no examples.
    case emptyDataSet
    /// The inputs are a rank-0 tensor, which has no examples along dimension 0.
    case inputsHaveNoExampleDimension
    /// The batch size is not positive.
    case invalidBatchSize(Int)
    /// The number of epochs is negative.
    case invalidEpochCount(Int)
    /// Inputs and targets have different numbers of examples.
    case exampleCountMismatch(inputs: Int, targets: Int, dataSet: String)
    /// The validation split is outside `[0, 1)`.
    case invalidValidationSplit(Float)
    /// The validation split leaves no training examples or no validation examples.
    case validationSplitLeavesNoData(split: Float, exampleCount: Int, trainingCount: Int)
    /// Both `validationData` and a nonzero `validationSplit` were given.
    case conflictingValidationOptions
    /// Two metrics share a name, or a metric is named `loss`.
    case duplicateLogName(String)
    /// The loss of a batch was NaN or infinite; `epoch` and `batch` are 0-based.
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float)

    /// A sentence that says what went wrong and what to do.
    public var description: String {
        switch self {
        case .emptyDataSet:
            return "The training data holds no examples; give at least one example."
        case .inputsHaveNoExampleDimension:
            return "The inputs are a rank-0 tensor; give them shape [examples, features...]."
        case .invalidBatchSize(let size):
            return "The batch size is \(size); it must be at least 1."
        case .invalidEpochCount(let count):
            return "The number of epochs is \(count); it must be at least 0."
        case let .exampleCountMismatch(inputs, targets, dataSet):
            return "The \(dataSet) inputs have \(inputs) examples but the targets have \(targets); give one target per input example."
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
        }
    }

    /// The same text as ``description``.
    public var errorDescription: String? { description }
}
