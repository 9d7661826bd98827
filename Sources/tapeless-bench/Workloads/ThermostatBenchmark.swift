import CBenchmarkSupport
import Tapeless

/// B6: the thermostat simulation's forward pass and gradient as Tapeless generates them
/// (`Models/Thermostat.tapeless`), against the adjoint written by hand and against Swift's
/// own differentiation of the same program.
///
/// Every call reads its parameter `c` through an opaque C call and hands its result to one,
/// so no call can be folded away. Rounds interleave the variants, as in B3.
enum ThermostatBenchmark {
    /// Microseconds per call, each the median of several rounds.
    struct Result {
        var forward: Double
        var gradient: Double
        var handGradient: Double
        var swiftDifferentiationGradient: Double
        /// The result and the gradient (c, u, p, k, s, t0) of each variant.
        var value: Float
        var gradientValues: [Float]
        var handGradientValues: [Float]
        var swiftDifferentiationValues: [Float]
        /// Allocations per call of the generated forward pass or gradient, whichever is more.
        var allocationsPerCall: Double?
    }

    static let room = HandWrittenThermostat.Room(c: 2, u: 0.1, p: 3, k: 0.5, s: 21, t0: 15)

    static func run(calls: Int, rounds: Int) -> Result {
        let (outsideValues, targetValues) = BenchmarkData.thermostatInputs()
        let outside = Tensor(shape: [1000], scalars: outsideValues)
        let target = Tensor(shape: [1000], scalars: targetValues)
        let temperatures = UnsafeMutableBufferPointer<Float>.allocate(capacity: outsideValues.count)
        defer { temperatures.deallocate() }
        let r = room
        let differentiable = DifferentiableThermostat.Room(c: r.c, u: r.u, p: r.p, k: r.k, s: r.s, t0: r.t0)
        // Swift's differentiation takes milliseconds a call: fewer calls keep the run short.
        let slowCalls = max(1, calls / 100)

        var forward = TimedRuns(capacity: rounds), gradient = TimedRuns(capacity: rounds)
        var hand = TimedRuns(capacity: rounds), swift = TimedRuns(capacity: rounds)
        outsideValues.withUnsafeBufferPointer { outsideBuffer in
            targetValues.withUnsafeBufferPointer { targetBuffer in
                for _ in 0..<rounds {
                    forward.time {
                        for _ in 0..<calls {
                            let c = bench_opaque_float(r.c)
                            _ = bench_opaque_float(thermostat(c: c, u: r.u, p: r.p, k: r.k, s: r.s, t0: r.t0, outside: outside, target: target))
                        }
                    }
                    gradient.time {
                        for _ in 0..<calls {
                            let c = bench_opaque_float(r.c)
                            let g = thermostatGradient(c: c, u: r.u, p: r.p, k: r.k, s: r.s, t0: r.t0, outside: outside, target: target)
                            _ = bench_opaque_float(g.c + g.t0)
                        }
                    }
                    hand.time {
                        for _ in 0..<calls {
                            var room = r
                            room.c = bench_opaque_float(r.c)
                            let g = HandWrittenThermostat.gradient(room, outside: outsideBuffer, target: targetBuffer, temperatures: temperatures)
                            _ = bench_opaque_float(g.c + g.t0)
                        }
                    }
                    swift.time {
                        for _ in 0..<slowCalls {
                            var room = differentiable
                            room.c = bench_opaque_float(r.c)
                            let g = DifferentiableThermostat.gradient(room, outside: outsideValues, target: targetValues)
                            _ = bench_opaque_float(g.c + g.t0)
                        }
                    }
                }
            }
        }
        func microsecondsPerCall(_ runs: TimedRuns, _ calls: Int) -> Double { runs.medianSeconds / Double(calls) * 1e6 }
        let g = thermostatGradient(c: r.c, u: r.u, p: r.p, k: r.k, s: r.s, t0: r.t0, outside: outside, target: target)
        let handValues = outsideValues.withUnsafeBufferPointer { outsideBuffer in
            targetValues.withUnsafeBufferPointer { targetBuffer in
                HandWrittenThermostat.gradient(r, outside: outsideBuffer, target: targetBuffer, temperatures: temperatures)
            }
        }
        let swiftValues = DifferentiableThermostat.gradient(differentiable, outside: outsideValues, target: targetValues)
        return Result(
            forward: microsecondsPerCall(forward, calls), gradient: microsecondsPerCall(gradient, calls),
            handGradient: microsecondsPerCall(hand, calls), swiftDifferentiationGradient: microsecondsPerCall(swift, slowCalls),
            value: thermostat(c: r.c, u: r.u, p: r.p, k: r.k, s: r.s, t0: r.t0, outside: outside, target: target),
            gradientValues: [g.c, g.u, g.p, g.k, g.s, g.t0],
            handGradientValues: [handValues.c, handValues.u, handValues.p, handValues.k, handValues.s, handValues.t0],
            swiftDifferentiationValues: [swiftValues.c, swiftValues.u, swiftValues.p, swiftValues.k, swiftValues.s, swiftValues.t0],
            allocationsPerCall: forward.allocationsPerRepetition(repetitionsPerRun: calls).map {
                max($0, gradient.allocationsPerRepetition(repetitionsPerRun: calls) ?? 0)
            })
    }

    /// BENCHMARKS.md's float32 check values: the result, bit-identical in PyTorch, JAX and
    /// NumPy, and the gradient (c, u, p, k, s, t0), which JAX gives 2 ulp away in ∂/∂p.
    static func checks(_ result: Result) -> [Check] {
        let expected: [Float] = [0.06506423, -0.606305, -0.023165986, 0.15051284, 0.12794569, -0.04165017]
        let names = ["c", "u", "p", "k", "s", "t0"]
        var checks = [Check(name: "B6 result", key: "b6_result", value: Double(result.value), expected: Double(Float(1.4086391)), tolerance: 3e-7)]
        for (label, key, values) in [
            ("generated", "b6_grad", result.gradientValues), ("hand-written", "b6_hand_grad", result.handGradientValues),
            ("Swift _Differentiation", "b6_swift_differentiation_grad", result.swiftDifferentiationValues),
        ] {
            for (index, name) in names.enumerated() {
                checks.append(Check(
                    name: "B6 \(label) ∂/∂\(name)", key: "\(key)_\(name)", value: Double(values[index]),
                    expected: Double(expected[index]), tolerance: 2e-6))
            }
        }
        return checks
    }
}
