import Foundation
import Tapeless

extension Results {
    /// The kernel section of the table: one row per product of ``KernelBenchmark/shapes``, one
    /// column per path (the chosen one starred), then OpenBLAS's when it was measured.
    var kernelTable: [String] {
        let paths = Kernels.availableInstructionSets.filter { kernels[$0] != nil }
        let calibration = machine.calibration.isEmpty
            ? "named by TAPELESS_KERNELS"
            : "calibrated at first use: " + paths.compactMap { path in
                machine.calibration[path].map { "\(path) \(String(format: "%.0f", $0))" }
            }.joined(separator: ", ") + " GFLOP/s"
        var lines = [
            "",
            "matrix products of a B2 step, GFLOP/s on 1 / \(kernelThreads) threads "
                + "(* the path this process chose, \(calibration)):",
        ]
        var header = ["product (m×k · k×n)"] + paths.map { $0 == machine.instructionSet ? "\($0) *" : $0 }
        if let openBLAS { header.append("NumPy: \(openBLAS.blas)") }
        lines.append(kernelRow(header))
        for shape in KernelBenchmark.shapes {
            let size = "\(shape.m)×\(shape.k)\(shape.transposeA ? "ᵀ" : "") · \(shape.k)×\(shape.n)\(shape.transposeB ? "ᵀ" : "")"
            var cells = ["\(shape.label) \(size)"] + paths.map { kernelCell(kernels[$0]?[shape.key]) }
            if let openBLAS { cells.append(kernelCell(openBLAS.rates[shape.key])) }
            lines.append(kernelRow(cells))
        }
        return lines
    }

    private func kernelCell(_ rate: KernelBenchmark.Rate?) -> String {
        guard let rate else { return "n/a" }
        return String(format: "%.0f / %.0f", rate.singleThread, rate.allThreads)
    }

    private func kernelRow(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            cell.padding(toLength: max(index == 0 ? 44 : 14, cell.count + 1), withPad: " ", startingAt: 0)
        }.joined().trimmingCharacters(in: .whitespaces)
    }
}
