import Testing
@testable import Tapeless

@Suite struct BatchingTests {
    @Test func gatheringTensorRowsKeepsTheTrailingShape() {
        let x = Tensor(shape: [4, 2], scalars: [0, 1, 10, 11, 20, 21, 30, 31])
        let gathered = x.gathering(examples: [2, 0, 2])
        #expect(gathered.shape == [3, 2])
        #expect(gathered.scalars == [20, 21, 0, 1, 20, 21])
        #expect(x.exampleCount == 4)
        let cube = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        #expect(cube.gathering(examples: [1]) == Tensor(shape: [1, 1, 2], scalars: [3, 4]))
    }

    @Test func gatheringIntTensorLabels() {
        let labels = IntTensor([5, 6, 7, 8])
        #expect(labels.exampleCount == 4)
        #expect(labels.gathering(examples: [3, 1]) == IntTensor([8, 6]))
        #expect(labels.gathering(examples: []) == IntTensor(shape: [0], scalars: []))
    }

    @Test func gatheringIntoAKeptBatchReusesItAsAValue() {
        let x = Tensor(shape: [4, 2], scalars: [0, 1, 10, 11, 20, 21, 30, 31])
        let labels = IntTensor([5, 6, 7, 8])
        var batch = Tensor(shape: [1], scalars: [9])
        var labelBatch = IntTensor([9])
        x.gather(examples: [3, 0], into: &batch)
        labels.gather(examples: [3, 0], into: &labelBatch)
        #expect(batch == Tensor(shape: [2, 2], scalars: [30, 31, 0, 1]))
        #expect(labelBatch == IntTensor([8, 5]))
        let kept = batch, keptLabels = labelBatch
        x.gather(examples: [1, 2], into: &batch)
        labels.gather(examples: [1, 2], into: &labelBatch)
        #expect(batch == Tensor(shape: [2, 2], scalars: [10, 11, 20, 21]))
        #expect(labelBatch == IntTensor([6, 7]))
        // The copies taken before are values: the second gather did not write into them.
        #expect(kept == Tensor(shape: [2, 2], scalars: [30, 31, 0, 1]))
        #expect(keptLabels == IntTensor([8, 5]))
        x.gather(examples: [2], into: &batch)
        #expect(batch == Tensor(shape: [1, 2], scalars: [20, 21]))
    }

    @Test func batchesInOrderKeepTheLastPartialBatch() {
        let batches = BatchSequence(exampleCount: 10, batchSize: 4)
        #expect(batches.count == 3)
        #expect(batches.map(Array.init) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(BatchSequence(exampleCount: 0, batchSize: 4).isEmpty)
        #expect(BatchSequence(exampleCount: 8, batchSize: 4).count == 2)
    }

    // The expected orders were computed by an independent Python implementation of the
    // documented algorithm (splitmix64, seed mixed with the epoch, Fisher–Yates).
    @Test func shuffledOrderMatchesTheDocumentedFisherYates() {
        #expect(BatchSequence(exampleCount: 10, batchSize: 10, shuffle: true, seed: 42, epoch: 0).order == [1, 7, 2, 5, 6, 4, 0, 9, 8, 3])
        #expect(BatchSequence(exampleCount: 10, batchSize: 10, shuffle: true, seed: 42, epoch: 1).order == [0, 8, 6, 5, 1, 3, 7, 4, 2, 9])
        #expect(BatchSequence(exampleCount: 10, batchSize: 10, shuffle: true, seed: 7, epoch: 0).order == [6, 1, 8, 3, 0, 2, 9, 4, 5, 7])
        let batches = BatchSequence(exampleCount: 10, batchSize: 4, shuffle: true, seed: 42, epoch: 0)
        #expect(batches.map(Array.init) == [[1, 7, 2, 5], [6, 4, 0, 9], [8, 3]])
    }

    @Test func pairedBatchesGatherInputsAndTargetsAlike() {
        let x = column([0, 1, 2, 3, 4])
        let y = IntTensor([10, 11, 12, 13, 14])
        let pairs = Array(batches(of: x, y, batchSize: 2, shuffle: true, seed: 42, epoch: 0))
        #expect(pairs.count == 3)
        for (xb, yb) in pairs {
            #expect(yb.scalars == xb.scalars.map { Int($0) + 10 })
        }
        #expect(pairs.flatMap { $0.x.scalars }.sorted() == [0, 1, 2, 3, 4])
    }
}
