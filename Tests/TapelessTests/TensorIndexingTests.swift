import Tapeless
import Testing

struct TensorIndexingTests {
    @Test func readsAndWritesElementsInRowMajorOrder() {
        var t = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        #expect(t[0, 0, 0] == 0)
        #expect(t[0, 2, 1] == 5)
        #expect(t[1, 0, 1] == 7)
        #expect(t[1, 2, 1] == 11)
        t[1, 1, 0] = -4
        #expect(t.scalars[8] == -4)
        #expect(t.scalars.filter { $0 == -4 }.count == 1)
    }

    @Test func writingDoesNotChangeACopy() {
        let original = Tensor([[1, 2], [3, 4]])
        var copy = original
        copy[0, 1] = 20
        #expect(original[0, 1] == 2)
        #expect(copy.scalars == [1, 20, 3, 4])
    }

    @Test func rankZeroTensorTakesNoIndices() {
        var t = Tensor(5)
        #expect(t[] == 5)
        t[] = 6
        #expect(t.scalar == 6)
    }

    @Test func slicesRowsOfAMatrixAndOfAHigherRankTensor() {
        let m = Tensor(shape: [6, 2], scalars: (0..<12).map(Float.init))
        let rows = m[rows: 2..<5]
        #expect(rows.shape == [3, 2])
        #expect(rows.scalars == [4, 5, 6, 7, 8, 9])
        let cube = Tensor(shape: [3, 2, 2], scalars: (0..<12).map(Float.init))
        #expect(cube[rows: 1..<2] == Tensor(shape: [1, 2, 2], scalars: [4, 5, 6, 7]))
        #expect(cube[rows: 3..<3].shape == [0, 2, 2])
        #expect(Tensor([1, 2, 3])[rows: 1..<3].scalars == [2, 3])
    }

    @Test func intTensorElementAccess() {
        var labels = IntTensor([3, 1, 4, 1, 5])
        #expect(labels[2] == 4)
        labels[4] = 9
        #expect(labels.scalars == [3, 1, 4, 1, 9])
        let grid = IntTensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(grid[1, 0] == 3)
    }
}
