// tl_sgemm: argument handling, small-problem path, per-thread workspace, and the run-time
// choice of instruction set, whose micro-kernels the convolutions (conv2d.c) take from here
// too. The blocked driver is in sgemm_internal.h, the micro-kernels in one file per
// instruction set.
#define _POSIX_C_SOURCE 200112L  // posix_memalign under strict C modes
#include "CTapelessKernels.h"
#include "conv2d_internal.h"
#include "sgemm_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// MARK: - Instruction sets

typedef struct {
    const char *name;
    void (*gemm)(const tl_gemm_problem *);
    const tl_tile_kernel *tile;
    const tl_dot_kernel *dot;
    const tl_lanes_kernels *lanes;
} tl_isa;

static int tl_isa_available(const char *name) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (strcmp(name, "avx512") == 0) return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
    if (strcmp(name, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#if defined(__aarch64__)
    if (strcmp(name, "neon") == 0) return 1;  // Advanced SIMD is mandatory on AArch64.
#endif
    return strcmp(name, "portable") == 0;
}

/// Every compiled path, in the order preferred when the calibration finds them alike.
static const tl_isa tl_isas[] = {
#if defined(__x86_64__) || defined(__i386__)
    {"avx512", tl_gemm_avx512, &tl_avx512_tile, &tl_avx512_dot, &tl_avx512_lanes},
    {"avx2", tl_gemm_avx2, &tl_avx2_tile, &tl_avx2_dot, &tl_avx2_lanes},
#endif
#if defined(__aarch64__)
    {"neon", tl_gemm_neon, &tl_neon_tile, &tl_neon_dot, &tl_portable_lanes},
#endif
    {"portable", tl_gemm_portable, &tl_portable_tile, &tl_portable_dot, &tl_portable_lanes},
};

#define TL_ISA_COUNT (sizeof tl_isas / sizeof tl_isas[0])

static const tl_isa *tl_find_isa(const char *name) {
    for (size_t i = 0; i < TL_ISA_COUNT; i++)
        if (strcmp(tl_isas[i].name, name) == 0) return tl_isa_available(name) ? &tl_isas[i] : NULL;
    return NULL;
}

// MARK: - Choosing a path

/// Seconds on a monotonic clock.
static double tl_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

/// The shape every path is timed on at first use: a multiple of every micro-tile, so no path
/// pays for edge tiles, and small enough (294,912 multiply-adds: 3, 5 and 14 µs for the
/// avx512, avx2 and portable paths on a Zen 5 core) that choosing costs about 0.1 ms once per
/// process.
enum { TL_CALIBRATION_M = 48, TL_CALIBRATION_N = 96, TL_CALIBRATION_K = 64, TL_CALIBRATION_ROUNDS = 4 };

/// A later path in tl_isas replaces an earlier one only when it is this much faster, so a
/// machine where two paths run alike keeps choosing the same one (and the same rounding).
#define TL_CALIBRATION_MARGIN 1.1

/// Each path's best time on the calibration shape, in seconds (0 when not measured).
static double tl_isa_seconds[TL_ISA_COUNT];

/// Times each available path on the calibration shape (best of a few interleaved rounds, so
/// a path warming up or a noisy neighbour does not decide) and returns the fastest, or NULL
/// when the operands cannot be allocated.
static const tl_isa *tl_calibrate(void) {
    enum { M = TL_CALIBRATION_M, N = TL_CALIBRATION_N, K = TL_CALIBRATION_K };
    float *a = malloc(sizeof(float) * (M * K + K * N + M * N));
    if (!a) return NULL;
    float *b = a + M * K, *c = b + K * N;
    for (long i = 0; i < M * K; i++) a[i] = (float)(i % 7) - 3.0f;
    for (long i = 0; i < K * N; i++) b[i] = (float)(i % 5) - 2.0f;
    const tl_gemm_problem p = {0, 0, M, N, K, 1.0f, a, K, b, N, 0.0f, c, N};
    double best[TL_ISA_COUNT];
    for (size_t i = 0; i < TL_ISA_COUNT; i++) best[i] = tl_isa_available(tl_isas[i].name) ? 1e30 : -1.0;
    for (int round = 0; round < TL_CALIBRATION_ROUNDS; round++)
        for (size_t i = 0; i < TL_ISA_COUNT; i++) {
            if (best[i] < 0) continue;
            const double start = tl_seconds();
            tl_isas[i].gemm(&p);
            const double elapsed = tl_seconds() - start;
            if (elapsed < best[i]) best[i] = elapsed;
        }
    free(a);
    const tl_isa *chosen = NULL;
    double chosenTime = 0;
    for (size_t i = 0; i < TL_ISA_COUNT; i++) {
        if (best[i] < 0) continue;
        tl_isa_seconds[i] = best[i];
        if (!chosen || best[i] * TL_CALIBRATION_MARGIN < chosenTime) {
            chosen = &tl_isas[i];
            chosenTime = best[i];
        }
    }
    return chosen;
}

static const tl_isa *tl_chosen;
static pthread_once_t tl_choice_once = PTHREAD_ONCE_INIT;

/// Chooses the path named by TAPELESS_KERNELS when this CPU has it, else the calibrated one
/// (else the first available, if calibration could not allocate its operands).
static void tl_choose_isa(void) {
    const char *requested = getenv("TAPELESS_KERNELS");
    if (requested) tl_chosen = tl_find_isa(requested);
    if (!tl_chosen) tl_chosen = tl_calibrate();
    for (size_t i = 0; !tl_chosen; i++)
        if (tl_isa_available(tl_isas[i].name)) tl_chosen = &tl_isas[i];
}

/// The path every tl_sgemm call of this process takes, chosen once on first use.
static const tl_isa *tl_chosen_isa(void) {
    pthread_once(&tl_choice_once, tl_choose_isa);
    return tl_chosen;
}

const char *tl_kernel_isa(void) { return tl_chosen_isa()->name; }

void tl_sgemm_micro_tile(long *rows, long *columns) {
    const tl_isa *isa = tl_chosen_isa();
    *rows = isa->tile->mr;
    *columns = isa->tile->nr;
}

const char *tl_kernel_available_isa(long index) {
    long seen = 0;
    for (size_t i = 0; i < TL_ISA_COUNT; i++)
        if (tl_isa_available(tl_isas[i].name) && seen++ == index) return tl_isas[i].name;
    return NULL;
}

int tl_sgemm_isa_micro_tile(const char *name, long *rows, long *columns) {
    const tl_isa *isa = tl_find_isa(name);
    if (!isa) return 0;
    *rows = isa->tile->mr;
    *columns = isa->tile->nr;
    return 1;
}

/// The named path when this CPU has it, or the chosen one for NULL.
static const tl_isa *tl_named_or_chosen(const char *name) { return name ? tl_find_isa(name) : tl_chosen_isa(); }

const tl_tile_kernel *tl_tile_for(const char *name, long columns) {
    const tl_isa *isa = tl_named_or_chosen(name);
    if (!isa) return NULL;
    const tl_tile_kernel *narrow = isa->tile->narrow;
    return narrow && columns <= narrow->nr ? narrow : isa->tile;
}

const tl_dot_kernel *tl_dot_for(const char *name) {
    const tl_isa *isa = tl_named_or_chosen(name);
    return isa ? isa->dot : NULL;
}

const tl_lanes_kernels *tl_lanes_for(const char *name) {
    const tl_isa *isa = tl_named_or_chosen(name);
    return isa ? isa->lanes : NULL;
}

double tl_kernel_calibration_gflops(const char *name) {
    tl_chosen_isa();
    for (size_t i = 0; i < TL_ISA_COUNT; i++)
        if (strcmp(tl_isas[i].name, name) == 0 && tl_isa_seconds[i] > 0)
            return 2.0 * TL_CALIBRATION_M * TL_CALIBRATION_N * TL_CALIBRATION_K / tl_isa_seconds[i] * 1e-9;
    return 0;
}

// MARK: - Workspace

static pthread_key_t tl_workspace_key;
static pthread_once_t tl_workspace_once = PTHREAD_ONCE_INIT;
static _Thread_local float *tl_workspace;
static _Thread_local size_t tl_workspace_count;

static void tl_make_workspace_key(void) { pthread_key_create(&tl_workspace_key, free); }

float *tl_gemm_workspace(size_t count) {
    if (count <= tl_workspace_count) return tl_workspace;
    // Grow to the requested size; the key's destructor frees the buffer when the thread exits.
    pthread_once(&tl_workspace_once, tl_make_workspace_key);
    free(tl_workspace);
    tl_workspace = NULL;
    tl_workspace_count = 0;
    void *memory = NULL;
    if (posix_memalign(&memory, 64, count * sizeof(float)) != 0) memory = NULL;
    pthread_setspecific(tl_workspace_key, memory);
    if (memory) {
        tl_workspace = memory;
        tl_workspace_count = count;
    }
    return tl_workspace;
}

// MARK: - Scalar pieces

void tl_gemm_merge_tile(const float *tile, long tileStride, long rows, long cols, float beta,
                        float *c, long ldc) {
    for (long i = 0; i < rows; i++) {
        const float *t = tile + i * tileStride;
        float *crow = c + i * ldc;
        if (beta == 0.0f) {
            for (long j = 0; j < cols; j++) crow[j] = t[j];
        } else {
            for (long j = 0; j < cols; j++) crow[j] = t[j] + beta * crow[j];
        }
    }
}

/// c = beta * c over m x n, writing zeros when beta == 0 (so NaN in c does not survive).
static void tl_scale_c(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *crow = c + i * ldc;
        if (beta == 0.0f) {
            for (long j = 0; j < n; j++) crow[j] = 0.0f;
        } else if (beta != 1.0f) {
            for (long j = 0; j < n; j++) crow[j] *= beta;
        }
    }
}

void tl_gemm_direct(const tl_gemm_problem *p) {
    tl_scale_c(p->m, p->n, p->beta, p->c, p->ldc);
    const long ars = p->transA ? 1 : p->lda, aps = p->transA ? p->lda : 1;
    for (long i = 0; i < p->m; i++) {
        float *crow = p->c + i * p->ldc;
        if (p->transB) {
            // op(B) column j is row j of b: a dot product per element.
            for (long j = 0; j < p->n; j++) {
                const float *bcol = p->b + j * p->ldb;
                float sum = 0.0f;
                for (long q = 0; q < p->k; q++) sum += p->a[i * ars + q * aps] * bcol[q];
                crow[j] += p->alpha * sum;
            }
        } else {
            for (long q = 0; q < p->k; q++) {
                const float av = p->alpha * p->a[i * ars + q * aps];
                const float *brow = p->b + q * p->ldb;
                for (long j = 0; j < p->n; j++) crow[j] += av * brow[j];
            }
        }
    }
}

// MARK: - Entry points

/// Products with fewer multiply-adds than this skip packing: its cost would dominate.
#define TL_SMALL_PRODUCT 32768

static void tl_run(const tl_isa *isa, int allowDirect, const tl_gemm_problem *p) {
    if (p->m <= 0 || p->n <= 0) return;
    if (p->k <= 0 || p->alpha == 0.0f) {
        tl_scale_c(p->m, p->n, p->beta, p->c, p->ldc);
    } else if (allowDirect && p->m * p->n * p->k < TL_SMALL_PRODUCT) {
        tl_gemm_direct(p);
    } else {
        isa->gemm(p);
    }
}

void tl_sgemm(int transA, int transB, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc) {
    const tl_gemm_problem p = {transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc};
    tl_run(tl_chosen_isa(), 1, &p);
}

int tl_sgemm_with_isa(const char *isa, int transA, int transB, long m, long n, long k, float alpha,
                      const float *a, long lda, const float *b, long ldb,
                      float beta, float *c, long ldc) {
    const tl_isa *chosen = tl_find_isa(isa);
    if (!chosen) return 0;
    const tl_gemm_problem p = {transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc};
    tl_run(chosen, 0, &p);
    return 1;
}
