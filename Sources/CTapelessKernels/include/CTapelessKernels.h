#ifndef CTAPELESS_KERNELS_H
#define CTAPELESS_KERNELS_H

/// Single-precision matrix product C = alpha * op(A) * op(B) + beta * C, row-major.
///
/// op(A) is m x k, op(B) is k x n, C is m x n with leading dimension ldc. When transA is
/// nonzero, A is stored k x m (lda >= m); otherwise m x k (lda >= k). Likewise for B.
/// beta == 0 overwrites C without reading it (so C may hold NaN or garbage). Reentrant: each
/// thread packs into its own buffers.
void tl_sgemm(int transA, int transB, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc);

/// The instruction set the kernels chose at run time: "avx512", "avx2", "neon" or "portable".
///
/// On first use every path this CPU and build have is timed on one small product and the
/// fastest is kept for the life of the process; the environment variable TAPELESS_KERNELS
/// (one of the names above) skips the timing and names the path, when this CPU has it.
const char *tl_kernel_isa(void);

/// The index-th path this CPU and build can run (in the order preferred when they measure
/// alike), or NULL past the last one.
const char *tl_kernel_available_isa(long index);

/// The named path's speed on the calibration product in GFLOP/s, or 0 when it was not timed
/// (TAPELESS_KERNELS chose the path, or this CPU lacks it). Chooses the path first if needed.
double tl_kernel_calibration_gflops(const char *isa);

/// The register tile of the chosen instruction set: rows of op(A) and columns of op(B) one
/// micro-kernel call computes. Splitting C at multiples of these along M and N leaves every
/// element in the same kind of tile (full or edge), so the parts round exactly as one call.
void tl_sgemm_micro_tile(long *rows, long *columns);

/// tl_sgemm_micro_tile for the named instruction set; returns 0 when this CPU or build lacks it.
int tl_sgemm_isa_micro_tile(const char *isa, long *rows, long *columns);

/// A hint to the CPU that the caller is spinning on a memory location (PAUSE, YIELD).
static inline void tl_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// tl_sgemm on the named instruction set's blocked path (even for small products), for testing
/// every path on one machine. Returns 0 and leaves C untouched when this CPU or build lacks it.
int tl_sgemm_with_isa(const char *isa, int transA, int transB, long m, long n, long k, float alpha,
                      const float *a, long lda, const float *b, long ldb,
                      float beta, float *c, long ldc);

/// The elementwise functions tl_lanes_apply computes.
typedef enum { TL_LANES_EXP, TL_LANES_EXPM1, TL_LANES_TANH, TL_LANES_SIGMOID } tl_lanes_function;

/// Replaces each of x[0..<n] by exp, expm1, tanh or sigmoid of it, on the named instruction set
/// (NULL: the one tl_kernel_isa chose). Within a few units in the last place of the C library;
/// exp is 0 below −87.34 and infinity above 88.72, NaN stays NaN. Returns 0 and leaves x
/// untouched when this CPU or build lacks the named path.
int tl_lanes_apply(const char *isa, tl_lanes_function function, float *x, long n);

/// The floats in one block of tl_lanes_scratch, and the blocks it holds.
enum { TL_LANES_SCRATCH_BLOCK = 256, TL_LANES_SCRATCH_SLOTS = 16 };

/// The calling thread's scratch for loops that hand blocks of elements to tl_lanes_apply:
/// TL_LANES_SCRATCH_SLOTS blocks of TL_LANES_SCRATCH_BLOCK floats, 64-byte aligned, allocated
/// on the thread's first call and kept until it exits; NULL if it cannot be allocated.
float *tl_lanes_scratch(void);

/// The sizes of a 2-D convolution over an NCHW input [batch, inputChannels, height, width] with
/// OIHW weights [outputChannels, inputChannels / groups, kernelHeight, kernelWidth] and an NCHW
/// output [batch, outputChannels, outputHeight, outputWidth]. The tl_conv2d functions trust
/// them: Convolution2DGeometry in Swift checks them first.
typedef struct {
    long batch, inputChannels, height, width, outputChannels, kernelHeight, kernelWidth;
    long strideY, strideX, paddingTop, paddingLeft, dilationY, dilationX, groups;
    long outputHeight, outputWidth;
} tl_conv2d_geometry;

/// What a tl_conv2d call did: all of it, or nothing because the named instruction set is
/// missing on this CPU or build, or because its scratch memory could not be allocated.
typedef enum { TL_CONV2D_DONE, TL_CONV2D_NO_SUCH_PATH, TL_CONV2D_OUT_OF_MEMORY } tl_conv2d_status;

/// Samples [first, end) of output = conv(input, weight) + bias, a cross-correlation as in
/// PyTorch; bias (outputChannels floats) may be NULL. Every pointer is to sample 0 of its
/// tensor. isa names the instruction set (NULL: the one tl_kernel_isa chose). Each sample is
/// computed alike whatever range it is in, so ranges may run on separate threads.
tl_conv2d_status tl_conv2d_forward(const char *isa, const tl_conv2d_geometry *g, long first, long end,
                                   const float *input, const float *weight, const float *bias,
                                   float *output);

/// Samples [first, end) of inputGradient = the gradient of sum(outputGradient * conv(input,
/// weight)) with respect to input (a transposed convolution). Overwrites those samples.
tl_conv2d_status tl_conv2d_input_gradient(const char *isa, const tl_conv2d_geometry *g, long first,
                                          long end, const float *outputGradient, const float *weight,
                                          float *inputGradient);

/// weightGradient = the sum over samples [first, end) and every output position of
/// outputGradient times the input patch it saw (OIHW, overwritten). The result depends on
/// the range, not on the thread: sums over fixed ranges added in a fixed order reproduce.
tl_conv2d_status tl_conv2d_weight_gradient(const char *isa, const tl_conv2d_geometry *g, long first,
                                           long end, const float *input, const float *outputGradient,
                                           float *weightGradient);

#endif
