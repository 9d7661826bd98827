import Foundation
import Testing
@testable import Tapeless

/// A model large enough for optimizer steps to be split across threads, with a frozen
/// parameter between two trainable ones: `a` [40_001] trainable, `b` [999] frozen, `c`
/// [30_007] trainable.
private struct LargePartlyFrozenModel: Model {
    typealias Gradient = LargePartlyFrozenModel
    static let parameterLayout = ParameterLayout([
        (name: "a", shape: [40_001], initializer: .zeros, isTrainable: true),
        (name: "b", shape: [999], initializer: .zeros, isTrainable: false),
        (name: "c", shape: [30_007], initializer: .zeros, isTrainable: true),
    ])
    var parameterScalars: [Float]
    init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }
}

/// Deterministic values of both signs and varied magnitudes.
private func wave(count: Int, frequency: Double, scale: Double) -> [Float] {
    (0..<count).map { Float(scale * sin(Double($0) * frequency) * (1 + Double($0 % 7))) }
}

private let frozen = 40_001..<41_000

/// A pool of two threads only these tests use: a split step always runs split, however busy
/// the shared pool is and whatever `Kernels.maximumThreadCount` other tests set.
private let twoThreads = WorkerPool(threadCount: 2)
/// A pool of one thread: every step on the calling thread.
private let oneThread = WorkerPool(threadCount: 1)

struct ParallelOptimizerTests {
    @Test("the large test model is over the splitting threshold")
    func largeModelIsSplit() {
        let layout = LargePartlyFrozenModel.parameterLayout
        #expect(layout.trainableScalarCount == 40_001 + 30_007)
        #expect(layout.trainableScalarCount >= TrainableSplit.threshold)
        #expect(PartlyFrozenModel.parameterLayout.trainableScalarCount == 5)
    }

    @Test("optimizer steps split across two threads match one thread bit for bit")
    func splitStepsMatchOneThread() {
        let optimizers: [any Optimizer] = [
            SGD(learningRate: 0.1, weightDecay: 0.01),
            SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
            SGD(learningRate: 0.1, momentum: 0.9, dampening: 0.25),
            Adam(learningRate: 0.01, weightDecay: 0.1),
            Adam(learningRate: 0.01, amsgrad: true),
            AdamW(learningRate: 0.01, weightDecay: 0.1, amsgrad: true),
            RMSprop(learningRate: 0.01, weightDecay: 0.1),
            RMSprop(learningRate: 0.01, momentum: 0.5, centered: true),
            Adagrad(learningRate: 0.1, learningRateDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.25),
        ]
        let count = LargePartlyFrozenModel.parameterCount
        let start = LargePartlyFrozenModel(parameterScalars: wave(count: count, frequency: 0.37, scale: 0.5))
        let gradients = (1...3).map { step in
            LargePartlyFrozenModel(parameterScalars: wave(count: count, frequency: 0.11 * Double(step), scale: 0.2))
        }
        /// The parameters and state buffers after three steps on `threads` threads.
        func train(_ optimizer: any Optimizer, threads: Int) -> [[Float]] {
            var optimizer = optimizer
            var model = start
            ParallelParts.$taskPool.withValue(threads == 1 ? oneThread : twoThreads) {
                for gradient in gradients { optimizer.update(&model, along: gradient) }
            }
            let buffers = optimizer.state.buffers
            return [model.parameterScalars] + buffers.keys.sorted().map { buffers[$0]! }
        }
        for optimizer in optimizers {
            let single = train(optimizer, threads: 1)
            let split = train(optimizer, threads: 2)
            let sameBits = single.count == split.count && zip(single, split).allSatisfy { x, y in
                x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
            }
            #expect(sameBits, "\(optimizer)")
            #expect(split[0][frozen] == start.parameterScalars[frozen], "\(optimizer) changed the frozen parameter")
            #expect(split[0][..<frozen.lowerBound] != start.parameterScalars[..<frozen.lowerBound])
            #expect(split[0][frozen.upperBound...] != start.parameterScalars[frozen.upperBound...])
        }
    }

    @Test("plain SGD split across two threads updates every trainable element, by hand")
    func splitSGDByHand() {
        let count = LargePartlyFrozenModel.parameterCount
        let p = wave(count: count, frequency: 0.29, scale: 1)
        let g = wave(count: count, frequency: 0.13, scale: 1)
        var model = LargePartlyFrozenModel(parameterScalars: p)
        var optimizer = SGD(learningRate: 0.5, weightDecay: 0.25)
        ParallelParts.$taskPool.withValue(twoThreads) {
            optimizer.update(&model, along: LargePartlyFrozenModel(parameterScalars: g))
        }
        let learningRate: Float = 0.5, weightDecay: Float = 0.25
        let expected = (0..<count).map { i in frozen.contains(i) ? p[i] : p[i] - learningRate * (g[i] + weightDecay * p[i]) }
        #expect(model.parameterScalars == expected)
    }
}
