// The dot-product micro-kernels of every instruction set (conv2d_dot_kernel.h), for the
// weight gradient of a convolution: sums over long rows of two operands that are both
// contiguous along the sum, the one product the matrix micro-kernels serve badly.
#include "conv2d_internal.h"
#include "sgemm_internal.h"

#include <string.h>

typedef float tl_dot_float4 __attribute__((vector_size(16)));

#if defined(__x86_64__) || defined(__i386__)
typedef float tl_dot_float16 __attribute__((vector_size(64)));
typedef float tl_dot_float8 __attribute__((vector_size(32)));

// 24 zmm accumulators, 4 row vectors and 1 column vector of the 32 registers.
#define TL_DOT_NAME tl_dot_avx512_tile
#define TL_DOT_KERNEL tl_avx512_dot
#define TL_DOT_TARGET __attribute__((target("avx512f,fma")))
#define TL_DOT_VECTOR tl_dot_float16
#define TL_DOT_LANES 16
#define TL_DOT_ROWS 4
#define TL_DOT_COLUMNS 6
#include "conv2d_dot_kernel.h"

// 12 ymm accumulators, 3 row vectors and 1 column vector of the 16 registers.
#define TL_DOT_NAME tl_dot_avx2_tile
#define TL_DOT_KERNEL tl_avx2_dot
#define TL_DOT_TARGET __attribute__((target("avx2,fma")))
#define TL_DOT_VECTOR tl_dot_float8
#define TL_DOT_LANES 8
#define TL_DOT_ROWS 3
#define TL_DOT_COLUMNS 4
#include "conv2d_dot_kernel.h"
#endif

#if defined(__aarch64__)
// 24 q accumulators, 4 row vectors and 1 column vector of the 32 registers.
#define TL_DOT_NAME tl_dot_neon_tile
#define TL_DOT_KERNEL tl_neon_dot
#define TL_DOT_TARGET
#define TL_DOT_VECTOR tl_dot_float4
#define TL_DOT_LANES 4
#define TL_DOT_ROWS 4
#define TL_DOT_COLUMNS 6
#include "conv2d_dot_kernel.h"
#endif

// The baseline's 4-float vectors (SSE2 on x86-64): 12 accumulators of the 16 registers.
#define TL_DOT_NAME tl_dot_portable_tile
#define TL_DOT_KERNEL tl_portable_dot
#define TL_DOT_TARGET
#define TL_DOT_VECTOR tl_dot_float4
#define TL_DOT_LANES 4
#define TL_DOT_ROWS 3
#define TL_DOT_COLUMNS 4
#include "conv2d_dot_kernel.h"
