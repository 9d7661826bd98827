/// Everything one run of tapeless-bench measured.
struct Results {
    var machine: Machine
    var isQuick: Bool
    var allocationCounterWorks: Bool
    var linearRegression: (generated: LinearRegressionBenchmark.Run, handWritten: LinearRegressionBenchmark.Run)
    /// B2 at batch 1000, then at batch 32.
    var mlp: [MLPBenchmark.Result]
    /// B4 at batch 64, then at batch 256.
    var cnn: [CNNBenchmark.Result]
    var lstm: LSTMBenchmark.Result
    var scalar: ScalarBenchmark.Result
    var thermostat: ThermostatBenchmark.Result
    /// Each kernel path's rates on B2's products (`[path: [shape key: rate]]`), and the thread
    /// count of their multi-threaded column.
    var kernels: [String: [String: KernelBenchmark.Rate]]
    var kernelThreads: Int
    /// NumPy's OpenBLAS on the same products, when `--openblas` asked for it.
    var openBLAS: OpenBLASReference.Result?

    /// Every comparison with a published check value, in report order.
    var checks: [Check] {
        var checks = [Check(
            name: "splitmix64 bits differing from the check value", key: "splitmix64_differing_bits",
            value: Double(BenchmarkData.splitmixDifferingBits), expected: 0, tolerance: 0)]
        checks += LinearRegressionBenchmark.checks(linearRegression.generated, prefix: "b1", label: "generated")
        checks += LinearRegressionBenchmark.checks(linearRegression.handWritten, prefix: "b1_hand", label: "hand-written")
        for result in mlp {
            checks += MLPBenchmark.checks(result, result.generated, prefix: "b2_b\(result.batch)", label: "generated")
            checks += MLPBenchmark.checks(result, result.handWritten, prefix: "b2_b\(result.batch)_hand", label: "hand-written")
        }
        checks += cnn.flatMap(CNNBenchmark.checks)
        checks += LSTMBenchmark.checks(lstm)
        checks += ThermostatBenchmark.checks(thermostat)
        return checks + ScalarBenchmark.checks(scalar)
    }
}
