// Portable path: a 6 x 8 micro-tile written with the GCC/Clang vector extension, which lowers
// to whatever 4-float SIMD the baseline target has (SSE2 on x86-64) or to scalars otherwise.
// Twelve 4-float accumulators plus two B vectors and one broadcast fit in 16 registers.
// (Plain nested loops over a float[6][8] get vectorized along the wrong axis by Clang.)
#include "sgemm_internal.h"

#include <string.h>

enum { MR = TL_PORTABLE_MR, NR = TL_PORTABLE_NR, KC = 256 };
typedef float tl_float4 __attribute__((vector_size(16)));

static TL_ALWAYS_INLINE void tl_kernel_portable(long kc, const float *a, long ars, long aps, const float *b,
                               float *c, long ldc, float alpha, float beta) {
    tl_float4 lo[MR], hi[MR];
    TL_UNROLL for (int i = 0; i < MR; i++) lo[i] = hi[i] = (tl_float4){0, 0, 0, 0};
    // Independent row pointers plus one shared offset keep the address arithmetic off the
    // critical path when the panel is read in place with a run-time row stride.
    const float *row[MR];
    TL_UNROLL for (int i = 0; i < MR; i++) row[i] = a + i * ars;
    for (long p = 0, offset = 0; p < kc; p++, offset += aps) {
        tl_float4 b0, b1;
        memcpy(&b0, b, sizeof b0);
        memcpy(&b1, b + 4, sizeof b1);
        TL_UNROLL for (int i = 0; i < MR; i++) {
            lo[i] += row[i][offset] * b0;
            hi[i] += row[i][offset] * b1;
        }
        b += NR;
    }
    TL_UNROLL for (int i = 0; i < MR; i++) {
        float *out = c + i * ldc;
        tl_float4 r0 = alpha * lo[i], r1 = alpha * hi[i];
        if (beta != 0.0f) {
            tl_float4 c0, c1;
            memcpy(&c0, out, sizeof c0);
            memcpy(&c1, out + 4, sizeof c1);
            r0 += beta * c0;
            r1 += beta * c1;
        }
        memcpy(out, &r0, sizeof r0);
        memcpy(out + 4, &r1, sizeof r1);
    }
}

// 6 x 256 floats of A (6 KiB) stay in L1 while 256 x 256 floats of B (256 KiB) stay in L2.
static const tl_blocking blocking = {.mr = MR, .nr = NR, .mc = 64 * MR, .nc = 32 * NR, .kc = KC};

static void tl_tile_portable(long kc, const float *a, long ars, long aps, const float *b, long rows,
                             long cols, float beta, float *c, long ldc) {
    tl_gemm_tile(tl_kernel_portable, blocking, kc, a, ars, aps, b, rows, cols, 1.0f, beta, c, ldc);
}

const tl_tile_kernel tl_portable_tile = {MR, NR, KC, tl_tile_portable, NULL};

void tl_gemm_portable(const tl_gemm_problem *p) { tl_gemm_blocked(p, blocking, tl_kernel_portable); }
