import CBenchmarkSupport

/// B3: the generated first and second derivatives of `f(x) = x·x + 3x`, against `2x + 3`
/// written by hand.
///
/// Each call gets an input the optimizer cannot know and hands its result to code it cannot see
/// (both through an opaque C call), so no call can be folded or dropped; the derivatives
/// themselves may be inlined, as they are in a user's program. (Adding the results up instead
/// put a loop-carried sum in memory across the C calls, whose cost depended on register
/// allocation more than on the derivative.) The "call floor" times the same loop around the
/// identity: the cost of the loop and the two opaque calls alone.
enum ScalarBenchmark {
    /// Nanoseconds per call, each the median of several rounds.
    struct Result {
        var gradient: Double
        var secondGradient: Double
        var handWritten: Double
        var callFloor: Double
        /// `df(2)`, `d2f(2)` and the hand-written derivative at 2.
        var values: (gradient: Float, secondGradient: Float, handWritten: Float)
        /// Allocations per call of the generated first or second derivative, whichever is more.
        var allocationsPerCall: Double?
    }

    static func run(calls: Int, rounds: Int) -> Result {
        let gradient = measure(calls: calls, rounds: rounds) { df(x: $0) }
        let secondGradient = measure(calls: calls, rounds: rounds) { d2f(x: $0) }
        let two = bench_opaque_float(2)
        return Result(
            gradient: gradient.nanoseconds, secondGradient: secondGradient.nanoseconds,
            handWritten: measure(calls: calls, rounds: rounds) { handWrittenDerivative($0) }.nanoseconds,
            callFloor: measure(calls: calls, rounds: rounds) { $0 }.nanoseconds,
            values: (df(x: two), d2f(x: two), handWrittenDerivative(two)),
            allocationsPerCall: gradient.allocationsPerCall.map { max($0, secondGradient.allocationsPerCall ?? 0) })
    }

    /// `d/dx (x·x + 3x)`, written by hand.
    private static func handWrittenDerivative(_ x: Float) -> Float { 2 * x + 3 }

    /// The median nanoseconds per call over `rounds` rounds of `calls` calls, and the
    /// allocations per call.
    private static func measure(
        calls: Int, rounds: Int, _ function: (Float) -> Float
    ) -> (nanoseconds: Double, allocationsPerCall: Double?) {
        var times: [Double] = []
        times.reserveCapacity(rounds)  // so that no append is counted as the workload's allocation
        let start = AllocationCounter.count
        for _ in 0..<rounds {
            times.append(Timing.seconds {
                for i in 0..<calls {
                    _ = bench_opaque_float(function(bench_opaque_float(2 + Float(i & 1023) * 1e-3)))
                }
            })
        }
        let allocations = AllocationCounter.perRepetition(from: start, to: AllocationCounter.count, repetitions: calls * rounds)
        return (Timing.median(times) / Double(calls) * 1e9, allocations)
    }

    /// The derivatives at 2: 7 and 2, exactly.
    static func checks(_ result: Result) -> [Check] {
        [Check(name: "B3 df(2)", key: "b3_grad_at_2", value: Double(result.values.gradient), expected: 7, tolerance: 0),
         Check(name: "B3 d2f(2)", key: "b3_grad2_at_2", value: Double(result.values.secondGradient), expected: 2, tolerance: 0),
         Check(name: "B3 hand-written derivative at 2", key: "b3_hand_at_2", value: Double(result.values.handWritten), expected: 7, tolerance: 0)]
    }
}
