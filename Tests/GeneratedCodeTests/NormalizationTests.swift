import Foundation
import Tapeless
import Testing

/// Batch normalization and dropout as the plugin compiles them (Normalization.tapeless), in
/// training and inference mode, against PyTorch's float64 run of the same model with the same
/// dropout mask (`normalization.json`).
@Suite struct NormalizationTests {
    struct Reference {
        let json: [String: Any]

        init() throws {
            let url = try #require(Bundle.module.url(forResource: "normalization", withExtension: "json", subdirectory: "Resources"))
            json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        }

        /// The model with the reference's parameters and initial running statistics.
        func model() throws -> NormalizedCNN {
            var model = NormalizedCNN.zero
            let parameters = try #require(json["parameters"] as? [String: Any])
            for entry in NormalizedCNN.parameterLayout.entries {
                model[parameter: entry.name] = Self.tensor(parameters[entry.name], shape: entry.shape)
            }
            return model
        }

        var x: Tensor { Self.tensor(json["x"], shape: [5, 1, 6, 6]) }
        var labels: IntTensor { IntTensor((json["labels"] as? [Int]) ?? []) }
        func mode(_ name: String) -> [String: Any] { (json[name] as? [String: Any]) ?? [:] }

        static func tensor(_ value: Any?, shape: [Int]) -> Tensor { ReferenceCases.tensor(value, shape: shape) }
    }

    /// The largest difference between `tensor` and the reference's `value`.
    static func error(_ tensor: Tensor, _ value: Any?) -> Float {
        let expected = Reference.tensor(value, shape: tensor.shape)
        guard expected.scalarCount == tensor.scalarCount else { return .infinity }
        return zip(tensor.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    static func expectGradients(_ gradient: NormalizedCNN.Gradient, _ expected: [String: Any], _ label: String) {
        for entry in NormalizedCNN.parameterLayout.entries {
            let computed = gradient[parameter: entry.name]
            if entry.isTrainable {
                #expect(error(computed, expected[entry.name]) < 1e-4, "\(label): gradient of \(entry.name)")
            } else {
                #expect(computed.scalars.allSatisfy { $0 == 0 }, "\(label): \(entry.name) is state and has no gradient")
            }
        }
    }

    @Test func trainingStepMatchesPyTorchAndUpdatesTheRunningStatistics() throws {
        let reference = try Reference()
        var model = try reference.model()
        let expected = reference.mode("training")
        var gradient = NormalizedCNN.Gradient.zero
        let loss = model.lossWithGradient(x: reference.x, labels: reference.labels, mode: .training(seed: 7, step: 3), into: &gradient)
        #expect(abs(Double(loss) - ((expected["loss"] as? Double) ?? .nan)) < 1e-4)
        Self.expectGradients(gradient, try #require(expected["gradients"] as? [String: Any]), "training")
        let state = try #require(expected["state"] as? [String: Any])
        for (name, value) in state {
            #expect(Self.error(model[parameter: name], value) < 1e-5, "\(name) after one training step")
        }
        #expect(Self.error(model.forward(x: reference.x), expected["inferenceOutputAfter"]) < 1e-4)
    }

    @Test func inferenceModeUsesTheRunningStatisticsAndChangesNothing() throws {
        let reference = try Reference()
        let model = try reference.model()
        let expected = reference.mode("inference")
        var gradient = NormalizedCNN.Gradient.zero
        let loss = model.lossWithGradient(x: reference.x, labels: reference.labels, into: &gradient)
        #expect(abs(Double(loss) - ((expected["loss"] as? Double) ?? .nan)) < 1e-4)
        Self.expectGradients(gradient, try #require(expected["gradients"] as? [String: Any]), "inference")
        #expect(Self.error(model(reference.x), expected["inferenceOutput"]) < 1e-4)
        var same = model
        #expect(Self.error(same.forward(x: reference.x, mode: .inference), expected["inferenceOutput"]) < 1e-4)
        #expect(same.parameterScalars == model.parameterScalars)
    }

    @Test func fitsTrainingStepIsTheLossFunctionsTrainingGradient() throws {
        let reference = try Reference()
        var viaLoss = try reference.model()
        var viaModule = viaLoss
        var expected = NormalizedCNN.Gradient.zero
        let mode = ForwardMode.training(seed: 7, step: 3)
        _ = viaLoss.lossWithGradient(x: reference.x, labels: reference.labels, mode: mode, into: &expected)
        var gradient = NormalizedCNN.Gradient.zero
        let criterion = CrossEntropy()
        try viaModule.gradient(at: reference.x, mode: mode, into: &gradient) { logits, logitsGradient in
            _ = try criterion.value(logits, reference.labels, gradientInto: &logitsGradient)
        }
        let difference = zip(gradient.parameterScalars, expected.parameterScalars).map { abs($0 - $1) }.max() ?? 0
        #expect(difference < 1e-5)
        #expect(viaModule.parameterScalars == viaLoss.parameterScalars, "both steps update the state alike")
    }

    @Test func dropoutMasksDependOnTheStepAndTheApplication() {
        let model = TwoDropouts.zero
        let x = Tensor(shape: [3, 8], scalars: [Float](repeating: 1, count: 24))
        let first = model.forward(x: x, mode: .training(seed: 1, step: 0))
        #expect(first == model.forward(x: x, mode: .training(seed: 1, step: 0)), "the same seed and step give the same masks")
        #expect(first != model.forward(x: x, mode: .training(seed: 1, step: 1)), "another step draws other masks")
        #expect(first != model.forward(x: x, mode: .training(seed: 2, step: 0)), "another seed draws other masks")
        // Each application scales what it keeps by 2, so an element is 0, 2 or 4; both 0 and 4
        // occur only if the two masks differ.
        #expect(Set(first.scalars).isSubset(of: [0, 2, 4]))
        #expect(first.scalars.contains(2), "the two applications draw different masks")
        #expect(model.forward(x: x) == Tensor(shape: [3, 8], scalars: [Float](repeating: 2, count: 24)), "inference keeps everything")
    }
}

/// The state's lifecycle in training: the step updates it, optimizers leave it alone, and `fit`
/// with one seed gives one model, dropout masks included.
@Suite struct NormalizationTrainingTests {
    @Test func optimizersLeaveTheStateAsTheStepWroteIt() throws {
        let reference = try NormalizationTests.Reference()
        var model = try reference.model()
        var gradient = NormalizedCNN.Gradient.zero
        _ = model.lossWithGradient(x: reference.x, labels: reference.labels, mode: .training(seed: 7, step: 3), into: &gradient)
        let state = NormalizedCNN.parameterLayout.entries.filter { !$0.isTrainable }.map { model[parameter: $0.name] }
        var optimizer = Adam(learningRate: 0.1)
        optimizer.update(&model, along: gradient)
        let after = NormalizedCNN.parameterLayout.entries.filter { !$0.isTrainable }.map { model[parameter: $0.name] }
        #expect(state == after)
        #expect(model[parameter: "bn.num_batches_tracked"].scalars == [1])
    }

    @Test func fitWithOneSeedGivesOneModel() throws {
        let reference = try NormalizationTests.Reference()
        func trained(seed: UInt64) throws -> NormalizedCNN {
            var model = try reference.model()
            var optimizer = Adam(learningRate: 1e-2)
            try model.fit(
                x: reference.x, y: reference.labels, loss: CrossEntropy(), optimizer: &optimizer, epochs: 3, batchSize: 2,
                seed: seed, verbosity: .silent)
            return model
        }
        let first = try trained(seed: 5)
        #expect(first.parameterScalars == (try trained(seed: 5)).parameterScalars)
        #expect(first.parameterScalars != (try trained(seed: 6)).parameterScalars, "another seed shuffles and drops otherwise")
        // Five examples in batches of two: three steps an epoch, each counted by both batch norms.
        #expect(first[parameter: "bn.num_batches_tracked"].scalars == [9])
        #expect(first[parameter: "bn1.num_batches_tracked"].scalars == [9])
    }
}
