import Tapeless
import Testing

struct TensorShapeTests {
    @Test func reshapesKeepingRowMajorOrder() {
        let t = Tensor(0..<6)
        let m = t.reshaped(to: [2, 3])
        #expect(m.shape == [2, 3])
        #expect(m[1, 0] == 3)
        #expect(t.reshaped(to: [3, -1]).shape == [3, 2])
        #expect(t.reshaped(to: [-1]).shape == [6])
        #expect(t.reshaped(to: [1, 2, -1, 1]).shape == [1, 2, 3, 1])
        #expect(m.reshaped(to: [6]) == t)
        #expect(Tensor(7).reshaped(to: [1, 1]).scalars == [7])
        #expect(Tensor(zeros: [0, 4]).reshaped(to: [2, 0]).shape == [2, 0])
    }

    @Test func transposesMatrices() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        let t = m.transposed()
        #expect(t.shape == [3, 2])
        #expect(t.scalars == [1, 4, 2, 5, 3, 6])
        #expect(Tensor(zeros: [0, 3]).transposed().shape == [3, 0])
    }

    @Test func transposesAcrossBlockEdges() {
        // 37 x 70 is not a multiple of the 32-element blocks in either direction.
        let rows = 37, columns = 70
        let m = Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map(Float.init))
        let t = m.transposed()
        #expect(t.shape == [columns, rows])
        var wrong = 0
        for j in 0..<columns {
            for i in 0..<rows where t[j, i] != Float(i * columns + j) { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(t.transposed() == m)
    }
}
