// 2-D convolution, its input gradient and its weight gradient as matrix products with the
// patch matrix (conv2d_internal.h), computed on the micro-tiles of the matrix kernels. The
// patch matrix is never stored whole: each driver gathers the block one micro-kernel call
// needs straight into the layout that call reads (a packed panel of B, or A read in place),
// so a convolution copies its input once instead of twice (im2col, then packing).
//
// Scratch memory is the calling thread's matrix-product workspace: it grows to the largest
// call a thread has made and is then reused, so a training step allocates nothing.
#include "conv2d_internal.h"
#include "sgemm_internal.h"

#include <string.h>

static TL_ALWAYS_INLINE long tl_round_up(long x, long multiple) { return (x + multiple - 1) / multiple * multiple; }

/// Pieces of the thread's workspace, each a multiple of 16 floats so the next stays 64-byte
/// aligned for the kernels' aligned panel loads.
typedef struct {
    float *taps, *first, *second, *third;
} tl_conv2d_scratch;

/// Carves taps and three pieces of the given sizes (in floats) out of the workspace; returns
/// 0 when it cannot be allocated.
static int tl_conv2d_scratch_init(tl_conv2d_scratch *s, const tl_conv2d_geometry *g, long first, long second,
                                  long third) {
    const long taps = tl_conv2d_tap_floats(g);
    first = tl_round_up(first, 16);
    second = tl_round_up(second, 16);
    float *memory = tl_gemm_workspace((size_t)(taps + first + second + tl_round_up(third, 16)));
    if (!memory) return 0;
    *s = (tl_conv2d_scratch){memory, memory + taps, memory + taps + first, memory + taps + first + second};
    return 1;
}

/// Weights of output channels and patch rows of one group, as the drivers split them.
typedef struct {
    long outputs;    // outputChannels / groups
    long rows;       // patch-matrix rows: inputChannels / groups * kernelHeight * kernelWidth
    long positions;  // outputHeight * outputWidth: patch-matrix columns per sample
} tl_conv2d_sizes;

static tl_conv2d_sizes tl_conv2d_sizes_of(const tl_conv2d_geometry *g) {
    return (tl_conv2d_sizes){g->outputChannels / g->groups,
                             g->inputChannels / g->groups * g->kernelHeight * g->kernelWidth,
                             g->outputHeight * g->outputWidth};
}

// MARK: - Forward

tl_conv2d_status tl_conv2d_forward(const char *isa, const tl_conv2d_geometry *g, long first, long end,
                                   const float *input, const float *weight, const float *bias,
                                   float *output) {
    const tl_conv2d_sizes n = tl_conv2d_sizes_of(g);
    // Per sample and group: output (outputs x positions) = weight (outputs x rows) x patches.
    const tl_tile_kernel *tile = tl_tile_for(isa, n.positions);
    if (!tile) return TL_CONV2D_NO_SUCH_PATH;
    if (first >= end) return TL_CONV2D_DONE;
    const long mr = tile->mr, nr = tile->nr, kc = tile->kc;
    // The weights of each group packed once per call, in mr-row panels per depth block of kc
    // rows, zero-padded to whole panels (LeNet's first layer has 6 outputs on a 12-row tile).
    const long paddedOutputs = tl_round_up(n.outputs, mr);
    tl_conv2d_scratch s;
    if (!tl_conv2d_scratch_init(&s, g, g->groups * paddedOutputs * n.rows, tl_min(kc, n.rows) * nr, 0))
        return TL_CONV2D_OUT_OF_MEMORY;
    const tl_conv2d_patches patches = tl_conv2d_patches_init(g, s.taps);
    float *packedWeight = s.first, *panel = s.second;
    for (long group = 0; group < g->groups; group++)
        for (long pc = 0; pc < n.rows; pc += kc)
            tl_pack_panels(weight + group * n.outputs * n.rows + pc, n.rows, 1, n.outputs, tl_min(kc, n.rows - pc), mr,
                           packedWeight + (group * n.rows + pc) * paddedOutputs);

    for (long sample = first; sample < end; sample++) {
        for (long group = 0; group < g->groups; group++) {
            float *out = output + (sample * g->outputChannels + group * n.outputs) * n.positions;
            if (bias)
                for (long o = 0; o < n.outputs; o++)
                    for (long j = 0; j < n.positions; j++) out[o * n.positions + j] = bias[group * n.outputs + o];
            // One panel of nr positions at a time, so its patches stay in L1 for every tile.
            for (long j = 0; j < n.positions; j += nr) {
                const long columns = tl_min(nr, n.positions - j);
                for (long pc = 0; pc < n.rows; pc += kc) {
                    const long depth = tl_min(kc, n.rows - pc);
                    tl_conv2d_gather(&patches, input, group * (g->inputChannels / g->groups), pc, depth,
                                     sample * n.positions + j, columns, nr, panel, nr);
                    // The bias, then each depth block, accumulate onto what is there.
                    const float beta = bias || pc > 0 ? 1.0f : 0.0f;
                    const float *weights = packedWeight + (group * n.rows + pc) * paddedOutputs;
                    for (long i = 0; i < n.outputs; i += mr)
                        tile->tile(depth, weights + i * depth, 1, mr, panel, tl_min(mr, n.outputs - i), columns, beta,
                                   out + i * n.positions + j, n.positions);
                }
            }
        }
    }
    return TL_CONV2D_DONE;
}

// MARK: - Input gradient

tl_conv2d_status tl_conv2d_input_gradient(const char *isa, const tl_conv2d_geometry *g, long first, long end,
                                          const float *outputGradient, const float *weight,
                                          float *inputGradient) {
    const tl_conv2d_sizes n = tl_conv2d_sizes_of(g);
    // Per sample and group: patch gradient (rows x positions) = weightᵀ (rows x outputs) x
    // output gradient (outputs x positions), one panel of positions at a time, scattered back
    // into the input gradient while it is in L1.
    const tl_tile_kernel *tile = tl_tile_for(isa, n.positions);
    if (!tile) return TL_CONV2D_NO_SUCH_PATH;
    if (first >= end) return TL_CONV2D_DONE;
    const long mr = tile->mr, nr = tile->nr, kc = tile->kc;
    // The panel's rows are padded to whole tiles, so every tile is full and written in place;
    // the padding rows (zero weights) are never scattered.
    const long paddedRows = tl_round_up(n.rows, mr);
    tl_conv2d_scratch s;
    if (!tl_conv2d_scratch_init(&s, g, g->groups * paddedRows * n.outputs, tl_min(kc, n.outputs) * nr,
                                paddedRows * nr))
        return TL_CONV2D_OUT_OF_MEMORY;
    const tl_conv2d_patches patches = tl_conv2d_patches_init(g, s.taps);
    float *packedWeight = s.first, *panel = s.second, *patchGradient = s.third;
    for (long group = 0; group < g->groups; group++)
        for (long pc = 0; pc < n.outputs; pc += kc)
            tl_pack_panels(weight + (group * n.outputs + pc) * n.rows, 1, n.rows, n.rows, tl_min(kc, n.outputs - pc),
                           mr, packedWeight + (group * n.outputs + pc) * paddedRows);

    const long sampleSize = g->inputChannels * g->height * g->width;
    memset(inputGradient + first * sampleSize, 0, sizeof(float) * (size_t)((end - first) * sampleSize));
    for (long sample = first; sample < end; sample++) {
        for (long group = 0; group < g->groups; group++) {
            const float *gradient = outputGradient + (sample * g->outputChannels + group * n.outputs) * n.positions;
            for (long j = 0; j < n.positions; j += nr) {
                const long columns = tl_min(nr, n.positions - j);
                for (long pc = 0; pc < n.outputs; pc += kc) {
                    const long depth = tl_min(kc, n.outputs - pc);
                    tl_pack_panels(gradient + pc * n.positions + j, 1, n.positions, columns, depth, nr, panel);
                    const float *weights = packedWeight + (group * n.outputs + pc) * paddedRows;
                    for (long i = 0; i < paddedRows; i += mr)
                        tile->tile(depth, weights + i * depth, 1, mr, panel, mr, nr, pc > 0 ? 1.0f : 0.0f,
                                   patchGradient + i * nr, nr);
                }
                tl_conv2d_scatter_add(&patches, patchGradient, nr, group * (g->inputChannels / g->groups),
                                      sample * n.positions + j, columns, inputGradient);
            }
        }
    }
    return TL_CONV2D_DONE;
}

// MARK: - Weight gradient

/// Floats of the two blocks the weight gradient multiplies at once: about half of a Zen 5
/// core's 1 MiB L2, so both stay there while every tile of sums reads them.
enum { TL_CONV2D_BLOCK_FLOATS = 128 * 1024, TL_CONV2D_MAX_BLOCK_WIDTH = 1024 };

typedef float tl_conv2d_float4 __attribute__((vector_size(16)));

/// The sum of `lanes` (4, 8 or 16) floats, added in halves: lane l plus lane l + lanes / 2,
/// and so on. In registers, with `lanes` a constant, each sum is a few vector adds that do not
/// wait on the others; a running sum waits on every add, and halving in memory stalls every
/// load on the store before it (either made the 2400 sums of LeNet's second layer cost as
/// much as multiplying 8 samples).
static TL_ALWAYS_INLINE float tl_conv2d_lane_sum(const float *lane, long lanes) {
    tl_conv2d_float4 quads[4];
    const long count = lanes / 4;
    for (long i = 0; i < count; i++) memcpy(&quads[i], lane + 4 * i, sizeof quads[i]);
    for (long half = count / 2; half > 0; half /= 2)
        for (long i = 0; i < half; i++) quads[i] += quads[i + half];
    return (quads[0][0] + quads[0][2]) + (quads[0][1] + quads[0][3]);
}

/// Writes the weight gradient of one group, gradient[o * rows + r], as the lane sum of sums'
/// vector (r, o).
static TL_ALWAYS_INLINE void tl_conv2d_add_lanes(const float *sums, long lanes, long paddedOutputs, long rows,
                                                 long outputs, float *gradient) {
    for (long r = 0; r < rows; r++)
        for (long o = 0; o < outputs; o++)
            gradient[o * rows + r] = tl_conv2d_lane_sum(sums + (r * paddedOutputs + o) * lanes, lanes);
}

tl_conv2d_status tl_conv2d_weight_gradient(const char *isa, const tl_conv2d_geometry *g, long first, long end,
                                           const float *input, const float *outputGradient,
                                           float *weightGradient) {
    const tl_conv2d_sizes n = tl_conv2d_sizes_of(g);
    // Per group: weight gradient (outputs x rows) = output gradient (outputs x columns) x
    // patchesᵀ (columns x rows), over the columns of every sample in the range. Both operands
    // are contiguous along the columns, the sum, so blocks of them are plain copies (a
    // gather, for the patches) and the dot-product kernels read them as they are; the matrix
    // micro-kernels would need one of them transposed into panels, a scalar copy as large as
    // the patches, and LeNet's first layer, with 6 outputs, would fill a third of their tile
    // (12 GFLOP/s that way on one Zen 5 core, 70 this way).
    const tl_dot_kernel *dot = tl_dot_for(isa);
    if (!dot) return TL_CONV2D_NO_SUCH_PATH;
    if (first >= end) {
        memset(weightGradient, 0, sizeof(float) * (size_t)(g->outputChannels * n.rows));
        return TL_CONV2D_DONE;
    }
    const long lanes = dot->lanes;
    // Padding rows of zeros make every tile full.
    const long paddedRows = tl_round_up(n.rows, dot->rows), paddedOutputs = tl_round_up(n.outputs, dot->columns);
    const long columnStart = first * n.positions, columnEnd = end * n.positions;
    const long widest = tl_min(TL_CONV2D_MAX_BLOCK_WIDTH, TL_CONV2D_BLOCK_FLOATS / (paddedRows + paddedOutputs));
    const long width = tl_round_up(tl_min(columnEnd - columnStart, widest), lanes);
    tl_conv2d_scratch s;
    if (!tl_conv2d_scratch_init(&s, g, paddedRows * width, paddedOutputs * width, paddedRows * paddedOutputs * lanes))
        return TL_CONV2D_OUT_OF_MEMORY;
    const tl_conv2d_patches patches = tl_conv2d_patches_init(g, s.taps);
    float *patchBlock = s.first, *gradientBlock = s.second, *sums = s.third;
    memset(patchBlock + n.rows * width, 0, sizeof(float) * (size_t)((paddedRows - n.rows) * width));
    memset(gradientBlock + n.outputs * width, 0, sizeof(float) * (size_t)((paddedOutputs - n.outputs) * width));

    for (long group = 0; group < g->groups; group++) {
        const float *gradient = outputGradient + group * n.outputs * n.positions;
        for (long column = columnStart; column < columnEnd; column += width) {
            // The block's columns, zero-padded to whole vectors.
            const long depth = tl_min(width, columnEnd - column), padded = tl_round_up(depth, lanes);
            tl_conv2d_gather(&patches, input, group * (g->inputChannels / g->groups), 0, n.rows, column, depth, padded,
                             patchBlock, width);
            for (long o = 0; o < n.outputs; o++) {
                float *row = gradientBlock + o * width;
                for (long c = column; c < column + depth;) {
                    const long sample = c / n.positions, position = c % n.positions;
                    const long run = tl_min(n.positions - position, column + depth - c);
                    memcpy(row + (c - column), gradient + (sample * g->outputChannels + o) * n.positions + position,
                           sizeof(float) * (size_t)run);
                    c += run;
                }
                memset(row + depth, 0, sizeof(float) * (size_t)(padded - depth));
            }
            for (long r = 0; r < paddedRows; r += dot->rows)
                for (long o = 0; o < paddedOutputs; o += dot->columns)
                    dot->dot(padded, patchBlock + r * width, width, gradientBlock + o * width, width,
                             sums + (r * paddedOutputs + o) * lanes, paddedOutputs * lanes, column > columnStart);
        }
        float *groupGradient = weightGradient + group * n.outputs * n.rows;
        switch (lanes) {
        case 16: tl_conv2d_add_lanes(sums, 16, paddedOutputs, n.rows, n.outputs, groupGradient); break;
        case 8: tl_conv2d_add_lanes(sums, 8, paddedOutputs, n.rows, n.outputs, groupGradient); break;
        default: tl_conv2d_add_lanes(sums, 4, paddedOutputs, n.rows, n.outputs, groupGradient); break;
        }
    }
    return TL_CONV2D_DONE;
}
