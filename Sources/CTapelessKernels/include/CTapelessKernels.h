#ifndef CTAPELESS_KERNELS_H
#define CTAPELESS_KERNELS_H

/// Single-precision matrix product C = alpha * op(A) * op(B) + beta * C, row-major.
///
/// op(A) is m x k, op(B) is k x n, C is m x n with leading dimension ldc. When transA is
/// nonzero, A is stored k x m (lda >= m); otherwise m x k (lda >= k). Likewise for B.
/// beta == 0 overwrites C without reading it (so C may hold NaN or garbage).
void tl_sgemm(int transA, int transB, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc);

/// The instruction set the kernels chose at run time: "avx512", "avx2", "neon" or "portable".
const char *tl_kernel_isa(void);

#endif
