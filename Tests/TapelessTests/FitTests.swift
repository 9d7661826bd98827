import Foundation
import Testing
@testable import Tapeless

func expectTrainingError(_ expected: TrainingError, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("Expected \(expected), but nothing was thrown.", sourceLocation: sourceLocation)
    } catch let error as TrainingError {
        #expect(error == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("Expected \(expected), got \(error).", sourceLocation: sourceLocation)
    }
}

@Suite struct FitTests {
    @Test func learnsALineAndRecordsOneLossPerEpoch() throws {
        let xs = (0..<64).map { Float($0) / 32 - 1 }
        let x = column(xs)
        let y = column(xs.map { 2 * $0 + 1 })
        var model = AffineModel(w: 0, b: 0)
        var optimizer = TestSGD(learningRate: 0.1)
        let history = try model.fit(x: x, y: y, loss: MeanSquaredError(), optimizer: &optimizer, epochs: 60, batchSize: 16, verbosity: .silent)
        #expect(history.epochCount == 60)
        #expect(history.keys == ["loss"])
        #expect(history.loss.count == 60)
        #expect(history.loss.last! < history.loss.first! * 1e-3)
        #expect(abs(model.w - 2) < 0.01 && abs(model.b - 1) < 0.01)
        #expect(optimizer.state.step == 60 * 4, "64 examples in batches of 16 make 4 steps per epoch.")
        #expect(try model.evaluate(x: x, y: y, loss: MeanSquaredError())["loss"]! < 1e-4)
    }

    @Test func epochLossIsTheMeanOfBatchLossesWeightedByBatchSize() throws {
        // Predictions are 0 and the optimizer's rate is 0; batches of 3 then 1: losses 1 and 9.
        var model = AffineModel(w: 0, b: 0)
        var optimizer = TestSGD(learningRate: 0)
        let history = try model.fit(
            x: column([0, 0, 0, 0]), y: column([1, 1, 1, 3]), loss: MeanSquaredError(), optimizer: &optimizer,
            batchSize: 3, shuffle: false, metrics: [TestMAE()], verbosity: .silent)
        let expectedLoss: Float = (3 * 1 + 1 * 9) / 4
        let expectedMAE: Float = (3 * 1 + 1 * 3) / 4
        #expect(history.loss == [expectedLoss])
        #expect(history["mae"] == [expectedMAE])
    }

    @Test func validationSplitHoldsOutTheLastExamplesBeforeShuffling() throws {
        // Predictions stay 0, so each loss reveals which targets it saw: the first six are 1,
        // the last two 10.
        var model = AffineModel(w: 0, b: 0)
        var optimizer = TestSGD(learningRate: 0)
        let y = column([1, 1, 1, 1, 1, 1, 10, 10])
        let history = try model.fit(
            x: column([Float](repeating: 0, count: 8)), y: y, loss: MeanSquaredError(), optimizer: &optimizer, epochs: 3,
            batchSize: 4, shuffle: true, seed: 5, validationSplit: 0.25, metrics: [TestMAE()], verbosity: .silent)
        #expect(history.keys == ["loss", "mae", "val_loss", "val_mae"])
        #expect(history.loss == [1, 1, 1])
        #expect(history.validationLoss == [100, 100, 100])
        #expect(history["val_mae"] == [10, 10, 10])
        #expect(optimizer.state.step == 3 * 2, "Six training examples in batches of 4 make 2 steps per epoch.")
    }

    @Test func validationDataIsEvaluatedAfterTheEpochsLastStep() throws {
        var model = AffineModel(w: 0, b: 0)
        var optimizer = ScriptedOptimizer(script: [3, 5])
        let history = try model.fit(
            x: column([0]), y: column([0]), loss: MeanSquaredError(), optimizer: &optimizer, epochs: 2,
            validationData: (column([0, 0]), column([1, 1])), verbosity: .silent)
        #expect(history.loss == [0, 9])
        #expect(history.validationLoss == [4, 16])
    }

    @Test func misuseThrowsClearErrors() {
        var model = AffineModel(w: 0, b: 0)
        var optimizer = TestSGD(learningRate: 0.1)
        let x = column([1, 2, 3])
        let y = column([1, 2, 3])
        func fit(x: Tensor = x, y: Tensor = y, batchSize: Int = 32, split: Float = 0,
                 validation: (x: Tensor, y: Tensor)? = nil, metrics: [any Metric<Tensor>] = []) throws {
            try model.fit(
                x: x, y: y, loss: MeanSquaredError(), optimizer: &optimizer, batchSize: batchSize, validationSplit: split,
                validationData: validation, metrics: metrics, verbosity: .silent)
        }
        expectTrainingError(.emptyDataSet(dataSet: "training")) { try fit(x: column([]), y: column([])) }
        expectTrainingError(.invalidBatchSize(0)) { try fit(batchSize: 0) }
        expectTrainingError(.exampleCountMismatch(inputs: 3, targets: 2, dataSet: "training")) { try fit(y: column([1, 2])) }
        expectTrainingError(.inputsHaveNoExampleDimension(dataSet: "training")) { try fit(x: Tensor(1)) }
        expectTrainingError(.invalidValidationSplit(1)) { try fit(split: 1) }
        expectTrainingError(.invalidValidationSplit(-0.5)) { try fit(split: -0.5) }
        expectTrainingError(.validationSplitLeavesNoData(split: 0.9, exampleCount: 1, trainingCount: 0)) {
            try fit(x: column([1]), y: column([1]), split: 0.9)
        }
        expectTrainingError(.conflictingValidationOptions) { try fit(split: 0.5, validation: (x, y)) }
        expectTrainingError(.exampleCountMismatch(inputs: 3, targets: 1, dataSet: "validation")) {
            try fit(validation: (x, column([1])))
        }
        expectTrainingError(.duplicateLogName("mae")) { try fit(metrics: [TestMAE(), TestMAE()]) }
        expectTrainingError(.duplicateLogName("loss")) { try fit(metrics: [TestMAE(name: "loss")]) }
        #expect(TrainingError.invalidBatchSize(0).localizedDescription.contains("at least 1"))
        #expect(optimizer.state.step == 0, "Nothing trains when the arguments are wrong.")
    }

    @Test func aNonFiniteLossThrowsWithTheEpochAndBatch() throws {
        // Two batches per epoch; the third update makes the prediction infinite, so the loss of
        // epoch 1 (0-based), batch 1 is infinite.
        var model = AffineModel(w: 0, b: 0)
        var optimizer = ScriptedOptimizer(script: [1, 1, .infinity, 1])
        var batchesSeen = 0
        let counter = LambdaCallback(onBatchEnd: { _, _, _ in batchesSeen += 1 })
        expectTrainingError(.nonFiniteLoss(epoch: 1, batch: 1, value: .infinity)) {
            try model.fit(
                x: column([0, 0]), y: column([0, 0]), loss: MeanSquaredError(), optimizer: &optimizer, epochs: 5, batchSize: 1,
                shuffle: false, callbacks: [counter], verbosity: .silent)
        }
        #expect(batchesSeen == 3)
        #expect(optimizer.state.step == 3, "The diverging batch is not applied.")
        let message = TrainingError.nonFiniteLoss(epoch: 1, batch: 1, value: .nan).description
        #expect(message.contains("epoch 2, batch 2"))
        #expect(message.contains("lower learning rate"))
    }

    @Test func callbacksRunInOrderAndCanStopTraining() throws {
        var events: [String] = []
        let recorder = LambdaCallback(
            onTrainBegin: { _ in events.append("train begin") },
            onEpochBegin: { epoch, _ in events.append("epoch \(epoch) begin") },
            onBatchEnd: { batch, logs, session in
                events.append("batch \(batch) loss \(logs["loss"]!)")
                if session.epoch == 1 && batch == 0 { session.stopTraining() }
            },
            onEpochEnd: { epoch, logs, _ in events.append("epoch \(epoch) end \(logs.keys.sorted())") },
            onTrainEnd: { history, _ in events.append("train end after \(history.epochCount)") })
        var model = AffineModel(w: 0, b: 0)
        var optimizer = TestSGD(learningRate: 0)
        let history = try model.fit(
            x: column([0, 0, 0, 0]), y: column([1, 1, 3, 3]), loss: MeanSquaredError(), optimizer: &optimizer, epochs: 5,
            batchSize: 2, shuffle: false, callbacks: [recorder], verbosity: .silent)
        #expect(events == [
            "train begin",
            "epoch 0 begin", "batch 0 loss 1.0", "batch 1 loss 5.0", "epoch 0 end [\"loss\"]",
            "epoch 1 begin", "batch 0 loss 1.0", "epoch 1 end [\"loss\"]",
            "train end after 2",
        ])
        #expect(history.loss == [5, 1], "A stop finishes the epoch with the batches that ran.")
    }

    @Test func learningRateSchedulerSetsTheRateOfEveryEpoch() throws {
        var model = AffineModel(w: 0, b: 0)
        var optimizer = TestSGD(learningRate: 0.1)
        let scheduler = LearningRateScheduler { epoch, rate in epoch == 0 ? rate : rate / 2 }
        try model.fit(
            x: column([1, 2, 3, 4]), y: column([1, 2, 3, 4]), loss: MeanSquaredError(), optimizer: &optimizer, epochs: 3,
            batchSize: 2, callbacks: [scheduler], verbosity: .silent)
        #expect(optimizer.ratesUsed == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
        #expect(optimizer.learningRate == 0.025)
    }

    @Test func callbacksCanReplaceTheParameters() throws {
        var model = AffineModel(w: 0, b: 0)
        var optimizer = TestSGD(learningRate: 0)
        let reset = LambdaCallback(onTrainEnd: { _, session in
            #expect(session.parameterScalars == [0, 0])
            session.parameterScalars = [7, 8]
        })
        try model.fit(x: column([1]), y: column([1]), loss: MeanSquaredError(), optimizer: &optimizer, callbacks: [reset], verbosity: .silent)
        #expect(model == AffineModel(w: 7, b: 8))
    }
}

@Suite struct EarlyStoppingTests {
    /// Runs `fit` with one batch per epoch; the script sets `b` after every step, and the
    /// validation set (x = 0, y = 0) makes each epoch's `val_loss` the square of that `b`.
    func run(script: [Float], _ stopping: EarlyStopping) throws -> (AffineModel, History) {
        var model = AffineModel(w: 0, b: 0)
        var optimizer = ScriptedOptimizer(script: script)
        let history = try model.fit(
            x: column([0]), y: column([0]), loss: MeanSquaredError(), optimizer: &optimizer, epochs: script.count,
            validationData: (column([0]), column([0])), callbacks: [stopping], verbosity: .silent)
        return (model, history)
    }

    @Test func stopsWhenPatienceRunsOutAndRestoresTheBestWeights() throws {
        // val_loss per epoch: 1, 0.25, 0.36, 0.49, 0.04, …: best at epoch 1, then two epochs without improvement.
        let stopping = EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)
        let (model, history) = try run(script: [1, 0.5, 0.6, 0.7, 0.2, 0.1], stopping)
        #expect(history.epochCount == 4)
        #expect(stopping.stoppedEpoch == 3)
        #expect(stopping.bestEpoch == 1)
        #expect(stopping.bestValue == 0.25)
        #expect(model.b == 0.5, "The parameters of epoch 1, the best, are restored.")
    }

    @Test func keepsTheLastWeightsWithoutRestoring() throws {
        let stopping = EarlyStopping(monitor: "val_loss", patience: 2)
        let (model, history) = try run(script: [1, 0.5, 0.6, 0.7, 0.2, 0.1], stopping)
        #expect(history.epochCount == 4)
        #expect(model.b == 0.7)
    }

    @Test func minDeltaDecidesWhatCountsAsAnImprovement() throws {
        // val_loss 1, 0.81, 0.64: each drop is below minDelta 0.2, so nothing after epoch 0 improves.
        let stopping = EarlyStopping(monitor: "val_loss", minDelta: 0.2, patience: 1)
        let (_, history) = try run(script: [1, 0.9, 0.8, 0.7], stopping)
        #expect(history.epochCount == 2)
        #expect(stopping.stoppedEpoch == 1)
        #expect(stopping.bestEpoch == 0)
    }

    @Test func runsEveryEpochWhileImproving() throws {
        let stopping = EarlyStopping(monitor: "val_loss", restoreBestWeights: true)
        let (model, history) = try run(script: [0.9, 0.8, 0.7], stopping)
        #expect(history.epochCount == 3)
        #expect(stopping.stoppedEpoch == nil)
        #expect(model.b == 0.7)
    }

    @Test func automaticModeMaximizesAccuracyAndMinimizesLosses() {
        #expect(EarlyStopping(monitor: "val_accuracy").mode == .maximum)
        #expect(EarlyStopping(monitor: "auc").mode == .maximum)
        #expect(EarlyStopping(monitor: "val_loss").mode == .minimum)
        #expect(EarlyStopping(monitor: "mae", mode: .maximum).mode == .maximum)
    }

    @Test func maximumModeStopsWhenTheMetricStopsRising() throws {
        // A metric named "accuracy" equal to |prediction| = |b|: 1, 2, 2, 3 over epochs.
        struct Magnitude: Metric {
            let name = "accuracy"
            func callAsFunction(_ predicted: Tensor, _ target: Tensor) -> Float { abs(predicted.scalars[0]) }
        }
        let stopping = EarlyStopping(monitor: "accuracy", patience: 1)
        var model = AffineModel(w: 0, b: 1)
        var optimizer = ScriptedOptimizer(script: [2, 2, 3, 4])
        let history = try model.fit(
            x: column([0]), y: column([0]), loss: MeanSquaredError(), optimizer: &optimizer, epochs: 4,
            metrics: [Magnitude()], callbacks: [stopping], verbosity: .silent)
        #expect(history["accuracy"] == [1, 2, 2])
        #expect(stopping.stoppedEpoch == 2)
    }
}
