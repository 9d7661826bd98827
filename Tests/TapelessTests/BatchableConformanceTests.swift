import Tapeless
import Testing

@Suite("Batchable conformances")
struct BatchableConformanceTests {
    @Test func tensorRows() {
        let x = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.exampleCount == 3)
        #expect(x.gathering(examples: [2, 0, 2]) == Tensor([[5, 6], [1, 2], [5, 6]]))
        #expect(x.gathering(examples: []).shape == [0, 2])
    }

    @Test func intTensorRows() {
        let labels = IntTensor([7, 8, 9])
        #expect(labels.exampleCount == 3)
        #expect(labels.gathering(examples: 1..<3) == IntTensor([8, 9]))
    }
}
