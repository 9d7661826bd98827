import CTapelessKernels

/// Low-level kernels on raw buffers, called by generated code and by the runtime.
///
/// They take unsafe pointers and check nothing per element: callers own the shapes.
public enum Kernels {
    /// The instruction set the matrix-multiply kernels chose for this CPU: `"avx512"`,
    /// `"avx2"`, `"neon"` or `"portable"`.
    ///
    /// On first use, every path in ``availableInstructionSets`` is timed on one small product
    /// (about 0.1 ms) and the fastest is kept for the life of the process, so a CPU whose
    /// wider vectors run slower never gets them. Setting the environment variable
    /// `TAPELESS_KERNELS` to one of the names skips the timing and chooses that path when the
    /// CPU has it: use it to reproduce results bit for bit across runs on one machine, or to
    /// compare paths.
    public static var instructionSet: String { String(cString: tl_kernel_isa()) }

    /// Every matrix-multiply path this CPU and build can run, in the order preferred when two
    /// of them measure alike.
    public static var availableInstructionSets: [String] {
        var names: [String] = []
        while let name = tl_kernel_available_isa(names.count) { names.append(String(cString: name)) }
        return names
    }

    /// Each available path's speed in GFLOP/s on the product ``instructionSet`` timed to choose
    /// it; empty when `TAPELESS_KERNELS` chose the path without timing.
    public static var calibration: [String: Double] {
        var rates: [String: Double] = [:]
        for name in availableInstructionSets {
            let rate = tl_kernel_calibration_gflops(name)
            if rate > 0 { rates[name] = rate }
        }
        return rates
    }

    /// Computes `c = alpha * op(a) * op(b) + beta * c` for row-major matrices.
    ///
    /// `op(a)` is `m × k` and `op(b)` is `k × n`; `c` is `m × n` with row stride `ldc`.
    /// With `transposeA`, `a` is stored `k × m`; with `transposeB`, `b` is stored `n × k`.
    /// When `beta` is zero, `c` is overwritten without being read. Products of about a million
    /// multiply-adds or more are split across up to ``maximumThreadCount`` threads, with results
    /// bit-identical to a single-threaded run.
    ///
    /// - Parameters:
    ///   - transposeA: Whether `a` is stored transposed (`k × m`).
    ///   - transposeB: Whether `b` is stored transposed (`n × k`).
    ///   - m: The number of rows of `op(a)` and `c`.
    ///   - n: The number of columns of `op(b)` and `c`.
    ///   - k: The number of columns of `op(a)` and rows of `op(b)`.
    ///   - alpha: The scale of the product.
    ///   - a: The first matrix, row-major.
    ///   - lda: The row stride of `a` as stored.
    ///   - b: The second matrix, row-major.
    ///   - ldb: The row stride of `b` as stored.
    ///   - beta: The scale of `c`'s previous contents; zero ignores them.
    ///   - c: The result, row-major.
    ///   - ldc: The row stride of `c`.
    ///   - instructionSet: The path to run on, one of ``availableInstructionSets``, for
    ///     comparing paths; `nil` (the default) takes ``instructionSet``. A named path always
    ///     takes its blocked product, even for tiny matrices. Naming a path this CPU lacks traps.
    public static func matrixMultiply(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        instructionSet: String? = nil
    ) {
        var product = ParallelMatrixMultiply(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, instructionSet: instructionSet)
        product.run()
    }
}
