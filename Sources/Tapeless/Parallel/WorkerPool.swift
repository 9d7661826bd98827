import CTapelessKernels
import Dispatch
import Foundation
import Synchronization

/// One part of a fork/join job: called with the job's context and the part's index.
///
/// A C function pointer rather than a closure, so posting a job allocates nothing.
typealias ParallelPart = @convention(c) (_ context: UnsafeRawPointer, _ part: Int) -> Void

/// A few persistent threads that run the parts of a fork/join job beside the calling thread.
///
/// Dispatch's `concurrentPerform` wakes its workers tens of microseconds to a millisecond late
/// on small VMs, which eats the gain of splitting a matrix product; threads that spin after
/// each job pick up the next one in well under a microsecond. A worker spins for 1 ms, long
/// enough to bridge the elementwise work and the optimizer update between the products of
/// consecutive training steps, and then parks on a semaphore, so an idle pool costs nothing
/// and never keeps a core from other threads for long. (Measured on a 2-vCPU VM: B2 at batch
/// 32 took 0.28–0.35 ms a step with a 50 µs spin and 0.24–0.27 ms with 1 ms; fork/join while
/// spinning takes 0.2 µs.)
///
/// Parts are claimed, not assigned: the caller runs part 0 and then claims whatever parts no
/// worker has taken yet, so a worker that the OS schedules late (another process holding the
/// other core) costs nothing beyond a single-threaded run.
///
/// One caller uses the pool at a time; `run` returns `false` without running anything when
/// another thread holds it, and the caller then does the work alone.
final class WorkerPool: @unchecked Sendable {
    /// How long a worker spins for the next job before parking.
    private static let workerSpinNanoseconds: UInt64 = 1_000_000
    /// How long the caller spins for the last part before yielding its core between checks.
    private static let callerSpinNanoseconds: UInt64 = 50_000

    /// The number of threads a job can use: the workers plus the caller.
    let threadCount: Int

    /// The current job in one word, so a claim is one compare-and-swap that fails once the job
    /// is over: `sequence << 16 | parts << 8 | next unclaimed part`.
    private let job = Atomic<Int>(0)
    /// Claimed parts of the current job other than part 0 not yet finished.
    private let unfinished = Atomic<Int>(0)
    /// Whether a caller is running a job.
    private let isBusy = Atomic<Bool>(false)
    /// Per worker: whether it is parked (or about to be) and needs a semaphore signal.
    private let isParked: UnsafeMutablePointer<Atomic<Bool>>
    private let wakeUps: [DispatchSemaphore]
    // Published by the release store of `job`, read only after claiming a part of it.
    private var part: ParallelPart?
    private var context: UnsafeRawPointer?

    /// Starts `threadCount - 1` worker threads (at most 255 parts a job); a pool of one thread
    /// runs every job on its caller.
    init(threadCount: Int) {
        precondition(
            (1...256).contains(threadCount),
            "a worker pool needs 1 to 256 threads, the caller included, but \(threadCount) were asked for")
        self.threadCount = threadCount
        let workerCount = threadCount - 1
        isParked = .allocate(capacity: workerCount)
        for worker in 0..<workerCount { (isParked + worker).initialize(to: Atomic(false)) }
        wakeUps = (0..<workerCount).map { _ in DispatchSemaphore(value: 0) }
        for worker in 0..<workerCount {
            let thread = Thread { [unowned self] in self.work(as: worker) }
            thread.name = "Tapeless worker \(worker + 1)"
            thread.start()
        }
    }

    /// Runs `part(context, index)` for every index in `0..<parts`, index 0 on the calling
    /// thread, and returns when all are done; returns `false` at once, running nothing, when
    /// another thread is using the pool.
    ///
    /// - Precondition: `parts` is between 1 and `threadCount`.
    func run(parts: Int, context: UnsafeRawPointer, part: ParallelPart) -> Bool {
        precondition(
            (1...threadCount).contains(parts),
            "a job on a pool of \(threadCount) threads can have 1 to \(threadCount) parts, not \(parts)")
        guard isBusy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        defer { isBusy.store(false, ordering: .releasing) }
        self.part = part
        self.context = context
        unfinished.store(parts - 1, ordering: .relaxed)
        let sequence = (job.load(ordering: .relaxed) >> 16) &+ 1
        // Sequentially consistent, pairing with a parking worker's store of `isParked`
        // followed by its load of `job`: at least one of the two sees the other's write.
        job.store(sequence << 16 | parts << 8 | 1, ordering: .sequentiallyConsistent)
        for worker in 0..<(parts - 1)
        where isParked[worker].compareExchange(
            expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged {
            wakeUps[worker].signal()
        }
        part(context, 0)
        runClaimedParts(of: sequence)
        waitForWorkers()
        return true
    }

    /// Claims and runs parts of job `sequence` until none is left.
    private func runClaimedParts(of sequence: Int) {
        var word = job.load(ordering: .acquiring)
        while word >> 16 == sequence && word & 255 < (word >> 8) & 255 {
            let (claimed, current) = job.compareExchange(
                expected: word, desired: word &+ 1, ordering: .acquiringAndReleasing)
            guard claimed else {
                word = current
                continue
            }
            part.unsafelyUnwrapped(context.unsafelyUnwrapped, word & 255)
            unfinished.subtract(1, ordering: .releasing)
            word = job.load(ordering: .acquiring)
        }
    }

    /// Spins until the workers' parts are done, then yields the core between checks so a
    /// descheduled worker gets it back sooner.
    private func waitForWorkers() {
        let start = DispatchTime.now().uptimeNanoseconds
        var spins = 0
        while unfinished.load(ordering: .acquiring) != 0 {
            tl_spin_pause()
            spins &+= 1
            if spins & 255 == 0 && DispatchTime.now().uptimeNanoseconds &- start > Self.callerSpinNanoseconds {
                sched_yield()
            }
        }
    }

    /// The loop of worker `worker`: helps with every job that has more parts than workers
    /// before it, so a worker not needed stays parked.
    private func work(as worker: Int) {
        var seen = 0
        while true {
            let current = awaitJob(after: seen, as: worker)
            seen = current >> 16
            if worker &+ 1 < (current >> 8) & 255 { runClaimedParts(of: seen) }
        }
    }

    /// Returns the first job word of a sequence after `seen`: spins for a while, then parks.
    private func awaitJob(after seen: Int, as worker: Int) -> Int {
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            repeat {
                let current = job.load(ordering: .acquiring)
                if current >> 16 != seen { return current }
                tl_spin_pause()
                spins &+= 1
            } while spins & 255 != 0 || DispatchTime.now().uptimeNanoseconds &- start < Self.workerSpinNanoseconds
            isParked[worker].store(true, ordering: .sequentiallyConsistent)
            if job.load(ordering: .sequentiallyConsistent) >> 16 != seen
                && isParked[worker].compareExchange(
                    expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged {
                continue  // A job arrived before anyone saw this worker park.
            }
            // Either no job yet, or the caller already claimed the signal: consume it.
            wakeUps[worker].wait()
        }
    }
}
