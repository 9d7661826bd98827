// tl_sgemm: argument handling, small-problem path, per-thread workspace, and the run-time
// choice of instruction set. The blocked driver is in sgemm_internal.h, the micro-kernels in
// one file per instruction set.
#define _POSIX_C_SOURCE 200112L  // posix_memalign under strict C modes
#include "CTapelessKernels.h"
#include "sgemm_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// MARK: - Instruction sets

typedef struct {
    const char *name;
    void (*gemm)(const tl_gemm_problem *);
    long mr, nr;  // the micro-tile, as in the ISA's tl_blocking
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

/// Every compiled path, fastest first.
static const tl_isa tl_isas[] = {
#if defined(__x86_64__) || defined(__i386__)
    {"avx512", tl_gemm_avx512, TL_AVX512_MR, TL_AVX512_NR},
    {"avx2", tl_gemm_avx2, TL_AVX2_MR, TL_AVX2_NR},
#endif
#if defined(__aarch64__)
    {"neon", tl_gemm_neon, TL_NEON_MR, TL_NEON_NR},
#endif
    {"portable", tl_gemm_portable, TL_PORTABLE_MR, TL_PORTABLE_NR},
};

static const tl_isa *tl_find_isa(const char *name) {
    for (size_t i = 0; i < sizeof tl_isas / sizeof tl_isas[0]; i++)
        if (strcmp(tl_isas[i].name, name) == 0) return tl_isa_available(name) ? &tl_isas[i] : NULL;
    return NULL;
}

/// The fastest available path, chosen on first use. Racing first calls compute the same
/// answer, so a relaxed atomic is enough.
static const tl_isa *tl_chosen_isa(void) {
    static _Atomic(const tl_isa *) chosen = NULL;
    const tl_isa *isa = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (isa) return isa;
    for (size_t i = 0; !isa; i++)
        if (tl_isa_available(tl_isas[i].name)) isa = &tl_isas[i];
    atomic_store_explicit(&chosen, isa, memory_order_relaxed);
    return isa;
}

const char *tl_kernel_isa(void) { return tl_chosen_isa()->name; }

void tl_sgemm_micro_tile(long *rows, long *columns) {
    const tl_isa *isa = tl_chosen_isa();
    *rows = isa->mr;
    *columns = isa->nr;
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
