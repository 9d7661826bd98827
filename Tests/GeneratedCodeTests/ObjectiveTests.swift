import Foundation
import Tapeless
import Testing

/// `fit(by:)` and `evaluate(_:)` with a loss function of the model file (Objectives.tapeless):
/// several inputs, a model without a forward function, and a loss with a training form.
@Suite struct ObjectiveTests {
    /// `count` examples of `y = sin(x₀) + x₁ x₂ − z₀ + 0.5 z₁`.
    static func regressionData(count: Int, seed: UInt64) -> (x: Tensor, z: Tensor, y: Tensor) {
        let x = Tensor(randomUniform: [count, 3], seed: seed, low: -1, high: 1)
        let z = Tensor(randomUniform: [count, 2], seed: seed + 1, low: -1, high: 1)
        let (a, b) = (x.scalars, z.scalars)
        let targets = (0..<count).map { i -> Float in
            let product: Float = a[3 * i + 1] * a[3 * i + 2]
            let linear: Float = 0.5 * b[2 * i + 1] - b[2 * i]
            return sin(a[3 * i]) + product + linear
        }
        return (x, z, Tensor(shape: [count, 1], scalars: targets))
    }

    static func rows(_ tensor: Tensor, _ range: Range<Int>) -> Tensor { tensor.gathering(examples: range) }

    @Test func fitByALossWithThreeInputsTakesTheStepsOfAHandWrittenLoop() throws {
        let data = Self.regressionData(count: 40, seed: 11)
        var trained = TwoInputs(seed: 3)
        var byHand = trained
        var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
        var handOptimizer = optimizer
        let history = try trained.fit(
            by: .loss(x: data.x, z: data.z, y: data.y), optimizer: &optimizer, epochs: 2, batchSize: 16, shuffle: false,
            verbosity: .silent)

        var gradient = TwoInputs.Gradient.zero
        for epoch in 0..<2 {
            var weighted: Double = 0
            for start in stride(from: 0, to: 40, by: 16) {
                let batch = start..<min(start + 16, 40)
                let loss = byHand.lossWithGradient(
                    x: Self.rows(data.x, batch), z: Self.rows(data.z, batch), y: Self.rows(data.y, batch), into: &gradient)
                handOptimizer.update(&byHand, along: gradient)
                weighted += Double(loss) * Double(batch.count)
            }
            #expect(abs(Double(history.loss[epoch]) - weighted / 40) < 1e-6, "epoch \(epoch)")
        }
        #expect(trained.parameterScalars == byHand.parameterScalars)
    }

    @Test func trainingLowersTheLossAndEvaluateMeasuresIt() throws {
        let data = Self.regressionData(count: 256, seed: 5)
        let test = Self.regressionData(count: 64, seed: 99)
        var model = TwoInputs(seed: 1)
        let before = try model.evaluate(.loss(x: test.x, z: test.z, y: test.y), batchSize: 64)
        #expect(abs(before - model.loss(x: test.x, z: test.z, y: test.y)) < 1e-6)
        var optimizer = Adam(learningRate: 1e-2)
        let history = try model.fit(
            by: .loss(x: data.x, z: data.z, y: data.y), optimizer: &optimizer, epochs: 30, batchSize: 32,
            validationData: .loss(x: test.x, z: test.z, y: test.y), verbosity: .silent)
        let after = try model.evaluate(.loss(x: test.x, z: test.z, y: test.y), batchSize: 10)
        #expect(after < before / 4, "test loss \(before) → \(after)")
        // In batches of 10 the mean is weighted by batch size, so it is the whole set's mean.
        #expect(abs(after - model.loss(x: test.x, z: test.z, y: test.y)) < 1e-5)
        #expect(abs((history.validationLoss?.last ?? .nan) - after) < 1e-5)
    }

    @Test func theTrainingFormRunsInTrainingModeWithTheStepsNumbers() throws {
        let x = Tensor(randomNormal: [24, 4], seed: 8)
        let labels = IntTensor(randomIntegers: [24], below: 3, seed: 9)
        var trained = NoisyClassifier(seed: 2)
        var byHand = trained
        var optimizer = Adam(learningRate: 1e-2)
        var handOptimizer = optimizer
        try trained.fit(
            by: .loss(x: x, labels: labels), optimizer: &optimizer, epochs: 2, batchSize: 8, shuffle: false, seed: 21,
            verbosity: .silent)

        var gradient = NoisyClassifier.Gradient.zero
        for step in 0..<6 {
            let batch = (step % 3 * 8)..<(step % 3 * 8 + 8)
            _ = byHand.lossWithGradient(
                x: x.gathering(examples: batch), labels: labels.gathering(examples: batch),
                mode: .training(seed: 21, step: step), into: &gradient)
            handOptimizer.update(&byHand, along: gradient)
        }
        #expect(trained.parameterScalars == byHand.parameterScalars)
        #expect(trained[parameter: "norm.running_mean"] != NoisyClassifier(seed: 2)[parameter: "norm.running_mean"], "the step updates the running mean")
        // Evaluation runs in inference mode: no dropout, the running statistics.
        #expect(try trained.evaluate(.loss(x: x, labels: labels), batchSize: 24) == trained.loss(x: x, labels: labels))
    }

    @Test func argumentsThatDoNotFitTheDeclarationThrowBeforeAnythingTrains() throws {
        let data = Self.regressionData(count: 10, seed: 1)
        var model = TwoInputs(seed: 0)
        let untouched = model.parameterScalars
        var optimizer = SGD(learningRate: 0.1)
        let fewerTargets = data.y.gathering(examples: 0..<9)
        #expect(throws: TrainingError.argumentShapeMismatch(
            function: "loss(x:z:y:)", argument: "y", expected: "[batch = 10 (from 'x'), 1]", given: [9, 1], dataSet: "training")
        ) {
            try model.fit(by: .loss(x: data.x, z: data.z, y: fewerTargets), optimizer: &optimizer, verbosity: .silent)
        }
        let wideZ = Tensor(zeros: [10, 3])
        #expect(throws: TrainingError.argumentShapeMismatch(
            function: "loss(x:z:y:)", argument: "z", expected: "[batch = 10 (from 'x'), 2]", given: [10, 3], dataSet: "validation")
        ) {
            try model.fit(
                by: .loss(x: data.x, z: data.z, y: data.y), optimizer: &optimizer,
                validationData: .loss(x: data.x, z: wideZ, y: data.y), verbosity: .silent)
        }
        let scalar = Tensor(shape: [], scalars: [1])
        #expect(throws: TrainingError.self) { try model.evaluate(.loss(x: scalar, z: data.z, y: data.y)) }
        let none = Self.regressionData(count: 0, seed: 1)
        #expect(throws: TrainingError.emptyDataSet(dataSet: "evaluation")) {
            try model.evaluate(.loss(x: none.x, z: none.z, y: none.y))
        }
        #expect(throws: TrainingError.conflictingValidationOptions) {
            try model.fit(
                by: .loss(x: data.x, z: data.z, y: data.y), optimizer: &optimizer, validationSplit: 0.2,
                validationData: .loss(x: data.x, z: data.z, y: data.y), verbosity: .silent)
        }
        #expect(model.parameterScalars == untouched)

        var classifier = NoisyClassifier(seed: 0)
        var labels = [Int](repeating: 1, count: 10)
        labels[5] = 3
        #expect(throws: TrainingError.labelOutOfRange(function: "loss(x:labels:)", label: 3, example: 5, classes: 3)) {
            try classifier.fit(by: .loss(x: Tensor(zeros: [10, 4]), labels: IntTensor(labels)), optimizer: &optimizer, verbosity: .silent)
        }
        let message = TrainingError.argumentShapeMismatch(
            function: "loss(x:z:y:)", argument: "y", expected: "[batch = 10 (from 'x'), 1]", given: [9, 1], dataSet: "training"
        ).description
        #expect(message.contains("argument 'y' of loss(x:z:y:) has shape [9, 1], but the model declares [batch = 10 (from 'x'), 1]"))
    }

    @Test func perExampleGradientsMatchVmapOfGradAndTheirClippedMeanMatchesOpacus() throws {
        let url = try #require(Bundle.module.url(forResource: "per_example", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var model = PerExampleMLP.zero
        let parameters = try #require(json["parameters"] as? [String: Any])
        for entry in PerExampleMLP.parameterLayout.entries {
            model[parameter: entry.name] = ReferenceCases.tensor(parameters[entry.name], shape: entry.shape)
        }
        let x = ReferenceCases.tensor(json["x"], shape: [6, 4])
        let labels = IntTensor(try #require(json["labels"] as? [Int]))
        let perExample = try model.perExampleGradients(.loss(x: x, labels: labels))
        let width = PerExampleMLP.parameterLayout.scalarCount
        #expect(perExample.shape == [6, width])
        let expected = ReferenceCases.tensor(json["per_example"], shape: [6, width])
        #expect(zip(perExample.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-5 }, "against torch.func.vmap(grad)")

        // The mean of the rows is the gradient of the batch's mean loss.
        let batch = model.lossWithGradient(x: x, labels: labels).gradient.parameterScalars
        for k in 0..<width {
            let mean = (0..<6).reduce(Float(0)) { $0 + perExample.scalars[$1 * width + k] } / 6
            #expect(abs(mean - batch[k]) < 1e-6, "element \(k)")
        }

        let maxNorm = try #require(json["max_norm"] as? Double)
        let clipped = PerExampleMLP.Gradient(clippedMeanOf: perExample, maxNorm: Float(maxNorm))
        let expectedClipped = ReferenceCases.tensor(json["clipped_mean"], shape: [width])
        #expect(zip(clipped.parameterScalars, expectedClipped.scalars).allSatisfy { abs($0 - $1) < 1e-5 }, "against Opacus's clipping")
        #expect(clipped.parameterScalars != batch, "two examples are over the norm, so clipping changes the mean")

        #expect(throws: TrainingError.self) { try model.perExampleGradients(.loss(x: x, labels: IntTensor([0, 1]))) }
    }
}

