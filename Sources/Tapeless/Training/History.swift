/// What ``Module/fit(x:y:loss:optimizer:epochs:batchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:)``
/// measured after every epoch (Keras's `History.history`).
///
/// Every key maps to one value per completed epoch: `loss`, each metric by its
/// ``Metric/name``, and with validation `val_loss` and `val_<metric>`.
/// ```swift
/// let history = try model.fit(x: x, y: y, loss: loss, optimizer: &optimizer, epochs: 10)
/// print(history.loss.last!, history["val_accuracy"] ?? [])
/// ```
public struct History: Sendable, Equatable {
    /// Every recorded quantity by name, one value per epoch.
    public private(set) var values: [String: [Float]] = [:]
    /// The number of epochs recorded.
    public private(set) var epochCount = 0

    /// Creates an empty history.
    public init() {}

    /// The values recorded under `key`, one per epoch, or `nil` if nothing has that name.
    public subscript(key: String) -> [Float]? { values[key] }

    /// The names of the recorded quantities, sorted.
    public var keys: [String] { values.keys.sorted() }

    /// The training loss of every epoch.
    public var loss: [Float] { values["loss"] ?? [] }

    /// The validation loss of every epoch, or `nil` when training did not validate.
    public var validationLoss: [Float]? { values["val_loss"] }

    /// Appends one epoch's logs.
    ///
    /// - Precondition: `logs` has the same keys as every earlier epoch.
    public mutating func append(_ logs: [String: Float]) {
        precondition(
            epochCount == 0 || Set(logs.keys) == Set(values.keys),
            "Epoch logs have keys \(logs.keys.sorted()) but earlier epochs have \(keys); every epoch must log the same quantities.")
        for (key, value) in logs {
            values[key, default: []].append(value)
        }
        epochCount += 1
    }
}
