import CTapelessKernels

/// Low-level kernels on raw buffers, called by generated code and by the runtime.
///
/// They take unsafe pointers and check nothing per element: callers own the shapes.
public enum Kernels {
    /// The instruction set the matrix-multiply kernels chose for this CPU.
    public static var instructionSet: String { String(cString: tl_kernel_isa()) }

    /// Computes `c = alpha * op(a) * op(b) + beta * c` for row-major matrices.
    ///
    /// `op(a)` is `m × k` and `op(b)` is `k × n`; `c` is `m × n` with row stride `ldc`.
    /// With `transposeA`, `a` is stored `k × m`; with `transposeB`, `b` is stored `n × k`.
    /// When `beta` is zero, `c` is overwritten without being read. Products of about a million
    /// multiply-adds or more are split across up to ``maximumThreadCount`` threads, with results
    /// bit-identical to a single-threaded run.
    public static func matrixMultiply(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var product = ParallelMatrixMultiply(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        product.run()
    }
}
