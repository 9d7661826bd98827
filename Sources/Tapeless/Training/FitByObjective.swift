extension Model {
    /// Trains the model by minimizing a function of its model file, such as
    /// `.loss(x: images, labels: labels)` (see ``Objective``), and returns what it measured.
    ///
    /// ```swift
    /// // func loss(x: [batch, 64], labels: Int[batch]) -> Float in the model file
    /// var optimizer = Adam(learningRate: 1e-3)
    /// try model.fit(by: .loss(x: images, labels: labels), optimizer: &optimizer, epochs: 10,
    ///               validationData: .loss(x: testImages, labels: testLabels))
    /// ```
    ///
    /// Everything but the step is as in ``Module/fit(x:y:loss:optimizer:epochs:batchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:)``
    /// (batches, shuffling, validation split, callbacks, progress, divergence) and, with a
    /// process group, ``Module/fit(x:y:loss:optimizer:epochs:batchSize:microBatchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:across:)``.
    /// A model without a forward function (a ``Model`` that is not a ``Module``) trains this way.
    /// Each step computes the function and its gradient with respect to the parameters on the
    /// batch's examples of every argument, in ``ForwardMode/training(seed:step:)``, and the
    /// optimizer takes one step. The log `loss` is the function's value, a mean over batches
    /// weighted by batch size; `val_loss` is ``evaluate(_:batchSize:)`` on the validation
    /// data, in inference mode.
    ///
    /// - Parameters:
    ///   - objective: The function to minimize, with its arguments' examples.
    ///   - optimizer: Updates the model; its state carries over between calls.
    ///   - epochs: The number of passes over the training examples.
    ///   - batchSize: The number of examples per step, over all processes together.
    ///   - microBatchSize: The most examples one forward and backward pass takes; `nil`
    ///     takes the whole batch (or process share) at once.
    ///   - shuffle: Whether every epoch visits the examples in a new seeded order.
    ///   - seed: The seed of the shuffling and of dropout's masks.
    ///   - validationSplit: The fraction of examples, taken from the end, held out to validate.
    ///   - validationData: The same function on separate validation examples.
    ///   - callbacks: Hooks called during training.
    ///   - verbosity: How much progress to print.
    ///   - output: Where progress goes; standard output by default.
    ///   - group: The processes that train together; one by default.
    /// - Returns: The logs of every epoch.
    /// - Throws: ``TrainingError`` for every mistake in the examples or settings, before
    ///   anything trains: an argument whose shape does not fit the function's declaration
    ///   (``TrainingError/argumentShapeMismatch(function:argument:expected:given:dataSet:)``,
    ///   which also covers arguments holding different numbers of examples), no examples, and
    ///   the settings `fit` checks; and a NaN or infinite loss.
    @discardableResult
    public mutating func fit<Examples, Group: ProcessGroup>(
        by objective: Objective<Self, Examples>, optimizer: inout some Optimizer,
        epochs: Int = 1, batchSize: Int = 32, microBatchSize: Int? = nil, shuffle: Bool = true, seed: UInt64 = 0,
        validationSplit: Float = 0, validationData: Objective<Self, Examples>? = nil, callbacks: [any Callback] = [],
        verbosity: Verbosity = .progressBar, output: ProgressOutput = .standardOutput, across group: Group = SingleProcess()
    ) throws -> History {
        try checkSettings(epochs: epochs, batchSize: batchSize, microBatchSize: microBatchSize)
        _ = try objective.checkedExampleCount(dataSet: "training")
        let procedure = TrainingProcedure<Self, Examples>(
            metricNames: [],
            checkValidation: { examples in _ = try objective.on(examples).checkedExampleCount(dataSet: "validation") },
            pass: { model, batch, mode, gradient, values in
                values[0] = objective.valueAndGradient(&model, batch, mode, &gradient)
            },
            validate: { model, examples, firstExample in
                try model.evaluateLogs(
                    objective.on(examples), batchSize: batchSize, dataSet: "validation", firstExample: firstExample, prefix: "val_")
            })
        return try train(
            objective.examples, by: procedure, optimizer: &optimizer, epochs: epochs, batchSize: batchSize,
            microBatchSize: microBatchSize ?? batchSize, shuffle: shuffle, seed: seed, validationSplit: validationSplit,
            validationData: validationData?.examples, callbacks: callbacks, verbosity: verbosity, output: output, across: group)
    }

    /// The mean of `objective`'s function over its examples, computed in batches of
    /// `batchSize` in inference mode and weighted by batch size (exact for a function that is
    /// a mean over its batch, as losses are).
    ///
    /// - Throws: ``TrainingError`` when the examples do not fit the function's declared
    ///   shapes or hold none, the batch size is below 1, or a batch's value is NaN or infinite.
    public func evaluate<Examples>(_ objective: Objective<Self, Examples>, batchSize: Int = 32) throws -> Float {
        guard batchSize >= 1 else { throw TrainingError.invalidBatchSize(batchSize) }
        _ = try objective.checkedExampleCount(dataSet: "evaluation")
        return try evaluateLogs(objective, batchSize: batchSize, dataSet: "evaluation")["loss"]!
    }

    /// `evaluate` on checked examples, as logs named `prefix` + `loss`. `firstExample` is the
    /// position of the first example in the data the caller was given, so that errors name
    /// examples there.
    func evaluateLogs<Examples>(
        _ objective: Objective<Self, Examples>, batchSize: Int, dataSet: String, firstExample: Int = 0, prefix: String = ""
    ) throws -> [String: Float] {
        var accumulator = LogAccumulator(metricNames: [])
        let count = objective.examples.exampleCount
        for start in stride(from: 0, to: count, by: batchSize) {
            let batch = start..<min(start + batchSize, count)
            let value = objective.value(self, objective.examples.gathering(examples: batch))
            guard value.isFinite else {
                let located = (firstExample + batch.lowerBound)..<(firstExample + batch.upperBound)
                throw TrainingError.nonFiniteEvaluationLoss(dataSet: dataSet, examples: located, value: value)
            }
            accumulator.add([value], examples: batch.count)
        }
        return accumulator.means(prefix: prefix)
    }
}
