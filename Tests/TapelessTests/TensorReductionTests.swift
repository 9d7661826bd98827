import Foundation
import Tapeless
import Testing

struct TensorReductionTests {
    let m = Tensor([[1, 5, 3], [4, 2, 6]])

    @Test func wholeTensorReductions() {
        #expect(m.sum() == 21)
        #expect(m.mean() == 3.5)
        #expect(m.max() == 6)
        #expect(Tensor([-3, -1, -2]).max() == -1)
        #expect(Tensor(zeros: [0, 3]).sum() == 0)
        #expect(Tensor(zeros: [0]).mean().isNaN)
        #expect(Tensor([1, .nan, 3]).max().isNaN)
    }

    @Test func reductionsAlongEachAxis() {
        #expect(m.sum(alongAxis: 0) == Tensor([5, 7, 9]))
        #expect(m.sum(alongAxis: 1) == Tensor([9, 12]))
        #expect(m.sum(alongAxis: -1) == Tensor([9, 12]))
        #expect(m.mean(alongAxis: 0) == Tensor([2.5, 3.5, 4.5]))
        #expect(m.mean(alongAxis: 1) == Tensor([3, 4]))
        #expect(m.max(alongAxis: 0) == Tensor([4, 5, 6]))
        #expect(m.max(alongAxis: 1) == Tensor([5, 6]))
        #expect(Tensor([1, 2, 3]).sum(alongAxis: 0) == Tensor(6))
    }

    @Test func middleAxisOfARankThreeTensor() {
        // Shape [2, 3, 2]; element [a, b, c] = 6a + 2b + c.
        let t = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        #expect(t.sum(alongAxis: 1) == Tensor([[6, 9], [24, 27]]))
        #expect(t.max(alongAxis: 1) == Tensor([[4, 5], [10, 11]]))
        #expect(t.argmax(alongAxis: 1) == IntTensor(shape: [2, 2], scalars: [2, 2, 2, 2]))
        #expect(t.argmax(alongAxis: 0) == IntTensor(shape: [3, 2], scalars: [1, 1, 1, 1, 1, 1]))
    }

    @Test func argmaxTakesTheFirstLargest() {
        let logits = Tensor([[0.1, 0.7, 0.2], [3, -1, 3], [-5, -4, -6]])
        #expect(logits.argmax(alongAxis: 1) == IntTensor([1, 0, 1]))
        #expect(logits.argmax(alongAxis: 0) == IntTensor([1, 0, 1]))
        #expect(Tensor([1, .nan, 3, .nan]).argmax(alongAxis: 0) == IntTensor(shape: [], scalars: [1]))
        #expect(Tensor([[7]]).argmax(alongAxis: 1) == IntTensor([0]))
    }

    @Test func emptyLanes() {
        let empty = Tensor(zeros: [3, 0])
        #expect(empty.sum(alongAxis: 1) == Tensor(zeros: [3]))
        #expect(empty.sum(alongAxis: 0).shape == [0])
        #expect(empty.max(alongAxis: 0).shape == [0])
        #expect(empty.softmax(alongAxis: 1).shape == [3, 0])
    }

    @Test func softmaxMatchesTheDefinition() {
        let x = Tensor([[1, 2, 3], [0, 0, 0]])
        let s = x.softmax(alongAxis: 1)
        let denominator = exp(1.0) + exp(2.0) + exp(3.0)
        let expected: [Double] = [exp(1.0) / denominator, exp(2.0) / denominator, exp(3.0) / denominator, 1 / 3, 1 / 3, 1 / 3]
        for (got, want) in zip(s.scalars, expected) { #expect(abs(Double(got) - want) < 1e-6) }
        let columns = x.softmax(alongAxis: 0)
        // Column 0 is softmax([1, 0]) = [e / (e + 1), 1 / (e + 1)].
        #expect(abs(Double(columns[0, 0]) - exp(1.0) / (exp(1.0) + 1)) < 1e-6)
        #expect(abs(Double(columns[1, 0]) - 1 / (exp(1.0) + 1)) < 1e-6)
    }

    @Test func logSoftmaxStaysFiniteForLargeLogits() {
        // exp(1000) overflows Float; the stable forms subtract the maximum first.
        let x = Tensor([[1000, 0, -1000]])
        let s = x.softmax(alongAxis: -1)
        #expect(s.scalars == [1, 0, 0])
        let l = x.logSoftmax(alongAxis: 1)
        #expect(l[0, 0] == 0)
        #expect(l[0, 1] == -1000)
        #expect(l[0, 2] == -2000)
        let small = Tensor([2, 1]).logSoftmax(alongAxis: 0)
        let logTotal = log(exp(2.0) + exp(1.0))
        #expect(abs(Double(small[0]) - (2 - logTotal)) < 1e-6)
        #expect(abs(Double(small[1]) - (1 - logTotal)) < 1e-6)
    }
}
