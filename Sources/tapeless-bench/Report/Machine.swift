import Foundation
import Tapeless

/// Where and how the benchmarks ran, for the report's header.
struct Machine {
    var date = Date()
    var cpu = Machine.cpuModel() ?? "unknown CPU"
    var cores = ProcessInfo.processInfo.activeProcessorCount
    var instructionSet = Kernels.instructionSet
    /// Each path's GFLOP/s on the product that chose ``instructionSet`` (empty when the
    /// `TAPELESS_KERNELS` environment variable named the path).
    var calibration = Kernels.calibration
    var isReleaseBuild: Bool = {
        #if DEBUG
            false
        #else
            true
        #endif
    }()

    var dateString: String { ISO8601DateFormatter().string(from: date) }

    /// The first `model name` of /proc/cpuinfo (Linux only).
    private static func cpuModel() -> String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
