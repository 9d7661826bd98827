import Tapeless
import Testing

@Suite("Metrics")
struct MetricTests {
    @Test func accuracy() throws {
        let logits = Tensor([
            [0.1, 0.7, 0.2],  // argmax 1
            [2, -1, 0],  // argmax 0
            [0, 0, 5],  // argmax 2
            [1, 1, 0],  // a tie: the first largest, 0
        ])
        #expect(try Accuracy()(logits, IntTensor([1, 2, 2, 0])) == 0.75)
        #expect(try Accuracy()(logits, IntTensor([0, 1, 0, 1])) == 0)
        #expect(Accuracy().name == "accuracy")
    }

    @Test func binaryAccuracy() throws {
        let logits = Tensor([[2.5], [-0.3], [0], [0.1], [-4]])
        // Predicted classes 1, 0, 0 (zero is not above the threshold), 1, 0.
        #expect(try BinaryAccuracy()(logits, Tensor([[1], [0], [1], [0], [0]])) == 0.6)
        #expect(try BinaryAccuracy(threshold: 0.5)(Tensor([0.9, 0.4]), Tensor([1, 1])) == 0.5)
    }

    @Test func meanAbsoluteError() throws {
        let metric = MeanAbsoluteErrorMetric()
        #expect(metric.name == "mae")
        #expect(try metric(Tensor([1, -2, 3, 0]), Tensor([0, 0, 3, 0.5])) == 0.875)
    }

    @Test func runningMean() {
        var mean = RunningMean()
        #expect(mean.value == 0)
        mean.add(0.5, weight: 32)
        mean.add(0.25, weight: 8)
        mean.add(3)
        // (16 + 2 + 3) / 41
        #expect(isClose(mean.value, 21.0 / 41.0, relative: 1e-7, absolute: 0))
        #expect(mean.totalWeight == 41)
        mean.reset()
        #expect(mean.value == 0 && mean.totalWeight == 0)
    }

    @Test("Accuracy on one column throws, pointing to BinaryAccuracy")
    func accuracyOnOneColumn() {
        let expected = TrainingError.invalidLogitShape(function: "Accuracy", logits: [2, 1], minimumClasses: 2)
        expectTrainingError(expected) { _ = try Accuracy()(Tensor([[0.3], [0.8]]), IntTensor([0, 0])) }
        #expect(expected.description.contains("BinaryAccuracy"))
    }

    @Test("metrics throw for mismatched shapes, bad labels and empty batches, naming themselves")
    func metricArguments() {
        expectTrainingError(.labelOutOfRange(function: "Accuracy", label: 3, example: 0, classes: 2)) {
            _ = try Accuracy()(Tensor([[1, 2]]), IntTensor([3]))
        }
        expectTrainingError(.emptyPredictions(function: "Accuracy", shape: [0, 2])) {
            _ = try Accuracy()(Tensor(shape: [0, 2], scalars: []), IntTensor(shape: [0], scalars: []))
        }
        expectTrainingError(.targetShapeMismatch(function: "BinaryAccuracy", predictions: [2, 1], targets: [2])) {
            _ = try BinaryAccuracy()(Tensor([[1], [0]]), Tensor([1, 0]))
        }
        expectTrainingError(.emptyPredictions(function: "BinaryAccuracy", shape: [0])) {
            _ = try BinaryAccuracy()(Tensor(shape: [0], scalars: []), Tensor(shape: [0], scalars: []))
        }
        expectTrainingError(.targetShapeMismatch(function: "MeanAbsoluteErrorMetric", predictions: [1], targets: [2])) {
            _ = try MeanAbsoluteErrorMetric()(Tensor([1]), Tensor([1, 2]))
        }
    }
}
