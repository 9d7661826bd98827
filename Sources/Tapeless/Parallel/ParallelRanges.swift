extension ParallelParts {
    /// Calls `body` with contiguous ranges that cover `0..<count` once, one range per thread
    /// when `splitting` (work worth waking threads for) and the pool is free, otherwise with the
    /// whole range on the calling thread.
    ///
    /// The ranges run at the same time, so `body` must write only what its range owns; items
    /// that are computed alike in any range then give the same bits however they are split.
    static func forEachRange(of count: Int, splitting: Bool, _ body: (Range<Int>) -> Void) {
        guard splitting, count > 1, case let (pool, threads)? = available() else { return body(0..<count) }
        withoutActuallyEscaping(body) { body in
            let job = RangeJob(count: count, parts: min(threads, count), body: body)
            let ran = withUnsafePointer(to: job) { context in
                pool.run(parts: job.parts, context: UnsafeRawPointer(context)) { context, part in
                    context.assumingMemoryBound(to: RangeJob.self).pointee.run(part)
                }
            }
            if !ran { body(0..<count) }
        }
    }
}

/// `0..<count` split into `parts` ranges of nearly equal size, and what to do with each.
private struct RangeJob {
    var count: Int
    var parts: Int
    var body: (Range<Int>) -> Void

    func run(_ part: Int) {
        body(count &* part / parts ..< count &* (part &+ 1) / parts)
    }
}
