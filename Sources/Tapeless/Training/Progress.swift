import Dispatch
import Foundation

/// How much `fit` prints while it trains.
public enum Verbosity: Sendable {
    /// Nothing.
    case silent
    /// On a terminal, one line per epoch that a progress bar rewrites as batches finish;
    /// elsewhere (a pipe, a file, a CI log) the same as ``oneLinePerEpoch``.
    case progressBar
    /// One plain line at the end of every epoch.
    case oneLinePerEpoch
}

/// Where progress output goes, whether it is a terminal, and the clock it reports times by.
///
/// The default, ``standardOutput``, writes to standard output and asks `isatty` whether it is
/// a terminal. Tests and applications inject their own sink and clock:
/// ```swift
/// var lines = ""
/// let output = ProgressOutput(isTerminal: false, write: { lines += $0 })
/// ```
public struct ProgressOutput {
    /// Whether the sink is an interactive terminal that understands `\r` rewrites.
    public var isTerminal: Bool
    /// Writes text exactly as given (line ends included).
    public var write: (String) -> Void
    /// A monotonic time in seconds; only differences between readings are used.
    public var now: () -> Double

    /// Creates an output from a sink, whether it is a terminal, and a clock.
    public init(isTerminal: Bool, write: @escaping (String) -> Void, now: @escaping () -> Double = ProgressOutput.monotonicSeconds) {
        self.isTerminal = isTerminal
        self.write = write
        self.now = now
    }

    /// Standard output, flushed after every write.
    public static var standardOutput: ProgressOutput {
        ProgressOutput(isTerminal: isatty(STDOUT_FILENO) != 0) { text in
            print(text, terminator: "")
            fflush(nil)
        }
    }

    /// Seconds on the system's monotonic clock.
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }
}

/// Formats and prints the progress of `fit`.
///
/// Terminal line, rewritten at most every 50 ms:
/// `Epoch 3/10  12/32 [=========>....................]  loss: 0.1234  accuracy: 0.9512  0:02 elapsed, 0:05 left`;
/// at the end of the epoch it is replaced by the full bar, the epoch's logs and its time.
/// Plain line per epoch: `Epoch 3/10 - 32 batches - 1.2s - loss: 0.1234 - accuracy: 0.9512 - val_loss: 0.2000`.
struct ProgressPrinter {
    private let verbosity: Verbosity
    private let output: ProgressOutput
    private let epochCount: Int
    private let batchCount: Int
    /// The order in which log entries are shown: `loss`, the metrics, then their `val_` forms.
    private let logOrder: [String]
    private var epoch = 0
    private var epochStart = 0.0
    private var lastDraw = -Double.infinity

    /// The least time between two rewrites of the live line.
    static let redrawInterval = 0.05
    /// The number of characters inside the bar's brackets.
    static let barWidth = 30

    init(verbosity: Verbosity, output: ProgressOutput, epochCount: Int, batchCount: Int, metricNames: [String]) {
        self.verbosity = verbosity
        self.output = output
        self.epochCount = epochCount
        self.batchCount = batchCount
        let names = ["loss"] + metricNames
        self.logOrder = names + names.map { "val_" + $0 }
    }

    /// Whether batches redraw a live line (so `fit` needs running logs per batch).
    var drawsLiveLine: Bool { verbosity == .progressBar && output.isTerminal }

    mutating func beginEpoch(_ epoch: Int) {
        self.epoch = epoch
        epochStart = output.now()
        lastDraw = -Double.infinity
    }

    /// Redraws the live line after batch `batch` (0-based) if enough time has passed; the
    /// last batch is left to the epoch's final line.
    mutating func endBatch(_ batch: Int, logs: [String: Float]) {
        guard drawsLiveLine && batch < batchCount - 1 else { return }
        let now = output.now()
        guard now - lastDraw >= Self.redrawInterval || batch == 0 else { return }
        lastDraw = now
        let elapsed = now - epochStart
        let left = elapsed / Double(batch + 1) * Double(batchCount - batch - 1)
        let line = "\(barPrefix(done: batch + 1))  \(format(logs, separator: "  "))  "
            + "\(Self.clock(elapsed)) elapsed, \(Self.clock(left)) left"
        output.write("\r" + line + "\u{1B}[K")
    }

    /// Prints the epoch's final line; `batchesRun` is less than the batch count when a
    /// callback stopped training within the epoch.
    func endEpoch(logs: [String: Float], batchesRun: Int) {
        let elapsed = output.now() - epochStart
        switch verbosity {
        case .silent:
            return
        case .progressBar where output.isTerminal:
            output.write("\r\(barPrefix(done: batchesRun))  \(format(logs, separator: "  "))  \(Self.clock(elapsed))\u{1B}[K\n")
        case .progressBar, .oneLinePerEpoch:
            let seconds = String(format: "%.1fs", elapsed)
            output.write("Epoch \(epoch + 1)/\(epochCount) - \(batchesRun) batches - \(seconds) - \(format(logs, separator: " - "))\n")
        }
    }

    private func barPrefix(done: Int) -> String {
        let width = Self.barWidth
        let filled = batchCount == 0 ? width : done * width / batchCount
        let bar: String
        if filled >= width {
            bar = String(repeating: "=", count: width)
        } else {
            bar = String(repeating: "=", count: max(filled - 1, 0)) + ">" + String(repeating: ".", count: width - max(filled, 1))
        }
        return "Epoch \(epoch + 1)/\(epochCount)  \(done)/\(batchCount) [\(bar)]"
    }

    private func format(_ logs: [String: Float], separator: String) -> String {
        logOrder.compactMap { name in logs[name].map { "\(name): \(Self.number($0))" } }
            .joined(separator: separator)
    }

    /// Four decimals, or four significant digits in scientific notation for tiny values.
    static func number(_ value: Float) -> String {
        let magnitude = abs(value)
        return magnitude == 0 || magnitude >= 1e-3 || !magnitude.isFinite
            ? String(format: "%.4f", Double(value)) : String(format: "%.4e", Double(value))
    }

    /// Minutes and seconds, as `m:ss`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        let remainder = total % 60
        return "\(total / 60):\(remainder < 10 ? "0" : "")\(remainder)"
    }
}
