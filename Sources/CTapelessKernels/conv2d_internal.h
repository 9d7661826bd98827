// Private to CTapelessKernels: the patch matrix of a 2-D convolution (im2col), which the
// drivers in conv2d.c multiply on the instruction sets' micro-tiles without ever storing it
// whole.
//
// For one group of channels the patch matrix has a row per weight of an output channel, in
// OIHW order: (input channel c of the group, kernel row dy, kernel column dx). It has a column
// per output position, numbered across samples: column (sample * outputHeight + y) *
// outputWidth + x. Element (row, column) is input[sample, c, y * strideY - paddingTop +
// dy * dilationY, x * strideX - paddingLeft + dx * dilationX], or zero in the padding. A
// convolution is then weight (outputChannels/groups x rows) times this matrix, its weight
// gradient the output gradient times this matrix's transpose, and its input gradient the
// transposed weight times the output gradient, scattered back through the same map.
#ifndef CTAPELESS_CONV2D_INTERNAL_H
#define CTAPELESS_CONV2D_INTERNAL_H

#include "CTapelessKernels.h"

/// Where one kernel row (or column) reads along its axis: output coordinate o reads input
/// coordinate o * stride + offset, which lies inside the input for o in [first, end).
typedef struct {
    long offset, first, end;
} tl_conv2d_tap;

/// The patch matrix of one convolution, with its taps worked out once per call so the packing
/// loops divide by nothing.
typedef struct {
    const tl_conv2d_geometry *g;
    long rows;                          // inputChannels / groups * kernelHeight * kernelWidth
    const tl_conv2d_tap *kernelRows;    // kernelHeight taps along the height
    const tl_conv2d_tap *kernelColumns; // kernelWidth taps along the width
} tl_conv2d_patches;

/// How many floats of scratch tl_conv2d_patches_init needs for the taps (a multiple of 16,
/// so what follows them stays 64-byte aligned).
long tl_conv2d_tap_floats(const tl_conv2d_geometry *g);

/// Describes g's patch matrix, keeping its taps in `scratch` (tl_conv2d_tap_floats floats).
tl_conv2d_patches tl_conv2d_patches_init(const tl_conv2d_geometry *g, float *scratch);

/// Copies rows [row0, row0 + rows) by columns [column0, column0 + columns) of the patch matrix
/// of the group whose first input channel is channel0 into dst, element (r, t) at
/// dst[r * ld + t], and writes zeros in columns [columns, width) of each row.
void tl_conv2d_gather(const tl_conv2d_patches *p, const float *input, long channel0, long row0, long rows,
                      long column0, long columns, long width, float *dst, long ld);

/// The adjoint of tl_conv2d_gather over every row (without the zero columns): adds
/// src[r * ld + t] to the input element that patch-matrix element (r, column0 + t) reads, and
/// drops those that read padding. The order of the sums is fixed, so they reproduce.
void tl_conv2d_scatter_add(const tl_conv2d_patches *p, const float *src, long ld, long channel0, long column0,
                           long columns, float *input);

/// One instruction set's dot-product micro-kernel (conv2d_dot_kernel.h): a `rows` x `columns`
/// tile of sums over depth, kept as vectors of `lanes` partial sums.
typedef struct {
    long rows, columns, lanes;
    void (*dot)(long depth, const float *a, long lda, const float *b, long ldb, float *sums, long ldSums,
                int accumulate);
} tl_dot_kernel;

/// The dot-product kernel of each instruction set (defined only where the ISA can exist).
extern const tl_dot_kernel tl_avx512_dot, tl_avx2_dot, tl_neon_dot, tl_portable_dot;

/// The dot-product kernel of the named instruction set (NULL: the one chosen for this
/// process), or NULL when this CPU or build lacks it.
const tl_dot_kernel *tl_dot_for(const char *isa);

#endif
