import Foundation

// tapeless-bench: the workloads of BENCHMARKS.md (B1 linear regression, B2 MLP, B3 scalar
// derivatives, B4 CNN, B5 LSTM, B6 thermostat), each trained by the code the compiler generates from Models/*.tapeless
// and, for B1–B3, by a hand-written Swift reference. Run with `swift run -c release tapeless-bench`.

let usage = """
    Usage: tapeless-bench [--json] [--quick] [--openblas PYTHON] [--help]

    Runs the benchmark workloads of BENCHMARKS.md with the code Tapeless generates and with
    hand-written Swift, then prints a table (or one JSON object) of times, heap allocations per
    step and the published check values, and the speed of every matrix-kernel path this
    machine has on the products of a B2 step. Exits with status 1 when a check fails.

      --json              print one JSON object instead of the table
      --quick             a smoke run of a few seconds (few steps and calls): checks, not measurements
      --openblas PYTHON   also time the same products with NumPy's OpenBLAS, by running
                          Peers/bench_openblas.py with PYTHON (which needs numpy and threadpoolctl)
      --help              print this help
    """

/// Exits with status 2 and a pointer to the help.
func usageError(_ message: String) -> Never {
    FileHandle.standardError.write(Data("tapeless-bench: \(message); see --help.\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(0)
}
/// Removes `flag` from the arguments, saying whether it was there.
@MainActor func takeFlag(_ flag: String) -> Bool {
    guard let index = arguments.firstIndex(of: flag) else { return false }
    arguments.remove(at: index)
    return true
}
let printsJSON = takeFlag("--json")
let isQuick = takeFlag("--quick")
var openBLASPython: String?
if let index = arguments.firstIndex(of: "--openblas") {
    guard index + 1 < arguments.count else { usageError("--openblas needs the path of a Python with numpy") }
    openBLASPython = arguments[index + 1]
    arguments.removeSubrange(index...index + 1)
}
guard arguments.isEmpty else { usageError("unknown argument \(arguments.joined(separator: " "))") }

/// Announces a workload on standard error, so the table's progress shows and JSON stays clean.
func announce(_ workload: String) {
    if !printsJSON { FileHandle.standardError.write(Data("running \(workload)…\n".utf8)) }
}

// Probe the counter before any workload, so its own allocations fall outside every measurement.
let allocationCounterWorks = AllocationCounter.isWorking
announce("B3 scalar derivatives")
let scalar = ScalarBenchmark.run(calls: isQuick ? 100_000 : 2_000_000, rounds: isQuick ? 1 : 25)
announce("B1 linear regression")
let linearRegression = LinearRegressionBenchmark.run(rounds: isQuick ? 1 : 25)
let mlp = [1000, 32].map { batch in
    announce("B2 mlp, batch \(batch)")
    // fit's data: as many batches as fit in about 40 MB.
    let fitSteps = isQuick ? 4 : min(100, 12_000 / batch)
    return MLPBenchmark.run(batch: batch, warmUp: isQuick ? 1 : 5, timed: isQuick ? 2 : 100, fitSteps: fitSteps)
}
let cnn = [64, 256].map { batch in
    announce("B4 cnn, batch \(batch)")
    return CNNBenchmark.run(batch: batch, warmUp: 5, timed: isQuick ? 2 : 100)
}
announce("B5 lstm, batch 64")
let lstm = LSTMBenchmark.run(warmUp: 5, timed: isQuick ? 2 : 100)
announce("B6 thermostat")
let thermostatResult = ThermostatBenchmark.run(calls: isQuick ? 20 : 2_000, rounds: isQuick ? 1 : 15)
announce("matrix products on every kernel path")
let kernels = KernelBenchmark.run(repetitions: isQuick ? 2 : 30)
var openBLAS: OpenBLASReference.Result?
if let openBLASPython {
    announce("matrix products with NumPy's OpenBLAS")
    do {
        openBLAS = try OpenBLASReference.run(python: openBLASPython, quick: isQuick)
    } catch {
        FileHandle.standardError.write(Data("tapeless-bench: \(error)\n".utf8))
        exit(1)
    }
}
let results = Results(
    machine: Machine(),  // after the runs: the kernels may choose their instruction set on first use
    isQuick: isQuick, allocationCounterWorks: allocationCounterWorks,
    linearRegression: linearRegression, mlp: mlp, cnn: cnn, lstm: lstm, scalar: scalar, thermostat: thermostatResult,
    kernels: kernels.rates, kernelThreads: kernels.threads, openBLAS: openBLAS)
print(printsJSON ? results.json : results.table)
exit(results.checks.allSatisfy(\.passes) ? 0 : 1)
