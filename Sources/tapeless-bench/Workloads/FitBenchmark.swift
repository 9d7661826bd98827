import Dispatch
import Tapeless

/// B2 trained by `fit` (Keras style) instead of a custom loop: what the training loop's
/// batching, runtime loss and bookkeeping add to the generated step.
///
/// A probe metric, which `fit` calls once per step, reads the clock and the allocation counter;
/// the interval between two readings is one whole step (gathering the batch, forward,
/// backward, loss, Adam update).
enum FitBenchmark {
    struct Run {
        var millisecondsPerStep: Double
        var allocationsPerStep: Double?
    }

    /// Steps whose intervals are not measured: the first gathers allocate the kept batches.
    static let warmUpSteps = 2

    /// One epoch of `steps` batches of `batch` examples of B2's data distribution.
    static func run(batch: Int, steps: Int) -> Run {
        precondition(steps > warmUpSteps + 1, "fit's benchmark needs more steps than its warm-up.")
        let (x, labels) = BenchmarkData.mlpBatch(size: batch * steps)
        var model = BenchmarkData.mlpInitialModel()
        var optimizer = Adam(learningRate: 1e-3)
        let probe = StepProbe(capacity: steps)
        do {
            try model.fit(
                x: x, y: labels, loss: CrossEntropy(), optimizer: &optimizer, epochs: 1, batchSize: batch,
                metrics: [probe], verbosity: .silent)
        } catch {
            preconditionFailure("fit failed on the benchmark's data: \(error)")
        }
        let times = probe.log.nanoseconds.dropFirst(warmUpSteps)
        let intervals = zip(times, times.dropFirst()).map { Double($1 - $0) * 1e-9 }
        let allocations = probe.log.allocations.dropFirst(warmUpSteps)
        return Run(
            millisecondsPerStep: Timing.median(intervals) * 1e3,
            allocationsPerStep: AllocationCounter.perRepetition(
                from: allocations.first!, to: allocations.last!, repetitions: intervals.count))
    }
}

/// A metric that records the time and the allocation count whenever it is computed, and
/// reports zero.
private struct StepProbe: Metric {
    /// The readings, with room reserved for every step so that recording allocates nothing.
    final class Log: @unchecked Sendable {
        var nanoseconds: [UInt64] = []
        var allocations: [Int] = []
    }

    let log = Log()
    var name: String { "probe" }

    init(capacity: Int) {
        log.nanoseconds.reserveCapacity(capacity)
        log.allocations.reserveCapacity(capacity)
    }

    func callAsFunction(_ predicted: Tensor, _ target: IntTensor) -> Float {
        log.allocations.append(AllocationCounter.count)
        log.nanoseconds.append(DispatchTime.now().uptimeNanoseconds)
        return 0
    }
}
