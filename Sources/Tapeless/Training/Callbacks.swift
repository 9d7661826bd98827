/// Sets the learning rate at the start of every epoch from a function of the epoch and the
/// current rate (Keras's `LearningRateScheduler`).
///
/// ```swift
/// let decay = LearningRateScheduler { epoch, rate in epoch < 10 ? rate : rate * 0.9 }
/// ```
public final class LearningRateScheduler: Callback {
    /// Maps the epoch (0-based) and the current rate to the rate for that epoch.
    public let schedule: (_ epoch: Int, _ currentRate: Float) -> Float

    /// Creates a scheduler from a function of the epoch (0-based) and the current rate.
    public init(_ schedule: @escaping (_ epoch: Int, _ currentRate: Float) -> Float) {
        self.schedule = schedule
    }

    /// Sets the session's learning rate for `epoch`.
    ///
    /// - Precondition: the schedule returns a finite, non-negative rate.
    public func onEpochBegin(_ epoch: Int, session: TrainingSession) {
        let rate = schedule(epoch, session.learningRate)
        precondition(
            rate.isFinite && rate >= 0,
            "The learning-rate schedule returned \(rate) for epoch \(epoch); it must return a finite rate of at least 0.")
        session.learningRate = rate
    }
}

/// A callback made of closures, for one-off hooks (Keras's `LambdaCallback`).
///
/// ```swift
/// let logger = LambdaCallback(onEpochEnd: { epoch, logs, _ in print(epoch, logs["loss"]!) })
/// ```
public final class LambdaCallback: Callback {
    private let trainBegin: ((TrainingSession) -> Void)?
    private let epochBegin: ((Int, TrainingSession) -> Void)?
    private let batchEnd: ((Int, [String: Float], TrainingSession) -> Void)?
    private let epochEnd: ((Int, [String: Float], TrainingSession) -> Void)?
    private let trainEnd: ((History, TrainingSession) -> Void)?

    /// Creates a callback that runs the given closures; omitted ones do nothing.
    public init(
        onTrainBegin: ((_ session: TrainingSession) -> Void)? = nil,
        onEpochBegin: ((_ epoch: Int, _ session: TrainingSession) -> Void)? = nil,
        onBatchEnd: ((_ batch: Int, _ logs: [String: Float], _ session: TrainingSession) -> Void)? = nil,
        onEpochEnd: ((_ epoch: Int, _ logs: [String: Float], _ session: TrainingSession) -> Void)? = nil,
        onTrainEnd: ((_ history: History, _ session: TrainingSession) -> Void)? = nil
    ) {
        trainBegin = onTrainBegin
        epochBegin = onEpochBegin
        batchEnd = onBatchEnd
        epochEnd = onEpochEnd
        trainEnd = onTrainEnd
    }

    /// Runs the `onTrainBegin` closure.
    public func onTrainBegin(session: TrainingSession) { trainBegin?(session) }
    /// Runs the `onEpochBegin` closure.
    public func onEpochBegin(_ epoch: Int, session: TrainingSession) { epochBegin?(epoch, session) }
    /// Runs the `onBatchEnd` closure.
    public func onBatchEnd(_ batch: Int, logs: [String: Float], session: TrainingSession) {
        batchEnd?(batch, logs, session)
    }
    /// Runs the `onEpochEnd` closure.
    public func onEpochEnd(_ epoch: Int, logs: [String: Float], session: TrainingSession) {
        epochEnd?(epoch, logs, session)
    }
    /// Runs the `onTrainEnd` closure.
    public func onTrainEnd(history: History, session: TrainingSession) { trainEnd?(history, session) }
}
