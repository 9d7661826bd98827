/// Work that ``ParallelParts/forEachRange(of:splitting:_:)`` splits into ranges: a struct of
/// pointers and sizes rather than a closure, because a closure handed to the pool's threads
/// would be boxed on the heap on every call.
protocol RangeWork {
    /// Does the work of the items in `range`, writing only what they own.
    func run(_ range: Range<Int>)
}

extension ParallelParts {
    /// Runs `work` on contiguous ranges that cover `0..<count` once, one range per thread
    /// when `splitting` (work worth waking threads for) and the pool is free, otherwise on the
    /// whole range on the calling thread. Allocates nothing.
    ///
    /// The ranges run at the same time, so `work` must write only what its range owns; items
    /// that are computed alike in any range then give the same bits however they are split.
    static func forEachRange<Work: RangeWork>(of count: Int, splitting: Bool, _ work: Work) {
        guard splitting, count > 1, case let (pool, threads)? = available() else { return work.run(0..<count) }
        withUnsafePointer(to: work) { work in
            // The closure captures nothing once specialized for `Work`, so it needs no context.
            let job = RangeJob(count: count, parts: min(threads, count), work: UnsafeRawPointer(work)) { work, range in
                work.assumingMemoryBound(to: Work.self).pointee.run(range)
            }
            let ran = withUnsafePointer(to: job) { context in
                pool.run(parts: job.parts, context: UnsafeRawPointer(context)) { context, part in
                    context.assumingMemoryBound(to: RangeJob.self).pointee.run(part)
                }
            }
            if !ran { work.pointee.run(0..<count) }
        }
    }
}

/// `0..<count` split into `parts` ranges of nearly equal size, and the work to run on each.
private struct RangeJob {
    var count: Int
    var parts: Int
    var work: UnsafeRawPointer
    var runRange: (UnsafeRawPointer, Range<Int>) -> Void

    func run(_ part: Int) {
        runRange(work, count &* part / parts ..< count &* (part &+ 1) / parts)
    }
}
