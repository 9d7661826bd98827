import Foundation

extension Results {
    /// The human-readable report: header, one row per measurement, then the checks.
    var table: String {
        let build = machine.isReleaseBuild ? "release build" : "DEBUG BUILD (numbers mean nothing: use -c release)"
        var lines = [
            "Tapeless benchmarks (BENCHMARKS.md)  \(machine.dateString)  \(build)\(isQuick ? "  --quick: smoke run, not a measurement" : "")",
            "\(machine.cpu), \(machine.cores) cores, matrix kernels: \(machine.instructionSet), "
                + "allocation counter: \(allocationCounterWorks ? "working" : "NOT working (allocations shown as n/a)")",
            "",
            row("workload", "generated", "hand-written", "gen/hand", "allocations/step (gen, hand)"),
        ]
        let (b1, b1Hand) = linearRegression
        lines.append(row(
            "B1 linreg µs/epoch", number(b1.microsecondsPerEpoch), number(b1Hand.microsecondsPerEpoch),
            ratio(b1.microsecondsPerEpoch, b1Hand.microsecondsPerEpoch),
            allocations(b1.allocationsPerEpoch, b1Hand.allocationsPerEpoch)))
        for result in mlp {
            func cell(_ milliseconds: Double) -> String {
                "\(number(milliseconds)) (\(number(result.gigaflopsPerSecond(milliseconds: milliseconds))) GFLOP/s)"
            }
            let (generated, handWritten, fit) = (result.generated, result.handWritten, result.viaFit)
            lines.append(row(
                "B2 mlp B=\(result.batch) ms/step", cell(generated.millisecondsPerStep), cell(handWritten.millisecondsPerStep),
                ratio(generated.millisecondsPerStep, handWritten.millisecondsPerStep),
                allocations(generated.allocationsPerStep, handWritten.allocationsPerStep)))
            lines.append(row(
                "B2 by fit B=\(result.batch) ms/step", cell(fit.millisecondsPerStep), "", "", allocations(fit.allocationsPerStep)))
        }
        for result in cnn {
            lines.append(row(
                "B4 cnn B=\(result.batch) ms/step",
                "\(number(result.millisecondsPerStep)) (\(number(result.gigaflopsPerSecond)) GFLOP/s)", "", "",
                allocations(result.allocationsPerStep)))
        }
        lines.append(row(
            "B5 lstm B=64 ms/step", "\(number(lstm.millisecondsPerStep)) (\(number(lstm.gigaflopsPerSecond)) GFLOP/s)", "", "",
            allocations(lstm.allocationsPerStep)))
        lines.append(row(
            "B6 thermostat forward µs", number(thermostat.forward), "", "", allocations(thermostat.allocationsPerCall, nil)))
        lines.append(row(
            "B6 gradient µs", number(thermostat.gradient), number(thermostat.handGradient),
            ratio(thermostat.gradient, thermostat.handGradient), ""))
        lines.append(row(
            "B6 gradient ÷ forward", ratio(thermostat.gradient, thermostat.forward), "", "", ""))
        lines.append(row(
            "B6 Swift _Differentiation µs", number(thermostat.swiftDifferentiationGradient), "",
            ratio(thermostat.swiftDifferentiationGradient, thermostat.gradient) + " of gen", ""))
        lines.append(row(
            "B3 df ns/call", number(scalar.gradient), number(scalar.handWritten),
            ratio(scalar.gradient, scalar.handWritten), allocations(scalar.allocationsPerCall, nil)))
        // The second derivative is compared with the hand-written first one, as BENCHMARKS.md asks.
        lines.append(row(
            "B3 d2f ns/call", number(scalar.secondGradient), "", ratio(scalar.secondGradient, scalar.handWritten), ""))
        lines.append(row("B3 loop + opaque call alone", number(scalar.callFloor), "", "", ""))
        lines += kernelTable
        lines += ["", "checks (published values in BENCHMARKS.md):"]
        for check in checks {
            lines.append("  \(check.passes ? "ok  " : "FAIL") \(check.name): \(number(check.value, digits: 8)) "
                + "(expected \(number(check.expected, digits: 8)) ± \(number(check.tolerance, digits: 2)))")
        }
        return lines.joined(separator: "\n")
    }

    private func row(_ cells: String...) -> String {
        zip(cells, [30, 26, 26, 10, 0]).map { cell, width in
            cell.padding(toLength: max(width, cell.count + 1), withPad: " ", startingAt: 0)
        }.joined().trimmingCharacters(in: .whitespaces)
    }

    private func number(_ value: Double, digits: Int = 4) -> String {
        String(format: "%.\(digits)g", value)
    }

    /// Generated time over hand-written time: below 1 means the generated code is faster.
    private func ratio(_ generated: Double, _ handWritten: Double) -> String {
        String(format: "%.2f×", generated / handWritten)
    }

    private func allocations(_ counts: Double?...) -> String {
        counts.map { $0.map { number($0) } ?? "n/a" }.joined(separator: ", ")
    }
}
