import Testing
@testable import Tapeless

/// The kernels of embedding lookups and argmax, and the check of indices that generated code
/// runs before them.
@Suite struct GatherKernelTests {
    let table: [Float] = [0, 1, 10, 11, 20, 21, 30, 31]  // [4, 2]

    @Test func gatherCopiesTheIndexedRows() {
        let indices = [2, 0, 2, 3]
        var output = [Float](repeating: .nan, count: 8)
        Kernels.gather(table: table, width: 2, indices: indices, count: 4, output: &output)
        #expect(output == [20, 21, 0, 1, 20, 21, 30, 31])
    }

    @Test func scatterAddZeroesTheTableAndAccumulatesRepeatedRows() {
        let source: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]  // [4, 2]
        let indices = [2, 0, 2, 2]
        var table = [Float](repeating: .nan, count: 8)
        Kernels.scatterAdd(source, width: 2, indices: indices, count: 4, into: &table, rows: 4)
        #expect(table == [3, 4, 0, 0, 13, 16, 0, 0])  // rows 1, 3 and 4 of the source added into row 2
    }

    @Test func scatterAddIsTheAdjointOfGather() {
        // Σ g · gather(t, i) = Σ t · scatterAdd(g, i) for any t and g.
        let indices = [3, 1, 1, 0, 3]
        let g: [Float] = [0.5, -1, 2, 0.25, -3, 1.5, 4, -0.5, 1, 2]
        var gathered = [Float](repeating: 0, count: 10), scattered = [Float](repeating: 0, count: 8)
        Kernels.gather(table: table, width: 2, indices: indices, count: 5, output: &gathered)
        Kernels.scatterAdd(g, width: 2, indices: indices, count: 5, into: &scattered, rows: 4)
        let left = zip(g, gathered).map(*).reduce(0, +), right = zip(table, scattered).map(*).reduce(0, +)
        #expect(left == right)
    }

    @Test func argmaxTakesTheFirstMaximumAndTheFirstNaNAlongAnyAxis() {
        let x: [Float] = [1, 3, 3, 0, .nan, 2, .nan, 5, -1, -1, -1, -1]  // [3, 4]
        var rows = [Int](repeating: -1, count: 3)
        Kernels.argmax(x, outer: 3, length: 4, inner: 1, into: &rows)
        #expect(rows == [1, 0, 0])
        var columns = [Int](repeating: -1, count: 4)
        Kernels.argmax(x, outer: 1, length: 3, inner: 4, into: &columns)
        #expect(columns == [1, 0, 1, 1])
        // It agrees with the runtime's Tensor.argmax.
        let tensor = Tensor(shape: [3, 4], scalars: x)
        #expect(tensor.argmax(alongAxis: 1).scalars == rows && tensor.argmax(alongAxis: 0).scalars == columns)
    }

    @Test func indicesInRangePassTheCheck() {
        let indices = [0, 3, 2]
        ArgumentCheck.indices(indices, count: 3, rows: 4, argument: "tokens", function: "f(tokens:)")
    }

    @Test func anIndexOutOfRangeStopsWithAMessageNamingItsPlace() async throws {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            ArgumentCheck.indices([0, 3, 4, -1], count: 4, rows: 4, argument: "tokens", function: "loss(tokens:labels:)")
        }
        let message = String(decoding: try #require(result).standardErrorContent, as: UTF8.self)
        #expect(message.contains(
            "loss(tokens:labels:): index 4 at position 2 of 'tokens' is out of range 0..<4; indices pick rows of a table with 4 rows."),
            "\(message)")
        let negative = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            ArgumentCheck.indices([-1], count: 1, rows: 4, argument: "ids", function: "f(ids:)")
        }
        #expect(String(decoding: try #require(negative).standardErrorContent, as: UTF8.self).contains("index -1 at position 0 of 'ids'"))
    }
}
