// The array forms of exp, expm1, tanh and sigmoid (lanes_kernel.h) for every instruction set,
// and tl_lanes_apply, which runs the one tl_kernel_isa chose. Generated loops hand these a
// block of elements at a time: on baseline x86-64 Swift computes them four floats per
// instruction without fused multiply-adds, five times slower than avx512 here.
#define _POSIX_C_SOURCE 200112L  // posix_memalign under strict C modes
#include "CTapelessKernels.h"
#include "sgemm_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
typedef float tl_lanes_float16 __attribute__((vector_size(64)));
typedef int tl_lanes_int16 __attribute__((vector_size(64)));
typedef float tl_lanes_float8 __attribute__((vector_size(32)));
typedef int tl_lanes_int8 __attribute__((vector_size(32)));

#define TL_LANES_KERNELS tl_avx512_lanes
#define TL_LANES_TARGET __attribute__((target("avx512f,fma")))
#define TL_LANES_VECTOR tl_lanes_float16
#define TL_LANES_INTS tl_lanes_int16
#define TL_LANES_PREFIX tl_lanes_avx512_
#include "lanes_kernel.h"

#define TL_LANES_KERNELS tl_avx2_lanes
#define TL_LANES_TARGET __attribute__((target("avx2,fma")))
#define TL_LANES_VECTOR tl_lanes_float8
#define TL_LANES_INTS tl_lanes_int8
#define TL_LANES_PREFIX tl_lanes_avx2_
#include "lanes_kernel.h"
#endif

// The baseline's 4-float vectors: SSE2 on x86-64, Advanced SIMD on AArch64 (whose path, neon,
// uses these).
typedef float tl_lanes_float4 __attribute__((vector_size(16)));
typedef int tl_lanes_int4 __attribute__((vector_size(16)));

#define TL_LANES_KERNELS tl_portable_lanes
#define TL_LANES_TARGET
#define TL_LANES_VECTOR tl_lanes_float4
#define TL_LANES_INTS tl_lanes_int4
#define TL_LANES_PREFIX tl_lanes_portable_
#include "lanes_kernel.h"

int tl_lanes_apply(const char *isa, tl_lanes_function function, float *x, long n) {
    const tl_lanes_kernels *kernels = tl_lanes_for(isa);
    if (!kernels) return 0;
    switch (function) {
    case TL_LANES_EXP: kernels->exp(x, n); break;
    case TL_LANES_EXPM1: kernels->expm1(x, n); break;
    case TL_LANES_TANH: kernels->tanh(x, n); break;
    case TL_LANES_SIGMOID: kernels->sigmoid(x, n); break;
    }
    return 1;
}

// MARK: - Scratch blocks

static pthread_key_t tl_lanes_scratch_key;
static pthread_once_t tl_lanes_scratch_once = PTHREAD_ONCE_INIT;
static _Thread_local float *tl_lanes_scratch_memory;

static void tl_make_lanes_scratch_key(void) { pthread_key_create(&tl_lanes_scratch_key, free); }

float *tl_lanes_scratch(void) {
    if (tl_lanes_scratch_memory) return tl_lanes_scratch_memory;
    // Allocated on a thread's first call; the key's destructor frees it when the thread exits.
    pthread_once(&tl_lanes_scratch_once, tl_make_lanes_scratch_key);
    void *memory = NULL;
    if (posix_memalign(&memory, 64, (size_t)TL_LANES_SCRATCH_SLOTS * TL_LANES_SCRATCH_BLOCK * sizeof(float)) != 0)
        return NULL;
    pthread_setspecific(tl_lanes_scratch_key, memory);
    tl_lanes_scratch_memory = memory;
    return memory;
}
