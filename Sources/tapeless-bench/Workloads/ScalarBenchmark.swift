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
        var gradient = TimedRuns(capacity: rounds), secondGradient = TimedRuns(capacity: rounds)
        var handWritten = TimedRuns(capacity: rounds), callFloor = TimedRuns(capacity: rounds)
        // Rounds interleave the four loops, so that the host's slow moments, which last
        // seconds, fall on all of them alike instead of on whichever ran then.
        for _ in 0..<rounds {
            gradient.time { callLoop(calls: calls) { df(x: $0) } }
            secondGradient.time { callLoop(calls: calls) { d2f(x: $0) } }
            handWritten.time { callLoop(calls: calls) { handWrittenDerivative($0) } }
            callFloor.time { callLoop(calls: calls) { $0 } }
        }
        func nanosecondsPerCall(_ runs: TimedRuns) -> Double { runs.medianSeconds / Double(calls) * 1e9 }
        let two = bench_opaque_float(2)
        return Result(
            gradient: nanosecondsPerCall(gradient), secondGradient: nanosecondsPerCall(secondGradient),
            handWritten: nanosecondsPerCall(handWritten), callFloor: nanosecondsPerCall(callFloor),
            values: (df(x: two), d2f(x: two), handWrittenDerivative(two)),
            allocationsPerCall: gradient.allocationsPerRepetition(repetitionsPerRun: calls).map {
                max($0, secondGradient.allocationsPerRepetition(repetitionsPerRun: calls) ?? 0)
            })
    }

    /// `d/dx (x·x + 3x)`, written by hand.
    private static func handWrittenDerivative(_ x: Float) -> Float { 2 * x + 3 }

    /// `calls` calls of `function`, each on an input the optimizer cannot know.
    private static func callLoop(calls: Int, _ function: (Float) -> Float) {
        for i in 0..<calls {
            _ = bench_opaque_float(function(bench_opaque_float(2 + Float(i & 1023) * 1e-3)))
        }
    }

    /// The derivatives at 2: 7 and 2, exactly.
    static func checks(_ result: Result) -> [Check] {
        [Check(name: "B3 df(2)", key: "b3_grad_at_2", value: Double(result.values.gradient), expected: 7, tolerance: 0),
         Check(name: "B3 d2f(2)", key: "b3_grad2_at_2", value: Double(result.values.secondGradient), expected: 2, tolerance: 0),
         Check(name: "B3 hand-written derivative at 2", key: "b3_hand_at_2", value: Double(result.values.handWritten), expected: 7, tolerance: 0)]
    }
}
