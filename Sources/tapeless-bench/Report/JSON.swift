import Foundation

extension Results {
    /// The machine-readable report: one JSON object whose timing keys match the peer scripts'
    /// (`Peers/bench_*.py`), so their outputs can be compared directly.
    var json: String {
        let (b1, b1Hand) = linearRegression
        var object: [String: Any] = [
            "system": "tapeless",
            "date": machine.dateString,
            "machine": [
                "cpu": machine.cpu, "cores": machine.cores, "instruction_set": machine.instructionSet,
                "release_build": machine.isReleaseBuild,
            ] as [String: Any],
            "quick": isQuick,
            "allocation_counter_works": allocationCounterWorks,
            "b1_us_per_epoch": b1.microsecondsPerEpoch, "b1_hand_us_per_epoch": b1Hand.microsecondsPerEpoch,
            "b1_w": Double(b1.w), "b1_b": Double(b1.b), "b1_hand_w": Double(b1Hand.w), "b1_hand_b": Double(b1Hand.b),
            "b3_grad_ns": scalar.gradient, "b3_grad2_ns": scalar.secondGradient, "b3_hand_ns": scalar.handWritten,
            "b3_call_floor_ns": scalar.callFloor,
            "b3_grad_at_2": Double(scalar.values.gradient), "b3_grad2_at_2": Double(scalar.values.secondGradient),
        ]
        var allocationsPerStep: [String: Any] = [
            "b1": nullable(b1.allocationsPerEpoch), "b1_hand": nullable(b1Hand.allocationsPerEpoch),
            "b3": nullable(scalar.allocationsPerCall),
        ]
        for result in mlp {
            for (suffix, run) in [("", result.generated), ("_hand", result.handWritten)] {
                let key = "b2_b\(result.batch)\(suffix)"
                object["\(key)_ms"] = run.millisecondsPerStep
                object["\(key)_gflops"] = result.gigaflopsPerSecond(milliseconds: run.millisecondsPerStep)
                object["\(key)_first_loss"] = Double(run.firstLoss)
                object["\(key)_last_loss"] = Double(run.lastLoss)
                allocationsPerStep[key] = nullable(run.allocationsPerStep)
            }
            object["b2_b\(result.batch)_steps"] = result.steps
            object["b2_b\(result.batch)_fit_ms"] = result.viaFit.millisecondsPerStep
            allocationsPerStep["b2_b\(result.batch)_fit"] = nullable(result.viaFit.allocationsPerStep)
        }
        for result in cnn {
            let key = "b4_b\(result.batch)"
            object["\(key)_ms"] = result.millisecondsPerStep
            object["\(key)_gflops"] = result.gigaflopsPerSecond
            object["\(key)_first_loss"] = Double(result.firstLoss)
            allocationsPerStep[key] = nullable(result.allocationsPerStep)
        }
        object["b5_ms"] = lstm.millisecondsPerStep
        object["b5_gflops"] = lstm.gigaflopsPerSecond
        object["b5_first_loss"] = Double(lstm.firstLoss)
        allocationsPerStep["b5"] = nullable(lstm.allocationsPerStep)
        object["b6_forward_us"] = thermostat.forward
        object["b6_gradient_us"] = thermostat.gradient
        object["b6_hand_gradient_us"] = thermostat.handGradient
        object["b6_swift_differentiation_gradient_us"] = thermostat.swiftDifferentiationGradient
        allocationsPerStep["b6"] = nullable(thermostat.allocationsPerCall)
        object["allocations_per_step"] = allocationsPerStep
        object["kernels"] = kernelsJSON
        object["checks"] = Dictionary(uniqueKeysWithValues: checks.map { check in
            (check.key, ["value": check.value, "expected": check.expected, "tolerance": check.tolerance, "passes": check.passes])
        })
        object["all_checks_pass"] = checks.allSatisfy(\.passes)
        // Cannot throw: every value is a string, number, Bool, null, array or dictionary, and
        // `representable` turns NaN and infinity (which JSON lacks) into null.
        let data = try! JSONSerialization.data(withJSONObject: representable(object), options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private func nullable(_ value: Double?) -> Any { value ?? NSNull() }

    /// Every path's rates per product key (the keys of `Peers/bench_openblas.py`), the chosen
    /// path and its calibration, and OpenBLAS's rates when measured.
    private var kernelsJSON: [String: Any] {
        func rates(_ byKey: [String: KernelBenchmark.Rate]) -> [String: Any] {
            byKey.mapValues { ["single_thread": $0.singleThread, "all_threads": $0.allThreads] }
        }
        var object: [String: Any] = [
            "chosen": machine.instructionSet, "calibration_gflops": machine.calibration,
            "threads": kernelThreads, "paths": kernels.mapValues(rates),
        ]
        if let openBLAS { object["openblas"] = ["blas": openBLAS.blas, "rates": rates(openBLAS.rates)] as [String: Any] }
        return object
    }

    /// `value` with every non-finite number, however deeply nested, replaced by null.
    private func representable(_ value: Any) -> Any {
        switch value {
        case let number as Double: number.isFinite ? number : NSNull()
        case let object as [String: Any]: object.mapValues(representable)
        default: value
        }
    }
}
