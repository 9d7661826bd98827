/// Stops training when a monitored quantity has stopped improving (Keras's `EarlyStopping`).
///
/// After every epoch the monitored value is compared with the best so far. It improves when it
/// is lower than `best - minDelta` (mode ``Mode/minimum``) or higher than `best + minDelta`
/// (mode ``Mode/maximum``). Each epoch without improvement counts towards `patience`; when
/// that count reaches `patience` (after the first epoch), training stops at the end of the
/// epoch. With `restoreBestWeights`, stopping also puts back the parameters of the best
/// epoch; as in Keras, they are not restored when training runs all its epochs.
///
/// ```swift
/// let stop = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
/// try model.fit(x: x, y: y, loss: loss, optimizer: &adam, epochs: 100,
///               validationSplit: 0.2, callbacks: [stop])
/// print(stop.stoppedEpoch ?? "ran every epoch")
/// ```
public final class EarlyStopping: Callback {
    /// Whether a lower or a higher monitored value is better.
    public enum Mode: Sendable {
        /// Higher is better when the name contains `acc` or `auc` (as in `accuracy`,
        /// `val_accuracy`); otherwise, as for every loss, lower is better.
        case automatic
        /// Lower is better.
        case minimum
        /// Higher is better.
        case maximum
    }

    /// The name of the monitored log entry, such as `val_loss` or `accuracy`.
    public let monitor: String
    /// The smallest change that counts as an improvement (its sign is ignored).
    public let minDelta: Float
    /// The number of epochs without improvement after which training stops.
    public let patience: Int
    /// Whether lower or higher is better, with ``Mode/automatic`` resolved from the name.
    public let mode: Mode
    /// A value the monitored quantity must beat before patience resets, if any.
    public let baseline: Float?
    /// Whether stopping restores the parameters of the best epoch.
    public let restoreBestWeights: Bool

    /// The best monitored value so far.
    public private(set) var bestValue: Float?
    /// The epoch (0-based) of ``bestValue``.
    public private(set) var bestEpoch: Int?
    /// The epoch (0-based) at whose end training stopped, or `nil` if it did not stop early.
    public private(set) var stoppedEpoch: Int?

    private var epochsWithoutImprovement = 0
    private var bestWeights: [Float]?

    /// Creates an early-stopping callback.
    ///
    /// - Precondition: `patience >= 0`.
    public init(
        monitor: String = "val_loss", minDelta: Float = 0, patience: Int = 0, mode: Mode = .automatic,
        baseline: Float? = nil, restoreBestWeights: Bool = false
    ) {
        precondition(patience >= 0, "EarlyStopping patience must be at least 0 (got \(patience)).")
        self.monitor = monitor
        self.minDelta = abs(minDelta)
        self.patience = patience
        switch mode {
        case .automatic:
            self.mode = monitor.contains("acc") || monitor.contains("auc") ? .maximum : .minimum
        case .minimum, .maximum:
            self.mode = mode
        }
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
    }

    /// Resets the state, so one callback can serve several runs of `fit`.
    public func onTrainBegin(session: TrainingSession) {
        bestValue = nil
        bestEpoch = nil
        stoppedEpoch = nil
        epochsWithoutImprovement = 0
        bestWeights = nil
    }

    /// Compares the epoch's monitored value with the best and stops training when patience
    /// runs out.
    ///
    /// - Precondition: the logs contain ``monitor``.
    public func onEpochEnd(_ epoch: Int, logs: [String: Float], session: TrainingSession) {
        guard let current = logs[monitor] else {
            let hint = monitor.hasPrefix("val_") ? " Pass validationData or a validationSplit to fit, or monitor a training quantity." : ""
            preconditionFailure(
                "EarlyStopping monitors '\(monitor)', but the epoch logs only have \(logs.keys.sorted()).\(hint)")
        }
        if restoreBestWeights && bestWeights == nil {
            bestWeights = session.parameterScalars
        }
        epochsWithoutImprovement += 1
        if isImprovement(current, over: bestValue) {
            bestValue = current
            bestEpoch = epoch
            if restoreBestWeights {
                bestWeights = session.parameterScalars
            }
            if baseline == nil || isImprovement(current, over: baseline) {
                epochsWithoutImprovement = 0
                return
            }
        }
        if epochsWithoutImprovement >= patience && epoch > 0 {
            stoppedEpoch = epoch
            session.stopTraining()
            if restoreBestWeights, let bestWeights {
                session.parameterScalars = bestWeights
            }
        }
    }

    private func isImprovement(_ value: Float, over reference: Float?) -> Bool {
        guard let reference else { return !value.isNaN }
        switch mode {
        case .maximum: return value - minDelta > reference
        case .minimum, .automatic: return value + minDelta < reference
        }
    }
}
