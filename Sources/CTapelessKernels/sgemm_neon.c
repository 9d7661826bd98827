// AArch64 Advanced SIMD path: an 8 x 12 micro-tile in 24 of the 32 q registers (three 4-float
// vectors per row), with B vectors and A elements in the rest.
#include "sgemm_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

enum { MR = TL_NEON_MR, NR = TL_NEON_NR, KC = 256 };

static TL_ALWAYS_INLINE void tl_kernel_neon(long kc, const float *a, long ars, long aps, const float *b,
                           float *c, long ldc, float alpha, float beta) {
    float32x4_t acc[MR][3];
    TL_UNROLL for (int i = 0; i < MR; i++)
        TL_UNROLL for (int j = 0; j < 3; j++) acc[i][j] = vdupq_n_f32(0.0f);
    // Independent row pointers plus one shared offset keep the address arithmetic off the
    // critical path when the panel is read in place with a run-time row stride.
    const float *row[MR];
    TL_UNROLL for (int i = 0; i < MR; i++) row[i] = a + i * ars;
    for (long p = 0, offset = 0; p < kc; p++, offset += aps) {
        const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
        TL_UNROLL for (int i = 0; i < MR; i++) {
            acc[i][0] = vfmaq_n_f32(acc[i][0], b0, row[i][offset]);
            acc[i][1] = vfmaq_n_f32(acc[i][1], b1, row[i][offset]);
            acc[i][2] = vfmaq_n_f32(acc[i][2], b2, row[i][offset]);
        }
        b += NR;
    }
    TL_UNROLL for (int i = 0; i < MR; i++) {
        float *out = c + i * ldc;
        TL_UNROLL for (int j = 0; j < 3; j++) {
            const float32x4_t scaled = vmulq_n_f32(acc[i][j], alpha);
            vst1q_f32(out + 4 * j, beta == 0.0f ? scaled : vfmaq_n_f32(scaled, vld1q_f32(out + 4 * j), beta));
        }
    }
}

static const tl_blocking blocking = {.mr = MR, .nr = NR, .mc = 60 * MR, .nc = 40 * NR, .kc = KC};

static void tl_tile_neon(long kc, const float *a, long ars, long aps, const float *b, long rows, long cols,
                         float beta, float *c, long ldc) {
    tl_gemm_tile(tl_kernel_neon, blocking, kc, a, ars, aps, b, rows, cols, 1.0f, beta, c, ldc);
}

const tl_tile_kernel tl_neon_tile = {MR, NR, KC, tl_tile_neon, NULL};

void tl_gemm_neon(const tl_gemm_problem *p) { tl_gemm_blocked(p, blocking, tl_kernel_neon); }
#endif
