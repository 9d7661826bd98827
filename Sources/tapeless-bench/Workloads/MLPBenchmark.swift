import Tapeless

/// B2: training steps (forward, backward, Adam) of Dense(784 → 128, relu) → Dense(128 → 10)
/// with softmax cross-entropy, by the generated `MLP` and by ``HandWrittenMLP``.
enum MLPBenchmark {
    /// Published losses: at step 1, and reported by step 105 (5 warm-up steps and 100 timed).
    static let expectedFirstLoss: [Int: Double] = [1000: 2.32959, 32: 2.38863]
    static let expectedLossAtStep105: [Int: Double] = [1000: 0.01097, 32: 0.000552]

    /// One implementation's median step time, losses and allocations.
    struct Run {
        var millisecondsPerStep: Double
        var firstLoss: Float
        /// The loss reported by the last step (before its update).
        var lastLoss: Float
        var allocationsPerStep: Double?
    }

    /// One batch size's results.
    struct Result {
        var batch: Int
        var steps: Int
        var generated: Run
        var handWritten: Run
        /// The generated step driven by `fit`, on more data of the same kind.
        var viaFit: FitBenchmark.Run

        /// Floating-point operations per step: `2·B·(2·784·128 + 3·128·10)` (BENCHMARKS.md).
        var flopsPerStep: Double { 2 * Double(batch) * Double(2 * 784 * 128 + 3 * 128 * 10) }

        func gigaflopsPerSecond(milliseconds: Double) -> Double { flopsPerStep / (milliseconds * 1e-3) / 1e9 }
    }

    /// Trains from the published initial weights: `warmUp` steps, then `timed` steps one by one;
    /// then trains by `fit` for `fitSteps` steps.
    static func run(batch: Int, warmUp: Int, timed: Int, fitSteps: Int) -> Result {
        let (x, labels) = BenchmarkData.mlpBatch(size: batch)
        var model = BenchmarkData.mlpInitialModel()
        var optimizer = Adam(learningRate: 1e-3)
        var gradient = MLP.Gradient.zero
        let handWritten = HandWrittenMLP(x: x, labels: labels, parameters: BenchmarkData.mlpInitialModel())
        let (generated, reference) = measure(warmUp: warmUp, timed: timed, {
            let loss = model.lossWithGradient(x: x, labels: labels, into: &gradient)
            optimizer.update(&model, along: gradient)
            return loss
        }, handWritten.step)
        return Result(
            batch: batch, steps: warmUp + timed, generated: generated, handWritten: reference,
            viaFit: FitBenchmark.run(batch: batch, steps: fitSteps))
    }

    /// Steps timed in blocks of this many, alternating between the two implementations.
    static let block = 10

    /// Runs each step function `warmUp` times, then times `timed` steps of each one by one, in
    /// alternating blocks: the host's slow moments, which last seconds, then fall on both
    /// implementations alike, while each block still runs with its own data in cache.
    private static func measure(warmUp: Int, timed: Int, _ generated: () -> Float, _ handWritten: () -> Float) -> (Run, Run) {
        precondition(warmUp >= 1 && timed >= 1, "B2 needs at least one warm-up and one timed step.")
        var first = StepTimes(firstLoss: generated(), capacity: timed)
        var second = StepTimes(firstLoss: handWritten(), capacity: timed)
        for _ in 1..<warmUp {
            _ = generated()
            _ = handWritten()
        }
        var done = 0
        while done < timed {
            let steps = min(block, timed - done)
            first.time(steps: steps, generated)
            second.time(steps: steps, handWritten)
            done += steps
        }
        return (first.run, second.run)
    }

    /// One implementation's step times, losses and allocations.
    private struct StepTimes {
        private var steps: TimedRuns
        private let firstLoss: Float
        private var lastLoss: Float

        init(firstLoss: Float, capacity: Int) {
            self.firstLoss = firstLoss
            lastLoss = firstLoss
            steps = TimedRuns(capacity: capacity)
        }

        mutating func time(steps count: Int, _ step: () -> Float) {
            var loss = lastLoss
            for _ in 0..<count { steps.time { loss = step() } }
            lastLoss = loss
        }

        var run: Run {
            Run(
                millisecondsPerStep: steps.medianSeconds * 1e3, firstLoss: firstLoss, lastLoss: lastLoss,
                allocationsPerStep: steps.allocationsPerRepetition())
        }
    }

    /// The published step-1 loss (to 2e-5), and the step-105 loss (to 0.2%) when 105 steps ran;
    /// `prefix` is for example `b2_b1000` or `b2_b1000_hand`.
    static func checks(_ result: Result, _ run: Run, prefix: String, label: String) -> [Check] {
        let batch = result.batch
        var checks = [Check(
            name: "B2 B=\(batch) \(label) loss at step 1", key: "\(prefix)_first_loss",
            value: Double(run.firstLoss), expected: expectedFirstLoss[batch] ?? .nan, tolerance: 2e-5)]
        if result.steps == 105, let expected = expectedLossAtStep105[batch] {
            checks.append(Check(
                name: "B2 B=\(batch) \(label) loss at step 105", key: "\(prefix)_last_loss",
                value: Double(run.lastLoss), expected: expected, tolerance: 2e-3 * expected))
        }
        return checks
    }
}
