extension Module {
    /// Trains the model on `x` and `y` for a number of epochs, Keras style, and returns what it
    /// measured.
    ///
    /// ```swift
    /// var model = MLP(seed: 0)
    /// var optimizer = Adam(learningRate: 1e-3)
    /// let history = try model.fit(
    ///     x: images, y: labels, loss: CrossEntropy(), optimizer: &optimizer, epochs: 10,
    ///     validationSplit: 0.1, metrics: [Accuracy()],
    ///     callbacks: [EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)])
    /// ```
    ///
    /// Semantics (those of Keras's `Model.fit`):
    /// - **Validation split.** `validationSplit` takes the *last* fraction of the examples,
    ///   before any shuffling: the first `floor(n * (1 - validationSplit))` examples train and the
    ///   rest validate. `validationData` gives a separate validation set instead; passing both
    ///   is an error.
    /// - **Batches.** Every epoch visits the training examples in batches of `batchSize`; the
    ///   last batch holds the remainder. With `shuffle`, epoch `e` uses the order of
    ///   ``BatchSequence`` with this `seed` and `epoch: e`, so a seed reproduces a run exactly.
    /// - **Step.** For each batch the model runs forward in training mode, the loss gives its
    ///   value and its gradient with respect to the output, the model back-propagates it, and
    ///   the optimizer takes one step. Metrics are computed on the same forward output (before
    ///   the step). The mode is ``ForwardMode/training(seed:step:)`` with `seed` and the
    ///   batch's number counted from this call's first (`epoch * batchesPerEpoch + batch`), so
    ///   a seed reproduces dropout's masks too; validation runs in inference mode.
    /// - **Logs.** An epoch's `loss` and metrics are means over its batches weighted by batch
    ///   size; with validation, `val_loss` and `val_<metric>` are computed after the epoch's
    ///   last step, in batches of `batchSize`. ``History`` records them per epoch.
    /// - **Divergence.** A NaN or infinite batch loss throws
    ///   ``TrainingError/nonFiniteLoss(epoch:batch:value:)`` before that batch's step, so the
    ///   model keeps its last finite parameters; a NaN or infinite validation loss throws
    ///   ``TrainingError/nonFiniteEvaluationLoss(dataSet:examples:value:)`` naming its batch's
    ///   examples.
    /// - **Callbacks** run in order: `onTrainBegin`, then per epoch `onEpochBegin`, `onBatchEnd`
    ///   after every step, `onEpochEnd` after validation, and finally `onTrainEnd`. They can
    ///   set the learning rate, replace the parameters or stop training through the
    ///   ``TrainingSession``. A stop takes effect after the current batch; the epoch is then
    ///   completed (logs, validation, `onEpochEnd`) and no further epoch runs.
    /// - **Output.** See ``Verbosity``; `output` says where it goes.
    ///
    /// - Parameters:
    ///   - x: The inputs, examples along dimension 0.
    ///   - y: The targets, one per input example.
    ///   - loss: The loss to minimize.
    ///   - optimizer: Updates the model; its state carries over between calls.
    ///   - epochs: The number of passes over the training data.
    ///   - batchSize: The number of examples per step.
    ///   - shuffle: Whether every epoch visits the examples in a new seeded order.
    ///   - seed: The seed of the shuffling and of dropout's masks.
    ///   - validationSplit: The fraction of examples, taken from the end, held out to validate.
    ///   - validationData: A separate validation set.
    ///   - metrics: Quantities to report besides the loss, by their names.
    ///   - callbacks: Hooks called during training.
    ///   - verbosity: How much progress to print.
    ///   - output: Where progress goes; standard output by default.
    /// - Returns: The logs of every epoch.
    /// - Throws: ``TrainingError`` for every mistake in the data or settings, never a trap:
    ///   empty data, data without an example dimension or with different example counts in
    ///   `x` and `y`, validation inputs shaped unlike `x`, a batch size below 1, a negative
    ///   epoch count, a validation split outside `[0, 1)` or one that leaves no training or
    ///   no validation examples, both validation options, duplicate metric names, a loss or
    ///   metric that cannot compare the model's output with the targets (shapes or labels; a
    ///   label's position is its example's in `y` or `validationData.y`), and a NaN or
    ///   infinite training or validation loss. The settings and the data sets' sizes are
    ///   checked before anything trains; shapes and labels as each batch reaches the loss.
    ///   Inputs whose examples do not have the shape the model's forward function was declared
    ///   with (``Module/inputShape``) throw before anything trains.
    @discardableResult
    public mutating func fit<L: Loss>(
        x: Tensor, y: L.Target, loss: L, optimizer: inout some Optimizer,
        epochs: Int = 1, batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0,
        validationSplit: Float = 0, validationData: (x: Tensor, y: L.Target)? = nil,
        metrics: [any Metric<L.Target>] = [], callbacks: [any Callback] = [],
        verbosity: Verbosity = .progressBar, output: ProgressOutput = .standardOutput
    ) throws -> History {
        try fit(
            x: x, y: y, loss: loss, optimizer: &optimizer, epochs: epochs, batchSize: batchSize, microBatchSize: nil,
            shuffle: shuffle, seed: seed, validationSplit: validationSplit, validationData: validationData,
            metrics: metrics, callbacks: callbacks, verbosity: verbosity, output: output, across: SingleProcess())
    }

    /// Trains the model as ``fit(x:y:loss:optimizer:epochs:batchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:)``
    /// does, with every process of `group` working on its share of each batch (data
    /// parallelism), or one process taking each batch in micro-batches.
    ///
    /// ```swift
    /// Communicator.run { world in                      // TapelessDistributed, under mpirun
    ///     var model = MLP(seed: 0)
    ///     var optimizer = Adam(learningRate: 1e-3)
    ///     try model.fit(x: images, y: labels, loss: CrossEntropy(), optimizer: &optimizer,
    ///                   epochs: 10, batchSize: 256, across: world)
    ///     if world.isRoot { try model.save(to: url) }
    /// }
    /// ```
    ///
    /// Every process runs this call with the same data, settings and seed. Semantics beyond
    /// those of `fit`:
    /// - **Start.** The processes check that they built the same model
    ///   (``TrainingError/parameterLayoutMismatch(rank:parameterCount:)`` otherwise, on every
    ///   process) and take process 0's parameters.
    /// - **Shares.** Each global batch of `batchSize` examples (the batch one process would
    ///   take) is split by ``BatchSequence/shard(_:rank:of:)``; each process runs forward and
    ///   backward on its share, `microBatchSize` examples at a time when given, weights each
    ///   part's gradient, loss and metrics by its fraction of the batch, and the group sums
    ///   them (one ``ProcessGroup/sum(_:)`` of the gradient and one of the logged values per
    ///   step). Every process then applies the same optimizer step to the same sum, so the
    ///   parameters stay bit-identical, and for losses and metrics that are means over examples
    ///   the step equals one process's step on the whole batch (up to rounding).
    /// - **Logs and callbacks.** Every process gets the same summed logs, so callbacks such
    ///   as ``EarlyStopping`` decide alike and every process stops together; validation runs on
    ///   every process over the whole validation set. Only process 0 prints progress; callbacks
    ///   that write files should check ``ProcessGroup/isRoot``.
    /// - **Errors.** Every process throws the same errors of settings, shapes and divergence
    ///   (the loss is checked after the sum). An error in one process's share only, such as a
    ///   label out of range, is thrown there alone; `TapelessDistributed`'s `Communicator.run`
    ///   then ends the whole job instead of leaving the others waiting.
    /// - **State.** Batch normalization's running statistics are updated from each process's
    ///   share, then process 0's are given to every process after every step
    ///   (``ProcessGroup/shareState(of:)``, PyTorch's default); with batch normalization or
    ///   dropout the steps differ from one process's, whose statistics and masks span the batch.
    ///
    /// - Parameters:
    ///   - x: The inputs, examples along dimension 0; the same in every process.
    ///   - y: The targets, one per input example.
    ///   - loss: The loss to minimize, a mean over examples.
    ///   - optimizer: Updates the model; it starts in the same state in every process.
    ///   - epochs: The number of passes over the training data.
    ///   - batchSize: The number of examples per step, over all processes together.
    ///   - microBatchSize: The most examples one forward and backward pass of a process takes;
    ///     `nil` takes its whole share at once. Smaller values save memory, not time.
    ///   - shuffle: Whether every epoch visits the examples in a new seeded order.
    ///   - seed: The seed of the shuffling and of dropout's masks.
    ///   - validationSplit: The fraction of examples, taken from the end, held out to validate.
    ///   - validationData: A separate validation set.
    ///   - metrics: Quantities to report besides the loss, means over examples.
    ///   - callbacks: Hooks called during training, in every process.
    ///   - verbosity: How much progress process 0 prints; the others print nothing.
    ///   - output: Where progress goes; standard output by default.
    ///   - group: The processes that train together.
    /// - Returns: The logs of every epoch, the same in every process.
    /// - Throws: What `fit` throws; also ``TrainingError/invalidBatchSize(_:)`` for a micro-batch
    ///   size below 1 and ``TrainingError/parameterLayoutMismatch(rank:parameterCount:)``.
    @discardableResult
    public mutating func fit<L: Loss>(
        x: Tensor, y: L.Target, loss: L, optimizer: inout some Optimizer,
        epochs: Int = 1, batchSize: Int = 32, microBatchSize: Int? = nil, shuffle: Bool = true, seed: UInt64 = 0,
        validationSplit: Float = 0, validationData: (x: Tensor, y: L.Target)? = nil,
        metrics: [any Metric<L.Target>] = [], callbacks: [any Callback] = [],
        verbosity: Verbosity = .progressBar, output: ProgressOutput = .standardOutput,
        across group: some ProcessGroup
    ) throws -> History {
        try checkSettings(epochs: epochs, batchSize: batchSize, microBatchSize: microBatchSize)
        _ = try checkedExampleCount(x: x, y: y, dataSet: "training")
        try checkInputs(x, fit: Self.inputShape, dataSet: "training")
        let metricNames = try checkedMetricNames(metrics)
        let procedure = TrainingProcedure<Self, LabeledExamples<L.Target>>(
            metricNames: metricNames,
            checkValidation: { validation in
                _ = try checkedExampleCount(x: validation.x, y: validation.y, dataSet: "validation")
                try checkValidationInputs(validation.x, like: x)
            },
            pass: { model, batch, mode, gradient, values in
                try model.gradient(at: batch.x, mode: mode, into: &gradient) { output, outputGradient in
                    values[0] = try loss.value(output, batch.y, gradientInto: &outputGradient)
                    for k in metrics.indices { values[k + 1] = try metrics[k](output, batch.y) }
                }
            },
            validate: { model, validation, firstExample in
                try model.evaluateLogs(
                    x: validation.x, y: validation.y, loss: loss, metrics: metrics, metricNames: metricNames,
                    batchSize: batchSize, dataSet: "validation", firstExample: firstExample, prefix: "val_")
            })
        return try train(
            LabeledExamples(x: x, y: y), by: procedure, optimizer: &optimizer, epochs: epochs, batchSize: batchSize,
            microBatchSize: microBatchSize ?? batchSize, shuffle: shuffle, seed: seed, validationSplit: validationSplit,
            validationData: validationData.map { LabeledExamples(x: $0.x, y: $0.y) }, callbacks: callbacks,
            verbosity: verbosity, output: output, across: group)
    }
}

extension Model {
    /// The epochs of `fit`, whatever the data: batches, steps, callbacks, progress and
    /// validation, with `procedure` saying how a batch is computed and validated.
    mutating func train<Data>(
        _ data: Data, by procedure: TrainingProcedure<Self, Data>, optimizer: inout some Optimizer,
        epochs: Int, batchSize: Int, microBatchSize: Int, shuffle: Bool, seed: UInt64,
        validationSplit: Float, validationData: Data?, callbacks: [any Callback],
        verbosity: Verbosity, output: ProgressOutput, across group: some ProcessGroup
    ) throws -> History {
        let (trainingData, validation) = try Self.splitForValidation(
            data, validationSplit: validationSplit, validationData: validationData, check: procedure.checkValidation)

        try group.synchronize(&self)

        let trainingCount = trainingData.exampleCount
        let batchCount = (trainingCount + batchSize - 1) / batchSize
        let session = TrainingSession(epochCount: epochs, batchesPerEpoch: batchCount, learningRate: optimizer.learningRate)
        var step = BatchStep<Self, Data>(microBatchSize: microBatchSize, valueCount: 1 + procedure.metricNames.count)
        var progress = ProgressPrinter(
            verbosity: group.isRoot ? verbosity : .silent, output: output, epochCount: epochs, batchCount: batchCount,
            metricNames: procedure.metricNames)

        runCallbacks(session, optimizer: &optimizer, exposingParameters: true) { session in
            for callback in callbacks { callback.onTrainBegin(session: session) }
        }
        for epoch in 0..<epochs {
            session.epoch = epoch
            runCallbacks(session, optimizer: &optimizer, exposingParameters: true) { session in
                for callback in callbacks { callback.onEpochBegin(epoch, session: session) }
            }
            progress.beginEpoch(epoch)
            var accumulator = LogAccumulator(metricNames: procedure.metricNames)
            var batchesRun = 0
            let order = BatchSequence(exampleCount: trainingCount, batchSize: batchSize, shuffle: shuffle, seed: seed, epoch: epoch)
            // Loops by position: `enumerated()` reads through a generic iterator, which here
            // heap-allocates a frame per element.
            for batch in order.indices {
                let indices = order[batch]
                let mode = ForwardMode.training(seed: seed, step: epoch * batchCount + batch)
                try step.run(
                    on: order.shard(batch, rank: group.rank, of: group.processCount), of: indices.count, in: group,
                    model: &self, mode: mode, data: trainingData, procedure.pass)
                guard step.values[0].isFinite else {
                    throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batch, value: step.values[0])
                }
                optimizer.update(&self, along: step.gradient)
                group.shareState(of: &self)
                accumulator.add(step.values, examples: indices.count)
                batchesRun += 1
                if !callbacks.isEmpty || progress.drawsLiveLine {
                    let logs = accumulator.means()
                    runCallbacks(session, optimizer: &optimizer, exposingParameters: false) { session in
                        for callback in callbacks { callback.onBatchEnd(batch, logs: logs, session: session) }
                    }
                    progress.endBatch(batch, logs: logs)
                    if session.isStopRequested { break }
                }
            }

            var logs = accumulator.means()
            if let validation {
                logs.merge(try procedure.validate(self, validation.data, validation.firstExample), uniquingKeysWith: { first, _ in first })
            }
            session.history.append(logs)
            progress.endEpoch(logs: logs, batchesRun: batchesRun)
            runCallbacks(session, optimizer: &optimizer, exposingParameters: true) { session in
                for callback in callbacks { callback.onEpochEnd(epoch, logs: logs, session: session) }
            }
            if session.isStopRequested { break }
        }
        let history = session.history
        runCallbacks(session, optimizer: &optimizer, exposingParameters: true) { session in
            for callback in callbacks { callback.onTrainEnd(history: history, session: session) }
        }
        return history
    }

    /// Checks the settings every `fit` takes, before anything else.
    func checkSettings(epochs: Int, batchSize: Int, microBatchSize: Int?) throws {
        guard epochs >= 0 else { throw TrainingError.invalidEpochCount(epochs) }
        guard batchSize >= 1 else { throw TrainingError.invalidBatchSize(batchSize) }
        if let microBatchSize, microBatchSize < 1 { throw TrainingError.invalidBatchSize(microBatchSize) }
    }

    /// Runs one round of callbacks with the optimizer's learning rate (and, at epoch and
    /// training level, the parameters) exposed through the session, then applies their changes.
    private mutating func runCallbacks(
        _ session: TrainingSession, optimizer: inout some Optimizer, exposingParameters: Bool,
        _ body: (TrainingSession) -> Void
    ) {
        session.learningRate = optimizer.learningRate
        if exposingParameters {
            if let replacement = session.exposingParameters(parameterScalars, { body(session) }) {
                parameterScalars = replacement
            }
        } else {
            body(session)
        }
        if session.learningRate != optimizer.learningRate {
            optimizer.learningRate = session.learningRate
        }
    }

    /// The training set and the validation set, as `fit` documents, with the position of the
    /// first validation example in the data it came from; `check` checks given validation data.
    private static func splitForValidation<Data: Batchable>(
        _ data: Data, validationSplit: Float, validationData: Data?, check: (Data) throws -> Void
    ) throws -> (Data, (data: Data, firstExample: Int)?) {
        guard validationSplit >= 0 && validationSplit < 1 else {
            throw TrainingError.invalidValidationSplit(validationSplit)
        }
        if let validationData {
            guard validationSplit == 0 else { throw TrainingError.conflictingValidationOptions }
            try check(validationData)
            return (data, (validationData, 0))
        }
        guard validationSplit > 0 else { return (data, nil) }
        let exampleCount = data.exampleCount
        let trainingCount = Int((Double(exampleCount) * (1 - Double(validationSplit))).rounded(.down))
        guard trainingCount > 0 && trainingCount < exampleCount else {
            throw TrainingError.validationSplitLeavesNoData(
                split: validationSplit, exampleCount: exampleCount, trainingCount: trainingCount)
        }
        return (
            data.gathering(examples: 0..<trainingCount),
            (data.gathering(examples: trainingCount..<exampleCount), firstExample: trainingCount)
        )
    }
}

/// How `fit` computes and validates one kind of data: the names of the values a step logs
/// after the loss, the checks of given validation data, one forward and backward pass over a
/// batch (filling the loss and the metrics), and validation's logs.
struct TrainingProcedure<M: Model, Data: Batchable> {
    var metricNames: [String]
    var checkValidation: (Data) throws -> Void
    var pass: (inout M, Data, ForwardMode, inout M.Gradient, inout [Float]) throws -> Void
    var validate: (M, Data, _ firstExample: Int) throws -> [String: Float]
}

/// Inputs and their targets, batched together.
struct LabeledExamples<Target: Batchable>: Batchable {
    var x: Tensor
    var y: Target

    var exampleCount: Int { x.exampleCount }

    func gathering(examples indices: some Collection<Int>) -> Self {
        Self(x: x.gathering(examples: indices), y: y.gathering(examples: indices))
    }

    func gather(examples indices: some Collection<Int>, into batch: inout Self) {
        x.gather(examples: indices, into: &batch.x)
        y.gather(examples: indices, into: &batch.y)
    }
}
