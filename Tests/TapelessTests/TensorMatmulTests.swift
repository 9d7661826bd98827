import Tapeless
import Testing

struct TensorMatmulTests {
    @Test func multipliesMatrices() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        let b = Tensor([[7, 8], [9, 10], [11, 12]])
        // [1*7+2*9+3*11, 1*8+2*10+3*12; 4*7+5*9+6*11, 4*8+5*10+6*12]
        #expect(matmul(a, b) == Tensor([[58, 64], [139, 154]]))
        #expect(matmul(b, a) == Tensor([[39, 54, 69], [49, 68, 87], [59, 82, 105]]))
    }

    @Test func largeProductMatchesARowTimesColumnSum() {
        // Entries are small integers, so every sum is exact in Float.
        let a = Tensor(shape: [40, 70], scalars: (0..<2800).map { Float($0 % 7 - 3) })
        let b = Tensor(shape: [70, 50], scalars: (0..<3500).map { Float($0 % 5 - 2) })
        let c = matmul(a, b)
        #expect(c.shape == [40, 50])
        var wrong = 0
        for i in 0..<40 {
            for j in 0..<50 {
                var sum: Float = 0
                for p in 0..<70 { sum += Float((i * 70 + p) % 7 - 3) * Float((p * 50 + j) % 5 - 2) }
                if c[i, j] != sum { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }

    @Test func emptyDimensions() {
        #expect(matmul(Tensor(zeros: [2, 0]), Tensor(zeros: [0, 3])) == Tensor(zeros: [2, 3]))
        #expect(matmul(Tensor(zeros: [0, 4]), Tensor(zeros: [4, 3])).shape == [0, 3])
        #expect(matmul(Tensor(zeros: [2, 4]), Tensor(zeros: [4, 0])).shape == [2, 0])
    }
}
