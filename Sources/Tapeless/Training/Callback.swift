/// Hooks that ``Module/fit(x:y:loss:optimizer:epochs:batchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:)``
/// calls while it trains (Keras's `keras.callbacks.Callback`).
///
/// Every method has an empty default, so a callback implements only what it needs. Epoch and
/// batch numbers are 0-based (progress output shows them 1-based). Logs map names to values:
/// `loss` and each metric, plus `val_loss` and `val_<metric>` at the end of a validated epoch.
/// A callback changes training through the ``TrainingSession``: it can set the learning rate,
/// replace the model's parameters, or ask training to stop.
///
/// Callbacks are classes so that their state (such as ``EarlyStopping/stoppedEpoch``) can be
/// read after training; `fit` calls them in the order given.
public protocol Callback: AnyObject {
    /// Called once before the first epoch.
    func onTrainBegin(session: TrainingSession)
    /// Called before the first batch of `epoch`.
    func onEpochBegin(_ epoch: Int, session: TrainingSession)
    /// Called after the optimizer step of `batch`; `logs` hold the running means of the epoch
    /// so far (the same numbers the progress bar shows).
    func onBatchEnd(_ batch: Int, logs: [String: Float], session: TrainingSession)
    /// Called after `epoch` with its final logs, including validation results.
    func onEpochEnd(_ epoch: Int, logs: [String: Float], session: TrainingSession)
    /// Called once after the last epoch (also after a stop), with the complete history.
    func onTrainEnd(history: History, session: TrainingSession)
}

extension Callback {
    /// Does nothing.
    public func onTrainBegin(session: TrainingSession) {}
    /// Does nothing.
    public func onEpochBegin(_ epoch: Int, session: TrainingSession) {}
    /// Does nothing.
    public func onBatchEnd(_ batch: Int, logs: [String: Float], session: TrainingSession) {}
    /// Does nothing.
    public func onEpochEnd(_ epoch: Int, logs: [String: Float], session: TrainingSession) {}
    /// Does nothing.
    public func onTrainEnd(history: History, session: TrainingSession) {}
}

/// The state of one run of `fit` as callbacks see it, and the controls they have over it.
///
/// `fit` copies the optimizer's learning rate into ``learningRate`` before every callback and
/// copies it back afterwards, so a callback changes the rate of the following updates by
/// setting it. ``parameterScalars`` exposes the model's flat parameter buffer (laid out as the
/// model's ``ParameterContainer/parameterLayout``) in the epoch- and training-level methods;
/// assigning to it replaces the model's parameters.
public final class TrainingSession {
    /// The number of epochs `fit` was asked to run.
    public let epochCount: Int
    /// The number of batches in every epoch.
    public let batchesPerEpoch: Int
    /// The current epoch (0-based).
    public internal(set) var epoch = 0
    /// The step size of the optimizer's next update.
    public var learningRate: Float
    /// The epochs completed so far.
    public internal(set) var history = History()
    /// Whether a callback asked training to stop.
    public private(set) var isStopRequested = false

    /// The model's parameters while an epoch- or training-level callback runs; `nil` otherwise.
    private var parameterSnapshot: [Float]?
    /// Whether a callback assigned ``parameterScalars`` during the current callback round.
    private var parametersWereReplaced = false

    init(epochCount: Int, batchesPerEpoch: Int, learningRate: Float) {
        self.epochCount = epochCount
        self.batchesPerEpoch = batchesPerEpoch
        self.learningRate = learningRate
    }

    /// Asks `fit` to stop: it finishes the current batch, then the current epoch (logs,
    /// validation and `onEpochEnd`), and runs no further epochs (Keras's `stop_training`).
    public func stopTraining() {
        isStopRequested = true
    }

    /// The model's flat parameter buffer; assigning to it replaces the model's parameters.
    ///
    /// - Precondition: called from `onTrainBegin`, `onEpochBegin`, `onEpochEnd` or
    ///   `onTrainEnd` (per batch the buffer is not copied out, to keep steps cheap), and an
    ///   assigned buffer has the model's parameter count.
    public var parameterScalars: [Float] {
        get {
            guard let parameterSnapshot else {
                preconditionFailure("The model's parameters are available to callbacks in onTrainBegin, onEpochBegin, onEpochEnd and onTrainEnd, not per batch.")
            }
            return parameterSnapshot
        }
        set {
            guard let parameterSnapshot else {
                preconditionFailure("The model's parameters can be replaced in onTrainBegin, onEpochBegin, onEpochEnd and onTrainEnd, not per batch.")
            }
            precondition(
                newValue.count == parameterSnapshot.count,
                "The model has \(parameterSnapshot.count) parameter scalars; a buffer of \(newValue.count) cannot replace them.")
            self.parameterSnapshot = newValue
            parametersWereReplaced = true
        }
    }

    /// Runs `body` with the model's parameters exposed, then returns a replacement if a
    /// callback assigned one.
    func exposingParameters(_ parameters: [Float], _ body: () -> Void) -> [Float]? {
        parameterSnapshot = parameters
        parametersWereReplaced = false
        body()
        defer { parameterSnapshot = nil }
        return parametersWereReplaced ? parameterSnapshot : nil
    }
}
