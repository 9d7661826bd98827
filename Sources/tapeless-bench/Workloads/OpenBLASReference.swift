import Foundation

/// NumPy's BLAS on the same products as ``KernelBenchmark``, run by `Peers/bench_openblas.py`
/// under a Python the user names (`--openblas PYTHON`), for the kernel table's last column.
enum OpenBLASReference {
    /// What the script measured: its BLAS (name, version, core type) and its rates per shape key.
    struct Result {
        var blas: String
        var rates: [String: KernelBenchmark.Rate]
    }

    /// The script beside this file's folder, found from where this source was compiled (the
    /// benchmark runs from a checkout).
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Peers/bench_openblas.py")

    /// Runs the script with `python`, with OpenBLAS's core-type overrides removed from its
    /// environment (they slow a current OpenBLAS down), and reads its JSON.
    static func run(python: String, quick: Bool) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path] + (quick ? ["--quick"] : [])
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let kernels = object["kernels"] as? [String: [String: Double]]
        else {
            throw Failure(description: "\(python) \(script.path) failed (exit status \(process.terminationStatus)); "
                + "it needs numpy and threadpoolctl: pip install numpy threadpoolctl")
        }
        var rates: [String: KernelBenchmark.Rate] = [:]
        for (key, rate) in kernels {
            guard let single = rate["single_thread"], let all = rate["all_threads"] else { continue }
            rates[key] = KernelBenchmark.Rate(singleThread: single, allThreads: all)
        }
        return Result(blas: object["blas"] as? String ?? "unknown BLAS", rates: rates)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}
