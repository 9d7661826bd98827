import Foundation

// tapeless-bench: the workloads of BENCHMARKS.md (B1 linear regression, B2 MLP, B3 scalar
// derivatives), each trained by the code the compiler generates from Models/*.tapeless and by
// a hand-written Swift reference. Run with `swift run -c release tapeless-bench`.

let usage = """
    Usage: tapeless-bench [--json] [--quick] [--help]

    Runs the benchmark workloads of BENCHMARKS.md with the code Tapeless generates and with
    hand-written Swift, then prints a table (or one JSON object) of times, heap allocations per
    step and the published check values. Exits with status 1 when a check fails.

      --json    print one JSON object instead of the table
      --quick   a smoke run of a few seconds (few steps and calls): checks, not measurements
      --help    print this help
    """

var arguments = Set(CommandLine.arguments.dropFirst())
if arguments.remove("--help") != nil || arguments.remove("-h") != nil {
    print(usage)
    exit(0)
}
let printsJSON = arguments.remove("--json") != nil
let isQuick = arguments.remove("--quick") != nil
guard arguments.isEmpty else {
    FileHandle.standardError.write(Data("tapeless-bench: unknown argument \(arguments.sorted().joined(separator: " ")); see --help.\n".utf8))
    exit(2)
}

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
let results = Results(
    machine: Machine(),  // after the runs: the kernels may choose their instruction set on first use
    isQuick: isQuick, allocationCounterWorks: allocationCounterWorks,
    linearRegression: linearRegression, mlp: mlp, scalar: scalar)
print(printsJSON ? results.json : results.table)
exit(results.checks.allSatisfy(\.passes) ? 0 : 1)
