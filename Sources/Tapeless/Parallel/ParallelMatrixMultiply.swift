import CTapelessKernels

/// A matrix product split into bands of C, one band per thread, each computed by `tl_sgemm`.
///
/// Bands start at multiples of the kernels' micro-tile, so every element of C lands in the
/// same kind of register tile, and is summed in the same order, as in one single-threaded
/// call: the split result is bit-identical to it.
struct ParallelMatrixMultiply {
    /// Products with fewer multiply-adds (m·n·k) than this run on the calling thread: waking
    /// a second thread and packing shared operands twice costs more than it saves.
    /// Measured with avx2 on 2 vCPUs: 1.28 M (1000×10×128) gains 1.5–2.3×, 41 K loses.
    static let threshold = 1 << 20

    /// The micro-tile of the kernels this process uses: the granularity of the bands.
    private static let chosenMicroTile: (rows: Int, columns: Int) = {
        var rows = 0, columns = 0
        tl_sgemm_micro_tile(&rows, &columns)
        return (rows, columns)
    }()

    var transposeA: Bool, transposeB: Bool
    var m: Int, n: Int, k: Int
    var alpha: Float
    var a: UnsafePointer<Float>, lda: Int
    var b: UnsafePointer<Float>, ldb: Int
    var beta: Float
    var c: UnsafeMutablePointer<Float>, ldc: Int
    /// The kernels' path: the one chosen for this process when `nil`, else the named one
    /// (which must be available), always on its blocked product.
    var instructionSet: String?

    /// Whether the bands are row ranges of C (else column ranges).
    private var splitsRows = true
    /// The band granularity (a micro-tile edge), how many of them the split dimension has, and
    /// how many bands there are.
    private var unit = 1, units = 1, parts = 1

    init(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, instructionSet: String? = nil
    ) {
        self.transposeA = transposeA
        self.transposeB = transposeB
        self.m = m
        self.n = n
        self.k = k
        self.alpha = alpha
        self.a = a
        self.lda = lda
        self.b = b
        self.ldb = ldb
        self.beta = beta
        self.c = c
        self.ldc = ldc
        self.instructionSet = instructionSet
    }

    /// Computes the product on up to `Kernels.maximumThreadCount` threads when it is large
    /// enough, otherwise (or when another thread holds the pool) on the calling thread alone.
    mutating func run() {
        guard m &* n &* k >= Self.threshold, case let (pool, threads)? = ParallelParts.available() else {
            return runWhole()
        }
        let tile = microTile
        // Whole tiles only: the last band also takes the partial tile at the edge, so no band
        // is so small that tl_sgemm would take its unblocked path (which rounds differently).
        let rowUnits = m / tile.rows
        let columnUnits = n / tile.columns
        // Splitting rows makes each thread pack all of op(B) (k × n), splitting columns all of
        // op(A) (m × k): duplicate the smaller, unless it leaves too few tiles to share. (On
        // 784×128×1000, rows gave 1.7–2.1× and columns 1.6–1.9×; on 32×128×784, columns won.)
        splitsRows = m >= n
        if splitsRows && rowUnits < 2 { splitsRows = false }
        if !splitsRows && columnUnits < 2 { splitsRows = true }
        (unit, units) = splitsRows ? (tile.rows, rowUnits) : (tile.columns, columnUnits)
        parts = min(threads, units)
        guard parts > 1 else { return runWhole() }
        let ran = withUnsafePointer(to: self) { context in
            pool.run(parts: parts, context: UnsafeRawPointer(context)) { context, part in
                context.assumingMemoryBound(to: ParallelMatrixMultiply.self).pointee.runBand(part)
            }
        }
        if !ran { runWhole() }
    }

    /// Computes band `part` of C.
    private func runBand(_ part: Int) {
        let extent = splitsRows ? m : n
        let start = units &* part / parts &* unit
        let end = part == parts &- 1 ? extent : units &* (part &+ 1) / parts &* unit
        if splitsRows {
            let aStart = transposeA ? a + start : a + start &* lda
            multiply(m: end &- start, n: n, a: aStart, b: b, c: c + start &* ldc)
        } else {
            let bStart = transposeB ? b + start &* ldb : b + start
            multiply(m: m, n: end &- start, a: a, b: bStart, c: c + start)
        }
    }

    private func runWhole() { multiply(m: m, n: n, a: a, b: b, c: c) }

    private var microTile: (rows: Int, columns: Int) {
        guard let instructionSet else { return Self.chosenMicroTile }
        var rows = 0, columns = 0
        if tl_sgemm_isa_micro_tile(instructionSet, &rows, &columns) == 0 { Self.unavailable(instructionSet) }
        return (rows, columns)
    }

    private func multiply(m: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        let transposesA: Int32 = transposeA ? 1 : 0, transposesB: Int32 = transposeB ? 1 : 0
        guard let instructionSet else {
            return tl_sgemm(transposesA, transposesB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
        let ran = tl_sgemm_with_isa(instructionSet, transposesA, transposesB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        if ran == 0 { Self.unavailable(instructionSet) }
    }

    /// Traps on a path this CPU or build lacks: naming one is a programmer error.
    static func unavailable(_ instructionSet: String) -> Never {
        preconditionFailure("the matrix kernels have no '\(instructionSet)' path on this CPU")
    }
}
