// AVX2 + FMA path: a 6 x 16 micro-tile in 12 ymm accumulators (two 8-float vectors per row),
// leaving three of the sixteen registers for two B vectors and one broadcast of A.
#include "sgemm_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define TL_AVX2 __attribute__((target("avx2,fma")))
enum { MR = TL_AVX2_MR, NR = TL_AVX2_NR, KC = 256 };

static TL_ALWAYS_INLINE TL_AVX2 void tl_kernel_avx2(long kc, const float *a, long ars, long aps,
    const float *b, float *c, long ldc, float alpha, float beta) {
    __m256 lo[MR], hi[MR];
    TL_UNROLL for (int i = 0; i < MR; i++) lo[i] = hi[i] = _mm256_setzero_ps();
    // Independent row pointers plus one shared offset keep the address arithmetic off the
    // critical path when the panel is read in place with a run-time row stride.
    const float *row[MR];
    TL_UNROLL for (int i = 0; i < MR; i++) row[i] = a + i * ars;
    for (long p = 0, offset = 0; p < kc; p++, offset += aps) {
        const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        TL_UNROLL for (int i = 0; i < MR; i++) {
            const __m256 ai = _mm256_broadcast_ss(row[i] + offset);
            lo[i] = _mm256_fmadd_ps(ai, b0, lo[i]);
            hi[i] = _mm256_fmadd_ps(ai, b1, hi[i]);
        }
        b += NR;
    }
    const __m256 va = _mm256_set1_ps(alpha);
    if (beta == 0.0f) {
        TL_UNROLL for (int i = 0; i < MR; i++) {
            _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(va, lo[i]));
            _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(va, hi[i]));
        }
    } else {
        const __m256 vb = _mm256_set1_ps(beta);
        TL_UNROLL for (int i = 0; i < MR; i++) {
            float *out = c + i * ldc;
            _mm256_storeu_ps(out, _mm256_fmadd_ps(va, lo[i], _mm256_mul_ps(vb, _mm256_loadu_ps(out))));
            _mm256_storeu_ps(out + 8, _mm256_fmadd_ps(va, hi[i], _mm256_mul_ps(vb, _mm256_loadu_ps(out + 8))));
        }
    }
}

// 6 x 256 floats of A (6 KiB) stay in L1 while 256 x 512 floats of B (512 KiB) stay in L2.
static const tl_blocking blocking = {.mr = MR, .nr = NR, .mc = 80 * MR, .nc = 32 * NR, .kc = KC};

static TL_AVX2 void tl_tile_avx2(long kc, const float *a, long ars, long aps, const float *b, long rows,
                                 long cols, float beta, float *c, long ldc) {
    tl_gemm_tile(tl_kernel_avx2, blocking, kc, a, ars, aps, b, rows, cols, 1.0f, beta, c, ldc);
}

const tl_tile_kernel tl_avx2_tile = {MR, NR, KC, tl_tile_avx2, NULL};

TL_AVX2 void tl_gemm_avx2(const tl_gemm_problem *p) { tl_gemm_blocked(p, blocking, tl_kernel_avx2); }
#endif
