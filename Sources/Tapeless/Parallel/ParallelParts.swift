/// The worker pool that every split kernel shares (matrix products and optimizer steps), and
/// how many threads a job may use.
enum ParallelParts {
    /// The shared pool, started on the first job worth splitting; `nil` on a single processor.
    static let pool: WorkerPool? =
        ThreadLimit.available > 1 ? WorkerPool(threadCount: ThreadLimit.available) : nil

    /// A pool that jobs started by the current task use instead of the shared one, with all of
    /// its threads. A test sets one of its own, which no other test can hold busy or limit, so
    /// that a split it checks really runs split.
    @TaskLocal static var taskPool: WorkerPool?

    /// The pool and the most parts a job may be split into now, `min(Kernels.maximumThreadCount,
    /// pool.threadCount)` (or the whole ``taskPool``); `nil` when that is one thread, so the
    /// caller runs the job alone.
    ///
    /// Call it only for work worth splitting: the first call on a multiprocessor starts the pool.
    static func available() -> (pool: WorkerPool, threadCount: Int)? {
        if let taskPool { return taskPool.threadCount > 1 ? (taskPool, taskPool.threadCount) : nil }
        let limit = Kernels.maximumThreadCount
        guard limit > 1, let pool else { return nil }
        return (pool, min(limit, pool.threadCount))
    }
}
