import Tapeless

/// B4: training steps (forward, backward, Adam) of the LeNet-5 style CNN of BENCHMARKS.md
/// (`Models/LeNet.tapeless`) at one batch size. There is no hand-written reference: the peers
/// (`Peers/bench_pytorch.py`, `bench_jax.py`) are the comparison.
enum CNNBenchmark {
    /// Published float32 losses at steps 1 and 5; float32 runs drift apart after that.
    static let expectedLosses: [Int: (first: Double, fifth: Double)] = [64: (2.3030074, 2.2605861), 256: (2.3021903, 2.2822585)]

    struct Result {
        var batch: Int
        var millisecondsPerStep: Double
        var firstLoss: Float
        var fifthLoss: Float
        var allocationsPerStep: Double?

        /// `6·B·281,640` floating-point operations per step (BENCHMARKS.md's count).
        var gigaflopsPerSecond: Double { 6 * Double(batch) * 281_640 / (millisecondsPerStep * 1e-3) / 1e9 }
    }

    /// Trains from the published initial weights: `warmUp` steps (at least 5, so the fifth
    /// loss is checked), then `timed` steps one by one.
    static func run(batch: Int, warmUp: Int, timed: Int) -> Result {
        let (x, labels) = BenchmarkData.cnnBatch(size: batch)
        var model = BenchmarkData.cnnInitialModel()
        var optimizer = Adam(learningRate: 1e-3)
        var gradient = LeNet.Gradient.zero
        func step() -> Float {
            let loss = model.lossWithGradient(x: x, labels: labels, into: &gradient)
            optimizer.update(&model, along: gradient)
            return loss
        }
        let steps = TrainingSteps(warmUp: warmUp, timed: timed, step: step)
        return Result(
            batch: batch, millisecondsPerStep: steps.timed.medianSeconds * 1e3, firstLoss: steps.warmUpLosses[0],
            fifthLoss: steps.warmUpLosses[4], allocationsPerStep: steps.timed.allocationsPerRepetition())
    }

    /// The published losses at steps 1 and 5, to 2e-5 (float32 rounding in other orders).
    static func checks(_ result: Result) -> [Check] {
        guard let expected = expectedLosses[result.batch] else { return [] }
        return [
            Check(
                name: "B4 B=\(result.batch) loss at step 1", key: "b4_b\(result.batch)_first_loss",
                value: Double(result.firstLoss), expected: expected.first, tolerance: 2e-5),
            Check(
                name: "B4 B=\(result.batch) loss at step 5", key: "b4_b\(result.batch)_fifth_loss",
                value: Double(result.fifthLoss), expected: expected.fifth, tolerance: 2e-4),
        ]
    }
}
