import Tapeless

/// B1: full-batch gradient descent on `y ≈ w·x + b` (1000 points, learning rate 0.1, 1000
/// epochs), trained by the generated `LinearRegression` and by ``HandWrittenLinearRegression``.
enum LinearRegressionBenchmark {
    static let epochs = 1000
    static let learningRate: Float = 0.1
    static let expected = (w: 2.0151987, b: 0.9902664)

    /// One implementation's median time per epoch, final parameters and allocations.
    struct Run {
        var microsecondsPerEpoch: Double
        var w: Float
        var b: Float
        /// Allocations per epoch after the first.
        var allocationsPerEpoch: Double?
    }

    /// Trains `rounds` times from `w = b = 0` with each implementation.
    static func run(rounds: Int) -> (generated: Run, handWritten: Run) {
        let (x, y) = BenchmarkData.linearRegression()
        let (xTensor, yTensor) = (Tensor(x), Tensor(y))
        var generated = Trainings(rounds: rounds), handWritten = Trainings(rounds: rounds)
        // Rounds interleave the two implementations, so that the host's slow moments fall on
        // both alike instead of on whichever ran then.
        for _ in 0..<rounds {
            generated.time { trainGenerated(x: xTensor, y: yTensor, allocationsAfterFirstEpoch: &$0) }
            handWritten.time { HandWrittenLinearRegression.train(
                x: x, y: y, epochs: epochs, learningRate: learningRate, allocationsAfterFirstEpoch: &$0) }
        }
        return (generated.run, handWritten.run)
    }

    /// One implementation's timed trainings.
    private struct Trainings {
        private var seconds: [Double] = []
        private var result = (w: Float.nan, b: Float.nan)
        private var allocations: Double?

        init(rounds: Int) {
            seconds.reserveCapacity(rounds)  // so that no append is counted as the workload's allocation
        }

        /// Times one whole training; `train` reports the allocation counter after epoch 1.
        mutating func time(_ train: (inout Int) -> (w: Float, b: Float)) {
            var afterFirstEpoch = 0
            var trained = (w: Float.nan, b: Float.nan)
            seconds.append(Timing.seconds { trained = train(&afterFirstEpoch) })
            result = trained
            allocations = AllocationCounter.perRepetition(
                from: afterFirstEpoch, to: AllocationCounter.count, repetitions: epochs - 1)
        }

        /// The median time per epoch, the last training's parameters and its allocations.
        var run: Run {
            Run(microsecondsPerEpoch: Timing.median(seconds) / Double(epochs) * 1e6,
                w: result.w, b: result.b, allocationsPerEpoch: allocations)
        }
    }

    /// The generated model's training loop: `lossWithGradient` into one reused gradient, then a
    /// plain descent step.
    private static func trainGenerated(x: Tensor, y: Tensor, allocationsAfterFirstEpoch: inout Int) -> (w: Float, b: Float) {
        var model = LinearRegression(seed: 0)
        var gradient = LinearRegression.Gradient.zero
        for epoch in 0..<epochs {
            if epoch == 1 { allocationsAfterFirstEpoch = AllocationCounter.count }
            _ = model.lossWithGradient(x: x, y: y, into: &gradient)
            model.w -= learningRate * gradient.w
            model.b -= learningRate * gradient.b
        }
        return (model.w, model.b)
    }

    /// The published final `w` and `b`, to about 1e-5; `prefix` is `b1` or `b1_hand`.
    static func checks(_ run: Run, prefix: String, label: String) -> [Check] {
        [Check(name: "B1 \(label) w", key: "\(prefix)_w", value: Double(run.w), expected: expected.w, tolerance: 1e-5),
         Check(name: "B1 \(label) b", key: "\(prefix)_b", value: Double(run.b), expected: expected.b, tolerance: 1e-5)]
    }
}
