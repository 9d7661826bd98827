import CTapelessKernels
import Foundation
import Testing
@testable import Tapeless

/// Products just above the splitting threshold, on sizes that are not multiples of any
/// micro-tile: row splits (m ≥ n), column splits (n > m), and depths beyond one packed block
/// (k > 256), where later blocks accumulate onto C.
private let largeShapes: [(m: Int, n: Int, k: Int)] = [
    (301, 37, 101), (150, 90, 100), (41, 301, 97), (97, 70, 300),
]

/// A pool of two threads only `splitOnOwnPool` uses, so its products always run split.
private let twoThreads = WorkerPool(threadCount: 2)

/// The given product through `Kernels.matrixMultiply` (split across threads when large, if
/// the shared pool is free).
private func threaded(_ p: Product) -> [Float] {
    p.result { a, lda, b, ldb, c, ldc in
        Kernels.matrixMultiply(
            transposeA: p.transposeA, transposeB: p.transposeB, m: p.m, n: p.n, k: p.k, alpha: p.alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: p.beta, c: c, ldc: ldc)
    }
}

/// The given product split across the two threads of a pool no other caller uses.
private func splitOnOwnPool(_ p: Product) -> [Float] {
    ParallelParts.$taskPool.withValue(twoThreads) { threaded(p) }
}

/// The given product as one single-threaded `tl_sgemm` call.
private func singleThreaded(_ p: Product) -> [Float] {
    p.result { a, lda, b, ldb, c, ldc in
        tl_sgemm(
            p.transposeA ? 1 : 0, p.transposeB ? 1 : 0, p.m, p.n, p.k, p.alpha,
            a, lda, b, ldb, p.beta, c, ldc)
    }
}

/// What each part of a pool job saw: the thread it ran on and how often it ran.
private struct PartLog {
    var threads: UnsafeMutablePointer<pthread_t>
    var runs: UnsafeMutablePointer<Int>
}

struct ParallelMatrixMultiplyTests {
    @Test("A product on each available path, split over two threads, matches that path's single call bit for bit",
          arguments: [false, true])
    func everyPathSplit(transposeA: Bool) {
        // 37 columns take each path's own tile; 10 take AVX2's tile on the AVX-512 path. Both
        // products are past the splitting threshold (m·n·k ≥ 2^20).
        for path in Kernels.availableInstructionSets {
            for (n, k) in [(37, 101), (10, 400)] {
                let p = Product(transposeA: transposeA, m: 301, n: n, k: k, alpha: 0.5, beta: 1, padding: 1)
                let split = ParallelParts.$taskPool.withValue(twoThreads) {
                    p.result { a, lda, b, ldb, c, ldc in
                        Kernels.matrixMultiply(
                            transposeA: p.transposeA, m: p.m, n: p.n, k: p.k, alpha: p.alpha, a: a, lda: lda,
                            b: b, ldb: ldb, beta: p.beta, c: c, ldc: ldc, instructionSet: path)
                    }
                }
                let whole = p.result { a, lda, b, ldb, c, ldc in
                    _ = tl_sgemm_with_isa(path, p.transposeA ? 1 : 0, 0, p.m, p.n, p.k, p.alpha, a, lda, b, ldb, p.beta, c, ldc)
                }
                #expect(sameBits(split, whole), "\(path) \(p)")
                #expect(p.mismatches { _, _, _, _, c, _ in c.update(from: split, count: split.count) } == 0, "\(path) \(p)")
            }
        }
    }

    @Test("Large products in every transpose combination match one tl_sgemm call bit for bit and a Double reference",
          arguments: [false, true], [false, true])
    func transposes(transposeA: Bool, transposeB: Bool) {
        for (index, shape) in largeShapes.enumerated() {
            let p = Product(
                transposeA: transposeA, transposeB: transposeB, m: shape.m, n: shape.n, k: shape.k,
                alpha: index % 2 == 0 ? 1 : 1.5, beta: [0, 0.5, 1, -2][index], padding: index % 2 == 0 ? 0 : 3)
            #expect(p.m * p.n * p.k >= ParallelMatrixMultiply.threshold, "\(p) is too small to be split")
            #expect(sameBits(splitOnOwnPool(p), singleThreaded(p)), "\(p)")
            let wrong = ParallelParts.$taskPool.withValue(twoThreads) {
                p.mismatches { a, lda, b, ldb, c, ldc in
                    Kernels.matrixMultiply(
                        transposeA: p.transposeA, transposeB: p.transposeB, m: p.m, n: p.n, k: p.k,
                        alpha: p.alpha, a: a, lda: lda, b: b, ldb: ldb, beta: p.beta, c: c, ldc: ldc)
                }
            }
            #expect(wrong == 0, "\(p)")
        }
    }

    @Test("Large products on several threads at once all match the single-threaded result")
    func concurrentCallers() async {
        let products = (0..<8).map { index in
            let shape = largeShapes[index % largeShapes.count]
            return Product(
                transposeA: index % 2 == 1, transposeB: index % 4 >= 2, m: shape.m, n: shape.n, k: shape.k,
                beta: index % 3 == 0 ? 0 : 0.25, padding: index % 3)
        }
        let expected = products.map(singleThreaded)
        let mismatched = await withTaskGroup(of: Int.self) { group in
            for (index, p) in products.enumerated() {
                group.addTask { (0..<3).filter { _ in !sameBits(threaded(p), expected[index]) }.count }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatched == 0)
    }

    @Test("The pool runs every part once, on its own threads, also after its workers have parked",
          .enabled(if: ThreadLimit.available > 1, "one processor: the pool is never started"), .timeLimit(.minutes(1)))
    func poolForksAndJoinsAfterIdling() throws {
        let pool = try #require(ParallelParts.pool)
        let parts = pool.threadCount
        let log = PartLog(threads: .allocate(capacity: parts), runs: .allocate(capacity: parts))
        defer {
            log.threads.deallocate()
            log.runs.deallocate()
        }
        var partsOnWorkers = 0
        // 200 rounds, and more (up to 10 s) while no worker has run a part yet: on a loaded
        // machine a woken worker may wait long for a processor.
        let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
        var round = 0
        while round < 200 || (partsOnWorkers == 0 && DispatchTime.now().uptimeNanoseconds < deadline) {
            defer { round += 1 }
            log.runs.initialize(repeating: 0, count: parts)
            // Every few rounds, idle long enough (10 ms against 50 µs of spinning) to park.
            if round % 50 == 0 { Thread.sleep(forTimeInterval: 0.01) }
            // Another test may hold the pool for a moment: wait for it.
            while !withUnsafePointer(to: log, { context in
                pool.run(parts: parts, context: UnsafeRawPointer(context)) { context, part in
                    let log = context.assumingMemoryBound(to: PartLog.self).pointee
                    log.threads[part] = pthread_self()
                    log.runs[part] += 1
                    // About 20 µs of work, so a worker has time to claim the other parts.
                    let start = DispatchTime.now().uptimeNanoseconds
                    while DispatchTime.now().uptimeNanoseconds - start < 20_000 {}
                }
            }) { Thread.sleep(forTimeInterval: 0.001) }
            #expect((0..<parts).allSatisfy { log.runs[$0] == 1 }, "round \(round)")
            #expect(pthread_equal(log.threads[0], pthread_self()) != 0, "part 0 runs on the caller")
            partsOnWorkers += (1..<parts).filter { pthread_equal(log.threads[$0], pthread_self()) == 0 }.count
        }
        // The caller takes parts no worker claimed in time, but a pool that never forks fails.
        #expect(partsOnWorkers > 0)
        // A product after idling still matches.
        Thread.sleep(forTimeInterval: 0.01)
        let p = Product(transposeA: true, m: 150, n: 90, k: 100, beta: 0.5, padding: 1)
        #expect(sameBits(threaded(p), singleThreaded(p)))
    }

    @Test("A pool busy with another caller declines the job instead of waiting",
          .enabled(if: ThreadLimit.available > 1, "one processor: the pool is never started"))
    func busyPoolDeclines() throws {
        let pool = try #require(ParallelParts.pool)
        /// The pool, and whether a job posted from inside one of its own jobs ran.
        struct Nested {
            var pool: Unmanaged<WorkerPool>
            var innerRan: Bool?
        }
        var nested = Nested(pool: .passUnretained(pool))
        // Another test may hold the pool for a moment: wait for it.
        while !withUnsafeMutablePointer(to: &nested, { context in
            pool.run(parts: 1, context: UnsafeRawPointer(context)) { context, _ in
                let nested = UnsafeMutableRawPointer(mutating: context).assumingMemoryBound(to: Nested.self)
                nested.pointee.innerRan = nested.pointee.pool.takeUnretainedValue().run(
                    parts: 1, context: context) { _, _ in }
            }
        }) { Thread.sleep(forTimeInterval: 0.001) }
        #expect(nested.innerRan == false)
    }
}
