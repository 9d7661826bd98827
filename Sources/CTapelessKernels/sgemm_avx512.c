// AVX-512 path: a 12 x 32 micro-tile held in 24 zmm accumulators (two 16-float vectors per
// row). Each depth step loads two vectors of B and broadcasts twelve elements of A, so 24
// FMAs share 14 loads and the accumulators hide the FMA latency on two FMA pipes.
#include "sgemm_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define TL_AVX512 __attribute__((target("avx512f,fma")))
enum { MR = TL_AVX512_MR, NR = TL_AVX512_NR, KC = 256 };

static TL_ALWAYS_INLINE TL_AVX512 void tl_kernel_avx512(long kc, const float *a, long ars, long aps,
    const float *b, float *c, long ldc, float alpha, float beta) {
    __m512 lo[MR], hi[MR];
    TL_UNROLL for (int i = 0; i < MR; i++) lo[i] = hi[i] = _mm512_setzero_ps();
    TL_UNROLL for (int i = 0; i < MR; i++) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    // Independent row pointers plus one shared offset keep the address arithmetic off the
    // critical path when the panel is read in place with a run-time row stride.
    const float *row[MR];
    TL_UNROLL for (int i = 0; i < MR; i++) row[i] = a + i * ars;
    for (long p = 0, offset = 0; p < kc; p++, offset += aps) {
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        TL_UNROLL for (int i = 0; i < MR; i++) {
            const __m512 ai = _mm512_set1_ps(row[i][offset]);
            lo[i] = _mm512_fmadd_ps(ai, b0, lo[i]);
            hi[i] = _mm512_fmadd_ps(ai, b1, hi[i]);
        }
        b += NR;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0.0f) {
        TL_UNROLL for (int i = 0; i < MR; i++) {
            _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, lo[i]));
            _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, hi[i]));
        }
    } else {
        const __m512 vb = _mm512_set1_ps(beta);
        TL_UNROLL for (int i = 0; i < MR; i++) {
            float *out = c + i * ldc;
            _mm512_storeu_ps(out, _mm512_fmadd_ps(va, lo[i], _mm512_mul_ps(vb, _mm512_loadu_ps(out))));
            _mm512_storeu_ps(out + 16, _mm512_fmadd_ps(va, hi[i], _mm512_mul_ps(vb, _mm512_loadu_ps(out + 16))));
        }
    }
}

// 12 x 256 floats of A (12 KiB) stay in L1 while 256 x 480 floats of B (480 KiB) stay in L2.
static const tl_blocking blocking = {.mr = MR, .nr = NR, .mc = 40 * MR, .nc = 15 * NR, .kc = KC};

static TL_AVX512 void tl_tile_avx512(long kc, const float *a, long ars, long aps, const float *b, long rows,
                                     long cols, float beta, float *c, long ldc) {
    tl_gemm_tile(tl_kernel_avx512, blocking, kc, a, ars, aps, b, rows, cols, 1.0f, beta, c, ldc);
}

// A product at most 16 columns wide (a 10-class output layer) wastes less of the AVX2 tile than
// of this one (1000x128 by 128x10: 73 against 69 GFLOP/s on a Zen 5 core). Splits at multiples
// of this path's tile (ParallelMatrixMultiply) stay exact: they never narrow a product to 16
// columns, and 6-row tiles divide 12-row bands.
const tl_tile_kernel tl_avx512_tile = {MR, NR, KC, tl_tile_avx512, &tl_avx2_tile};

TL_AVX512 void tl_gemm_avx512(const tl_gemm_problem *p) {
    if (p->n <= tl_avx512_tile.narrow->nr) {
        tl_gemm_avx2(p);
        return;
    }
    tl_gemm_blocked(p, blocking, tl_kernel_avx512);
}
#endif
