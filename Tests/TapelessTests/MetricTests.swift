import Tapeless
import Testing

@Suite("Metrics")
struct MetricTests {
    @Test func accuracy() {
        let logits = Tensor([
            [0.1, 0.7, 0.2],  // argmax 1
            [2, -1, 0],  // argmax 0
            [0, 0, 5],  // argmax 2
            [1, 1, 0],  // a tie: the first largest, 0
        ])
        #expect(Accuracy()(logits, IntTensor([1, 2, 2, 0])) == 0.75)
        #expect(Accuracy()(logits, IntTensor([0, 1, 0, 1])) == 0)
        #expect(Accuracy().name == "accuracy")
    }

    @Test func binaryAccuracy() {
        let logits = Tensor([[2.5], [-0.3], [0], [0.1], [-4]])
        // Predicted classes 1, 0, 0 (zero is not above the threshold), 1, 0.
        #expect(BinaryAccuracy()(logits, Tensor([[1], [0], [1], [0], [0]])) == 0.6)
        #expect(BinaryAccuracy(threshold: 0.5)(Tensor([0.9, 0.4]), Tensor([1, 1])) == 0.5)
    }

    @Test func meanAbsoluteError() {
        let metric = MeanAbsoluteErrorMetric()
        #expect(metric.name == "mae")
        #expect(metric(Tensor([1, -2, 3, 0]), Tensor([0, 0, 3, 0.5])) == 0.875)
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

    @Test("Accuracy on one column points to BinaryAccuracy")
    func accuracyOnOneColumn() async {
        await #expect(processExitsWith: .failure) {
            _ = Accuracy()(Tensor([[0.3], [0.8]]), IntTensor([0, 0]))
        }
    }
}
