import Foundation
import Synchronization

extension Kernels {
    /// The most threads one matrix product, convolution, pooling or optimizer step may use, the
    /// calling thread included.
    ///
    /// Products and convolutions of about a million multiply-adds or more, poolings over 65,536
    /// input elements or more, and optimizer steps over models with 65,536 trainable scalars or
    /// more, are split across this many threads (never more than the processor count, capped
    /// at 8); smaller ones always run on the calling thread. The
    /// default comes from the `TAPELESS_THREADS` environment variable, read once, and otherwise
    /// is the processor count. Set it to 1, or run with `TAPELESS_THREADS=1`, to force
    /// single-threaded work, for instance to benchmark both:
    ///
    /// ```swift
    /// Kernels.maximumThreadCount = 1   // every product and update on the calling thread
    /// ```
    ///
    /// Results do not depend on it: each element of a product, a convolution, a pooling or an
    /// update is computed by one thread, in the same order as a single-threaded call (a
    /// convolution's weight gradient sums the same fixed chunks of the batch on any number of
    /// threads).
    ///
    /// - Precondition: the new value is at least 1.
    public static var maximumThreadCount: Int {
        get { ThreadLimit.value.load(ordering: .relaxed) }
        set {
            precondition(newValue >= 1, "Kernels.maximumThreadCount must be at least 1, but \(newValue) was set")
            ThreadLimit.value.store(newValue, ordering: .relaxed)
        }
    }
}

/// Storage and defaults behind `Kernels.maximumThreadCount`.
enum ThreadLimit {
    /// The most threads the pool ever starts, the caller included: beyond a few, a product
    /// of the sizes worth splitting runs out of rows per thread.
    static let cap = 8

    /// The environment variable that sets the default thread count.
    static let environmentVariable = "TAPELESS_THREADS"

    static let value = Atomic<Int>(defaultValue())

    /// Threads a job can use on this machine: the processor count, capped.
    static var available: Int { min(ProcessInfo.processInfo.activeProcessorCount, cap) }

    /// `TAPELESS_THREADS` when set, otherwise every available processor.
    private static func defaultValue() -> Int {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable] else { return available }
        guard let count = Int(text.trimmingCharacters(in: .whitespaces)), count >= 1 else {
            preconditionFailure(
                "\(environmentVariable) must be a positive whole number of threads (1 forces single-threaded work), but it is '\(text)'")
        }
        return count
    }
}
