// The patch matrix of a 2-D convolution: copying blocks of it out of the input (im2col) and
// adding blocks back into an input gradient (col2im). See conv2d_internal.h.
#include "conv2d_internal.h"
#include "sgemm_internal.h"

static TL_ALWAYS_INLINE long tl_clamp(long x, long low, long high) { return x < low ? low : x > high ? high : x; }

/// The tap of kernel offset d along an axis with the given settings.
static tl_conv2d_tap tl_conv2d_tap_at(long d, long stride, long padding, long dilation, long input, long output) {
    const long offset = d * dilation - padding;
    // o * stride + offset >= 0 from o = ceil(-offset / stride); < input until ceil((input - offset) / stride).
    const long first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    const long end = input - offset <= 0 ? 0 : (input - offset + stride - 1) / stride;
    const long clampedFirst = tl_min(first, output);
    return (tl_conv2d_tap){offset, clampedFirst, tl_clamp(end, clampedFirst, output)};
}

long tl_conv2d_tap_floats(const tl_conv2d_geometry *g) {
    const long bytes = (g->kernelHeight + g->kernelWidth) * (long)sizeof(tl_conv2d_tap);
    return (bytes / (long)sizeof(float) + 15) / 16 * 16;
}

tl_conv2d_patches tl_conv2d_patches_init(const tl_conv2d_geometry *g, float *scratch) {
    tl_conv2d_tap *taps = (tl_conv2d_tap *)scratch;
    for (long dy = 0; dy < g->kernelHeight; dy++)
        taps[dy] = tl_conv2d_tap_at(dy, g->strideY, g->paddingTop, g->dilationY, g->height, g->outputHeight);
    for (long dx = 0; dx < g->kernelWidth; dx++)
        taps[g->kernelHeight + dx] =
            tl_conv2d_tap_at(dx, g->strideX, g->paddingLeft, g->dilationX, g->width, g->outputWidth);
    const long rows = g->inputChannels / g->groups * g->kernelHeight * g->kernelWidth;
    return (tl_conv2d_patches){g, rows, taps, taps + g->kernelHeight};
}

enum { TL_GATHER, TL_SCATTER_ADD };

/// The most columns tl_conv2d_visit lays out runs for at once (a block of the forward pass or
/// the input gradient is one panel, 32 columns at most; the weight gradient's are up to 1024).
enum { TL_CONV2D_PASS_COLUMNS = 256 };

/// Columns of the patch matrix that lie along one output row: the input elements any one
/// patch row reads for them are evenly spaced (contiguous at stride 1).
typedef struct {
    long column;  // the first column, relative to the block
    long length;
    long y, x;    // the first column's output position
    long start;   // input element of its window's top-left tap: sample, then y * strideY * width + x * strideX
} tl_conv2d_run;

/// Copies (gather) or adds (scatter) n evenly spaced input elements.
static TL_ALWAYS_INLINE void tl_conv2d_move(int mode, float *restrict pixels, long stride, float *restrict part, long n) {
    if (mode == TL_GATHER) {
        if (stride == 1) for (long j = 0; j < n; j++) part[j] = pixels[j];
        else for (long j = 0; j < n; j++) part[j] = pixels[j * stride];
    } else {
        if (stride == 1) for (long j = 0; j < n; j++) pixels[j] += part[j];
        else for (long j = 0; j < n; j++) pixels[j * stride] += part[j];
    }
}

/// Lays out columns [column0, column0 + columns) of the patch matrix, at most
/// TL_CONV2D_PASS_COLUMNS of them, as runs along output rows; returns how many.
static TL_ALWAYS_INLINE long tl_conv2d_runs(const tl_conv2d_geometry *g, long column0, long columns,
                                            tl_conv2d_run *runs) {
    const long outH = g->outputHeight, outW = g->outputWidth, positions = outH * outW;
    const long sampleSize = g->inputChannels * g->height * g->width;
    long count = 0;
    long sample = column0 / positions, y = column0 % positions / outW, x = column0 % outW;
    for (long t = 0; t < columns; count++) {
        const long length = tl_min(columns - t, outW - x);
        runs[count] = (tl_conv2d_run){t, length, y, x, sample * sampleSize + (y * g->strideY * g->width + x * g->strideX)};
        t += length;
        x += length;
        if (x == outW) {
            x = 0;
            if (++y == outH) {
                y = 0;
                sample++;
            }
        }
    }
    return count;
}

/// Gathers (line = patches) or scatter-adds (image += patches of line) one row of the patch
/// matrix, that of input channel `channel` and kernel offsets dy, dx, over the laid-out runs.
/// A row whose taps read inside the input at every output position (every row, without
/// padding) moves its runs with no bounds checks.
static TL_ALWAYS_INLINE void tl_conv2d_row(int mode, const tl_conv2d_patches *p, float *image, long channel, long dy,
                                           long dx, const tl_conv2d_run *runs, long runCount, float *line) {
    const tl_conv2d_geometry *g = p->g;
    const long stride = g->strideX;
    const tl_conv2d_tap ty = p->kernelRows[dy], tx = p->kernelColumns[dx];
    // The input element a run's first column reads is its start plus this.
    const long tapStart = (channel * g->height + ty.offset) * g->width + tx.offset;
    if (ty.first == 0 && ty.end == g->outputHeight && tx.first == 0 && tx.end == g->outputWidth) {
        for (long i = 0; i < runCount; i++)
            tl_conv2d_move(mode, image + (runs[i].start + tapStart), stride, line + runs[i].column, runs[i].length);
        return;
    }
    for (long i = 0; i < runCount; i++) {
        const tl_conv2d_run run = runs[i];
        float *part = line + run.column;
        // Columns [lo, hi) of the run read inside the input.
        const long end = run.x + run.length;
        const long lo = run.y >= ty.first && run.y < ty.end ? tl_clamp(tx.first, run.x, end) : end;
        const long hi = tl_clamp(tx.end, lo, end);
        if (lo < hi)
            tl_conv2d_move(mode, image + (run.start + tapStart + (lo - run.x) * stride), stride, part + (lo - run.x),
                           hi - lo);
        if (mode == TL_GATHER) {
            for (long j = 0; j < lo - run.x; j++) part[j] = 0.0f;
            for (long j = hi - run.x; j < run.length; j++) part[j] = 0.0f;
        }
    }
}

/// Gathering and scattering are moves and elementwise sums, alike in bits on any instruction
/// set, so they take the widest vectors the CPU has (the ELF loader picks the clone); LeNet's
/// layers gather runs of 8 and 24 floats, which SSE2 moves 4 at a time.
///
/// Not under ThreadSanitizer: the loader runs a clone's resolver before the sanitizer's
/// runtime is set up, which crashes every sanitized binary at start-up.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TL_CONV2D_NO_CLONES 1
#endif
#endif
#if defined(__x86_64__) && defined(__ELF__) && !defined(TL_CONV2D_NO_CLONES)
#define TL_CONV2D_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TL_CONV2D_CLONES
#endif

/// Gathers or scatter-adds rows [row0, row0 + rows) by columns [column0, column0 + columns),
/// a row at a time over the runs of up to TL_CONV2D_PASS_COLUMNS columns at once.
static TL_ALWAYS_INLINE void tl_conv2d_visit(int mode, const tl_conv2d_patches *p, float *image, long channel0,
                                             long row0, long rows, long column0, long columns, float *panel, long ld) {
    const long kh = p->g->kernelHeight, kw = p->g->kernelWidth;
    tl_conv2d_run runs[TL_CONV2D_PASS_COLUMNS];
    for (long t = 0; t < columns; t += TL_CONV2D_PASS_COLUMNS) {
        const long runCount = tl_conv2d_runs(p->g, column0 + t, tl_min(TL_CONV2D_PASS_COLUMNS, columns - t), runs);
        long c = row0 / (kh * kw), dy = row0 / kw % kh, dx = row0 % kw;
        for (long r = 0; r < rows; r++) {
            tl_conv2d_row(mode, p, image, channel0 + c, dy, dx, runs, runCount, panel + r * ld + t);
            if (++dx == kw) {
                dx = 0;
                if (++dy == kh) {
                    dy = 0;
                    c++;
                }
            }
        }
    }
}

TL_CONV2D_CLONES
void tl_conv2d_gather(const tl_conv2d_patches *p, const float *input, long channel0, long row0, long rows,
                      long column0, long columns, long width, float *dst, long ld) {
    // Gathering only reads the image.
    tl_conv2d_visit(TL_GATHER, p, (float *)input, channel0, row0, rows, column0, columns, dst, ld);
    for (long r = 0; r < rows; r++)
        for (long t = columns; t < width; t++) dst[r * ld + t] = 0.0f;
}

TL_CONV2D_CLONES
void tl_conv2d_scatter_add(const tl_conv2d_patches *p, const float *src, long ld, long channel0, long column0,
                           long columns, float *input) {
    // Scattering only reads the panel.
    tl_conv2d_visit(TL_SCATTER_ADD, p, input, channel0, 0, p->rows, column0, columns, (float *)src, ld);
}
