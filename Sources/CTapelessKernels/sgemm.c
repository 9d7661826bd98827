// Portable reference path of tl_sgemm. Faster ISA-specific paths are selected at run time.
#include "CTapelessKernels.h"

static inline float load(const float *p, long ld, int trans, long row, long col) {
    return trans ? p[col * ld + row] : p[row * ld + col];
}

void tl_sgemm(int transA, int transB, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *crow = c + i * ldc;
        if (beta == 0.0f) {
            for (long j = 0; j < n; j++) crow[j] = 0.0f;
        } else if (beta != 1.0f) {
            for (long j = 0; j < n; j++) crow[j] *= beta;
        }
        for (long p = 0; p < k; p++) {
            float av = alpha * load(a, lda, transA, i, p);
            if (!transB) {
                const float *brow = b + p * ldb;
                for (long j = 0; j < n; j++) crow[j] += av * brow[j];
            } else {
                for (long j = 0; j < n; j++) crow[j] += av * b[j * ldb + p];
            }
        }
    }
}

const char *tl_kernel_isa(void) { return "portable"; }
