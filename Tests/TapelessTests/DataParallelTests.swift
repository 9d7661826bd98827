import Testing
@testable import Tapeless

/// Test double: process `rank` of a group whose other processes disagree about everything.
final class DisagreeingGroup: ProcessGroup {
    let rank = 1
    let processCount = 2
    func sum(_ buffer: inout [Float]) { Issue.record("No sum may run once the layouts disagree.") }
    func broadcast(_ buffer: inout [Float], from root: Int) { Issue.record("No broadcast may run once the layouts disagree.") }
    func allAgree(on value: UInt64) -> Bool { false }
}

// The MPI side (two processes training as one) is checked by .ci/distributed-checks under mpirun.
@Suite struct DataParallelTests {
    @Test func sharesPartitionEveryBatchInOrderAndDifferInSizeByAtMostOne() {
        let order = BatchSequence(exampleCount: 10, batchSize: 4, shuffle: true, seed: 3, epoch: 1)
        for processCount in 1...5 {
            for batch in order.indices {
                let shares = (0..<processCount).map { order.shard(batch, rank: $0, of: processCount) }
                #expect(shares.flatMap { $0 } == Array(order[batch]))
                let sizes = shares.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1)
            }
        }
        let plain = BatchSequence(exampleCount: 10, batchSize: 4)
        #expect((0..<3).map { Array(plain.shard(0, rank: $0, of: 3)) } == [[0], [1], [2, 3]])
        #expect((0..<3).map { Array(plain.shard(2, rank: $0, of: 3)) } == [[], [8], [9]])
    }

    @Test func fingerprintsTellLayoutsApartByNameShapeAndTrainability() {
        func layout(_ name: String = "w", _ shape: [Int] = [2, 3], trainable: Bool = true) -> ParameterLayout {
            ParameterLayout([(name: name, shape: shape, initializer: .zeros, isTrainable: trainable),
                             (name: "b", shape: [3], initializer: .zeros, isTrainable: true)])
        }
        #expect(layout().fingerprint == layout().fingerprint)
        let others = [layout("v"), layout("w", [3, 2]), layout("w", [6]), layout(trainable: false)]
        #expect(Set(others.map(\.fingerprint) + [layout().fingerprint]).count == 5)
    }

    @Test func microBatchesGiveTheStepsOfWholeBatches() throws {
        let xs = (0..<50).map { Float($0) / 25 - 1 }
        let (x, y) = (column(xs), column(xs.map { 3 * $0 - 0.5 }))
        func train(microBatchSize: Int?) throws -> (AffineModel, History) {
            var model = AffineModel(w: 0, b: 0)
            var optimizer = TestSGD(learningRate: 0.1)
            let history = try model.fit(
                x: x, y: y, loss: MeanSquaredError(), optimizer: &optimizer, epochs: 5, batchSize: 16,
                microBatchSize: microBatchSize, metrics: [TestMAE()], verbosity: .silent, across: SingleProcess())
            #expect(optimizer.state.step == 5 * 4, "50 examples in batches of 16 make 4 steps per epoch, micro-batches or not.")
            return (model, history)
        }
        let (whole, wholeHistory) = try train(microBatchSize: nil)
        let (parts, partsHistory) = try train(microBatchSize: 5)
        #expect(whole.w != 0 && abs(parts.w - whole.w) < 1e-5 && abs(parts.b - whole.b) < 1e-5)
        for key in ["loss", "mae"] {
            #expect(zip(partsHistory[key]!, wholeHistory[key]!).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        expectTrainingError(.invalidBatchSize(0)) { _ = try train(microBatchSize: 0) }
    }

    @Test func processesWithDifferentLayoutsStopBeforeExchangingAnything() {
        var model = AffineModel(w: 1, b: 2)
        var optimizer = TestSGD(learningRate: 0.1)
        expectTrainingError(.parameterLayoutMismatch(rank: 1, parameterCount: 2)) {
            try model.fit(
                x: column([1, 2]), y: column([3, 4]), loss: MeanSquaredError(), optimizer: &optimizer,
                verbosity: .silent, across: DisagreeingGroup())
        }
        #expect(model == AffineModel(w: 1, b: 2))
    }
}

@Suite struct InProcessDataParallelTests {
    /// 50 examples of a line, with batches of 16 (the last of 2): shares of 5 and 6 examples
    /// over 3 processes, and none for one process in the last batch.
    static let xs = (0..<50).map { Float($0) / 25 - 1 }

    static func train(across group: some ProcessGroup, microBatchSize: Int? = nil, initialW w: Float = 0) throws -> (AffineModel, History) {
        var model = AffineModel(w: w, b: 0)
        var optimizer = TestSGD(learningRate: 0.1)
        let history = try model.fit(
            x: column(xs), y: column(xs.map { 3 * $0 - 0.5 }), loss: MeanSquaredError(), optimizer: &optimizer,
            epochs: 5, batchSize: 16, microBatchSize: microBatchSize, metrics: [TestMAE()], verbosity: .silent,
            across: group)
        return (model, history)
    }

    @Test(arguments: [2, 3]) func processesTrainAsOneProcessWithTheWholeBatch(processCount: Int) throws {
        let (reference, referenceHistory) = try Self.train(across: SingleProcess())
        // Every process but 0 starts elsewhere: fit must give them process 0's parameters.
        let runs = try ThreadGroup.run(processCount: processCount) { group in
            try Self.train(across: group, microBatchSize: 2, initialW: Float(group.rank))
        }
        for (model, history) in runs {
            #expect(model.parameterScalars.map(\.bitPattern) == runs[0].0.parameterScalars.map(\.bitPattern))
            #expect(history == runs[0].1)
        }
        let (model, history) = runs[0]
        #expect(abs(model.w - reference.w) < 1e-5 && abs(model.b - reference.b) < 1e-5)
        for key in ["loss", "mae"] {
            #expect(zip(history[key]!, referenceHistory[key]!).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }
}
