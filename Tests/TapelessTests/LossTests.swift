import Foundation
import Tapeless
import Testing

@Suite("Losses")
struct LossTests {
    /// A tensor from a JSON vector or matrix of numbers.
    private func tensor(_ value: Any?) throws -> Tensor {
        if let rows = value as? [[Double]] { return Tensor(rows.map { $0.map(Float.init) }) }
        return Tensor(try floats(value))
    }

    private func reduction(_ name: Any?) throws -> Reduction {
        switch try #require(name as? String) {
        case "mean": .mean
        case "sum": .sum
        case let other: throw LossReferenceError.unknown(other)
        }
    }

    private enum LossReferenceError: Error { case unknown(String) }

    /// Value and gradient of one reference case through the Swift API; also checks that
    /// `callAsFunction` gives the same value.
    private func evaluate(_ reference: [String: Any]) throws -> (value: Float, gradient: Tensor) {
        let inputs = try #require(reference["inputs"] as? [String: Any])
        let reduction = try reduction(reference["reduction"])
        func run<L: Loss>(_ loss: L, _ predicted: Tensor, _ target: L.Target) throws -> (value: Float, gradient: Tensor) {
            let result = try loss.valueWithGradient(predicted, target)
            #expect(try loss(predicted, target) == result.value)
            // In place: into a tensor of another shape, then into the one it became, twice.
            var gradient = Tensor(shape: [1], scalars: [42])
            for _ in 0..<2 {
                #expect(try loss.value(predicted, target, gradientInto: &gradient) == result.value)
                #expect(gradient == result.gradient)
            }
            return result
        }
        switch try #require(reference["loss"] as? String) {
        case "mse":
            return try run(MeanSquaredError(reduction: reduction), try tensor(inputs["p"]), try tensor(inputs["y"]))
        case "mae":
            return try run(MeanAbsoluteError(reduction: reduction), try tensor(inputs["p"]), try tensor(inputs["y"]))
        case "huber":
            let delta = Float(try #require(reference["delta"] as? Double))
            return try run(Huber(delta: delta, reduction: reduction), try tensor(inputs["p"]), try tensor(inputs["y"]))
        case "binaryCrossEntropyWithLogits":
            return try run(BinaryCrossEntropy(reduction: reduction), try tensor(inputs["z"]), try tensor(inputs["y"]))
        case "crossEntropyWithLogits":
            let smoothing = Float(reference["label_smoothing"] as? Double ?? 0)
            let labels = IntTensor(try #require(inputs["labels"] as? [Int]))
            return try run(CrossEntropy(labelSmoothing: smoothing, reduction: reduction), try tensor(inputs["z"]), labels)
        case let other:
            throw LossReferenceError.unknown(other)
        }
    }

    @Test("every torch.nn.functional reference case: value and gradient")
    func referenceCases() throws {
        let cases = try #require(try loadJSONResource("losses")["cases"] as? [[String: Any]])
        #expect(cases.count == 14)
        for reference in cases {
            let name = "\(reference["loss"]!) \(reference["reduction"]!) \(reference["delta"] ?? reference["label_smoothing"] ?? "")"
            let (value, gradient) = try evaluate(reference)
            let expectedValue = try #require(reference["value"] as? Double)
            let expectedGradient = try tensor(reference["gradient"])
            #expect(isClose(value, expectedValue, relative: 1e-4), "\(name): value \(value) vs \(expectedValue)")
            #expect(gradient.shape == expectedGradient.shape, "\(name)")
            for (a, e) in zip(gradient.scalars, expectedGradient.scalars) {
                #expect(isClose(a, Double(e), relative: 1e-4), "\(name): gradient \(gradient.scalars) vs \(expectedGradient.scalars)")
            }
        }
    }

    @Test("binary cross-entropy stays finite for extreme logits")
    func binaryCrossEntropyExtremes() throws {
        let (value, gradient) = try BinaryCrossEntropy(reduction: .sum).valueWithGradient(Tensor([200, -200]), Tensor([0, 1]))
        // Each term is |z| (log(1 + e^-200) vanishes); σ(200) - 0 = 1 and σ(-200) - 1 = -1.
        #expect(value == 400)
        #expect(gradient.scalars == [1, -1])
    }

    @Test("cross-entropy is shift invariant and stable for large logits")
    func crossEntropyLargeLogits() throws {
        let loss = CrossEntropy()
        let small = try loss.valueWithGradient(Tensor([[1, 2, 3]]), IntTensor([0]))
        let large = try loss.valueWithGradient(Tensor([[1001, 1002, 1003]]), IntTensor([0]))
        // log(e + e² + e³) - 1 computed by hand.
        let expected = log(exp(1.0) + exp(2.0) + exp(3.0)) - 1
        #expect(isClose(small.value, expected, relative: 1e-6))
        #expect(isClose(large.value, expected, relative: 1e-6))
        #expect(zip(small.gradient.scalars, large.gradient.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test("a target of another shape throws, naming the loss and both shapes, and leaves the gradient alone")
    func shapeMismatch() {
        let expected = TrainingError.targetShapeMismatch(function: "MeanSquaredError", predictions: [2, 1], targets: [2])
        expectTrainingError(expected) { _ = try MeanSquaredError()(Tensor([[1], [2]]), Tensor([1, 2])) }
        expectTrainingError(expected) { _ = try MeanSquaredError().valueWithGradient(Tensor([[1], [2]]), Tensor([1, 2])) }
        var gradient = Tensor([7])
        expectTrainingError(.targetShapeMismatch(function: "Huber", predictions: [2, 1], targets: [3, 1])) {
            _ = try Huber().value(Tensor([[1], [2]]), Tensor([[1], [2], [3]]), gradientInto: &gradient)
        }
        #expect(gradient == Tensor([7]))
        #expect(expected.description.contains("reshape the targets to [2, 1]"))
    }

    @Test("cross-entropy throws for labels out of range, of the wrong count, and logits that are not a matrix")
    func crossEntropyArguments() {
        let logits = Tensor([[1, 2], [3, 4]])
        expectTrainingError(.labelOutOfRange(function: "CrossEntropy", label: 2, example: 1, classes: 2)) {
            _ = try CrossEntropy()(logits, IntTensor([1, 2]))
        }
        expectTrainingError(.labelOutOfRange(function: "CrossEntropy", label: -1, example: 0, classes: 2)) {
            _ = try CrossEntropy().valueWithGradient(logits, IntTensor([-1, 0]))
        }
        expectTrainingError(.labelCountMismatch(function: "CrossEntropy", logits: [2, 2], labels: [1])) {
            _ = try CrossEntropy()(logits, IntTensor([1]))
        }
        expectTrainingError(.invalidLogitShape(function: "CrossEntropy", logits: [2], minimumClasses: 1)) {
            _ = try CrossEntropy()(Tensor([1, 2]), IntTensor([0, 1]))
        }
        expectTrainingError(.invalidLogitShape(function: "CrossEntropy", logits: [2, 0], minimumClasses: 1)) {
            _ = try CrossEntropy()(Tensor(shape: [2, 0], scalars: []), IntTensor([0, 0]))
        }
        let message = TrainingError.labelOutOfRange(function: "CrossEntropy", label: 2, example: 1, classes: 2).description
        #expect(message.contains("example 1") && message.contains("0..<2"))
    }

    @Test("a mean over no elements throws; a sum over none is zero")
    func emptyPredictions() throws {
        expectTrainingError(.emptyPredictions(function: "MeanAbsoluteError", shape: [0, 1])) {
            _ = try MeanAbsoluteError()(Tensor(shape: [0, 1], scalars: []), Tensor(shape: [0, 1], scalars: []))
        }
        expectTrainingError(.emptyPredictions(function: "CrossEntropy", shape: [0, 3])) {
            _ = try CrossEntropy()(Tensor(shape: [0, 3], scalars: []), IntTensor(shape: [0], scalars: []))
        }
        #expect(try MeanSquaredError(reduction: .sum)(Tensor(shape: [0], scalars: []), Tensor(shape: [0], scalars: [])) == 0)
    }
}
