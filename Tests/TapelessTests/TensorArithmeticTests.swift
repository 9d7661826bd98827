import Tapeless
import Testing

struct TensorArithmeticTests {
    let m = Tensor([[1, 2, 3], [4, 5, 6]])

    @Test func sameShapeOperators() {
        let n = Tensor([[6, 5, 4], [3, 2, 1]])
        #expect((m + n).scalars == [7, 7, 7, 7, 7, 7])
        #expect((m - n).scalars == [-5, -3, -1, 1, 3, 5])
        #expect((m * n).scalars == [6, 10, 12, 12, 10, 6])
        let quotients: [Float] = [1 / 6, 2 / 5, 3 / 4, 4 / 3, 5 / 2, 6]
        #expect((m / n).scalars == quotients)
        #expect((m + n).shape == [2, 3])
    }

    @Test func broadcastsARowVectorAndAColumnVector() {
        let row = Tensor([10, 20, 30])
        #expect((m + row).scalars == [11, 22, 33, 14, 25, 36])
        #expect((row - m).scalars == [9, 18, 27, 6, 15, 24])
        let column = Tensor([[2], [3]])
        #expect((m * column).scalars == [2, 4, 6, 12, 15, 18])
        let quotients: [Float] = [2, 1, 2 / 3, 3 / 4, 3 / 5, 1 / 2]
        #expect((column / m).scalars == quotients)
    }

    @Test func broadcastsBothOperandsToALargerShape() {
        // [3, 1] with [1, 4] gives [3, 4]: an outer sum.
        let column = Tensor([[0], [10], [20]])
        let row = Tensor([[1, 2, 3, 4]])
        let sum = column + row
        #expect(sum.shape == [3, 4])
        #expect(sum.scalars == [1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24])
        // [2, 1, 3] with [4, 1] gives [2, 4, 3].
        let a = Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor([[0], [100], [200], [300]])
        let c = a + b
        #expect(c.shape == [2, 4, 3])
        #expect(c[1, 2, 0] == 204)
        #expect(c[0, 3, 2] == 303)
        #expect((b + a) == c)
    }

    @Test func rankZeroAndEmptyOperands() {
        #expect((Tensor(2) * Tensor(3)).shape == [])
        #expect((Tensor(2) * Tensor(3)).scalar == 6)
        #expect((m + Tensor(1)).scalars == [2, 3, 4, 5, 6, 7])
        let empty = Tensor(zeros: [0, 3])
        #expect((empty + Tensor([1, 2, 3])).shape == [0, 3])
        #expect((Tensor(zeros: [4, 1]) * Tensor(zeros: [0])).shape == [4, 0])
    }

    @Test func scalarsOnEitherSide() {
        let v = Tensor([1, 2, 4])
        #expect((v + 1).scalars == [2, 3, 5])
        #expect((1 + v).scalars == [2, 3, 5])
        #expect((v - 1).scalars == [0, 1, 3])
        #expect((1 - v).scalars == [0, -1, -3])
        #expect((v * 3).scalars == [3, 6, 12])
        #expect((3 * v).scalars == [3, 6, 12])
        #expect((v / 2).scalars == [0.5, 1, 2])
        #expect((2 / v).scalars == [2, 1, 0.5])
        #expect((-v).scalars == [-1, -2, -4])
    }

    @Test func compoundAssignment() {
        var t = m
        t += Tensor([1, 1, 1])
        #expect(t.scalars == [2, 3, 4, 5, 6, 7])
        t -= 2
        #expect(t.scalars == [0, 1, 2, 3, 4, 5])
        t *= Tensor([[2], [-1]])
        #expect(t.scalars == [0, 2, 4, -3, -4, -5])
        t /= 2
        #expect(t.scalars == [0, 1, 2, -1.5, -2, -2.5])
        #expect(m.scalars == [1, 2, 3, 4, 5, 6])
    }

    @Test func mapAppliesToEveryElement() {
        let t = Tensor([[1, 4], [9, 16]]).map { $0.squareRoot() }
        #expect(t == Tensor([[1, 2], [3, 4]]))
    }
}
