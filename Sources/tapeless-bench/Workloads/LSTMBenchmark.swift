import Tapeless

/// B5: training steps (forward, backward, Adam) of the LSTM sequence classifier of
/// BENCHMARKS.md (`Models/LSTMClassifier.tapeless`) at batch 64. The peers
/// (`Peers/bench_pytorch.py` with `nn.LSTM`, `bench_jax.py` with `lax.scan`) are the comparison.
enum LSTMBenchmark {
    static let batch = 64

    struct Result {
        var millisecondsPerStep: Double
        var firstLoss: Float
        var fifthLoss: Float
        var allocationsPerStep: Double?

        /// `6·B·2,237,696` floating-point operations per step (BENCHMARKS.md's count).
        var gigaflopsPerSecond: Double { 6 * Double(LSTMBenchmark.batch) * 2_237_696 / (millisecondsPerStep * 1e-3) / 1e9 }
    }

    /// Trains from the published initial weights: `warmUp` steps (at least 5, so the fifth
    /// loss is checked), then `timed` steps one by one.
    static func run(warmUp: Int, timed: Int) -> Result {
        let (x, labels) = BenchmarkData.lstmBatch(size: batch)
        var model = BenchmarkData.lstmInitialModel()
        var optimizer = Adam(learningRate: 1e-3)
        var gradient = LSTMClassifier.Gradient.zero
        func step() -> Float {
            let loss = model.lossWithGradient(x: x, labels: labels, into: &gradient)
            optimizer.update(&model, along: gradient)
            return loss
        }
        let steps = TrainingSteps(warmUp: warmUp, timed: timed, step: step)
        return Result(
            millisecondsPerStep: steps.timed.medianSeconds * 1e3, firstLoss: steps.warmUpLosses[0],
            fifthLoss: steps.warmUpLosses[4], allocationsPerStep: steps.timed.allocationsPerRepetition())
    }

    /// The published float32 losses at steps 1 and 5.
    static func checks(_ result: Result) -> [Check] {
        [
            Check(name: "B5 loss at step 1", key: "b5_first_loss", value: Double(result.firstLoss), expected: 2.3012905, tolerance: 2e-5),
            Check(name: "B5 loss at step 5", key: "b5_fifth_loss", value: Double(result.fifthLoss), expected: 2.2487196, tolerance: 2e-4),
        ]
    }
}
