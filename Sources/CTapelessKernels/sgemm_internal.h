// Private to CTapelessKernels: the problem description, the blocked driver shared by every
// instruction set, and the per-ISA entry points.
//
// The structure is the one of BLIS (Van Zee & van de Geijn, "BLIS: A Framework for Rapidly
// Instantiating BLAS Functionality", ACM TOMS 2015), transposed for row-major C with vectors
// along the columns: op(A) is packed into MR-row panels, op(B) into NR-column panels, and one
// register-tiled micro-kernel per instruction set multiplies a panel pair. Transposes are
// absorbed by the packing, so the micro-kernel never sees them.
#ifndef CTAPELESS_SGEMM_INTERNAL_H
#define CTAPELESS_SGEMM_INTERNAL_H

#include <stddef.h>

#define TL_ALWAYS_INLINE inline __attribute__((always_inline))
/// Unrolls the loop that follows completely. Every micro-kernel loop over its tile's rows needs
/// it: SwiftPM's release builds compile C at -O2, where Clang leaves a 12-trip loop rolled and
/// keeps the accumulators in memory (the AVX-512 path ran B2's products at 61 GFLOP/s instead
/// of 190 on one Zen 5 core).
#define TL_UNROLL _Pragma("clang loop unroll(full)")
#define TL_ALIGNED __attribute__((aligned(64)))

/// Micro-tiles (rows of op(A) x columns of op(B)) of every instruction set, shared by the
/// kernels and tl_sgemm_micro_tile.
enum {
    TL_AVX512_MR = 12, TL_AVX512_NR = 32,
    TL_AVX2_MR = 6, TL_AVX2_NR = 16,
    TL_NEON_MR = 8, TL_NEON_NR = 12,
    TL_PORTABLE_MR = 6, TL_PORTABLE_NR = 8,
};

/// The largest micro-tile (MR * NR) of any instruction set, for the edge-tile scratch.
#define TL_MAX_TILE (12 * 32)

/// One call of tl_sgemm.
typedef struct {
    int transA, transB;
    long m, n, k;
    float alpha;
    const float *a;
    long lda;
    const float *b;
    long ldb;
    float beta;
    float *c;
    long ldc;
} tl_gemm_problem;

/// Computes a full MR x NR tile: c = alpha * (A panel) * (packed B panel) + beta * c, reading
/// c only when beta is nonzero. Element (r, p) of the A panel is a[r * ars + p * aps]: packed
/// panels have ars = 1 and aps = MR, unpacked ones are read in place. Every kernel is always
/// inlined into the driver, which calls it once with the packed strides as constants (so the
/// panel addressing folds to fixed offsets; measured: 784x128x1000 with a transposed A went
/// from 58 to 80 GFLOP/s on one AVX2 core) and once with run-time strides.
typedef void (*tl_microkernel)(long kc, const float *a, long ars, long aps, const float *b,
                               float *c, long ldc, float alpha, float beta);

/// Blocking of one instruction set: the register tile and the cache blocks.
typedef struct {
    long mr, nr;  // micro-tile: rows of op(A) by columns of op(B)
    long mc;      // rows of op(A) packed at once (a multiple of mr)
    long nc;      // columns of op(B) packed at once (a multiple of nr); kc x nc stays in L2
    long kc;      // depth of one packed block; an mr x kc panel of A stays in L1
} tl_blocking;

/// One instruction set's micro-tile as a callable unit, for drivers that pack panels of their
/// own (the convolutions in conv2d.c) instead of running tl_gemm_blocked.
typedef struct tl_tile_kernel {
    long mr, nr;  // the micro-tile, as in the instruction set's tl_blocking
    long kc;      // the depth of one packed block in tl_gemm_blocked, which drivers also keep
    /// tl_gemm_tile with alpha 1 on this instruction set's micro-kernel.
    void (*tile)(long kc, const float *a, long ars, long aps, const float *b, long rows, long cols,
                 float beta, float *c, long ldc);
    /// A tile that runs products at most its `nr` columns wide faster than this one, or NULL.
    const struct tl_tile_kernel *narrow;
} tl_tile_kernel;

/// The micro-tile of each instruction set (defined only where the ISA can exist).
extern const tl_tile_kernel tl_avx512_tile, tl_avx2_tile, tl_neon_tile, tl_portable_tile;

/// One instruction set's elementwise functions over arrays (lanes.c), each in place on x[0..<n].
typedef struct {
    void (*exp)(float *x, long n);
    void (*expm1)(float *x, long n);
    void (*tanh)(float *x, long n);
    void (*sigmoid)(float *x, long n);
} tl_lanes_kernels;

/// The functions of each instruction set (defined only where the ISA can exist; neon uses
/// the portable ones, whose 4-float vectors are its registers).
extern const tl_lanes_kernels tl_avx512_lanes, tl_avx2_lanes, tl_portable_lanes;

/// The named instruction set's functions (NULL: the one chosen for this process), or NULL
/// when this CPU or build lacks it.
const tl_lanes_kernels *tl_lanes_for(const char *isa);

/// The tile a product `columns` wide runs on with the named instruction set (NULL: the one
/// chosen for this process): its own, or its narrow one. NULL when this CPU or build lacks it.
const tl_tile_kernel *tl_tile_for(const char *isa, long columns);

/// A 64-byte aligned scratch buffer of at least `count` floats owned by the calling thread,
/// reused across calls; NULL if it cannot be allocated.
float *tl_gemm_workspace(size_t count);

/// Adds an alpha-scaled edge tile (row stride `tileStride`) to beta * c over `rows` x `cols`;
/// beta == 0 overwrites c without reading it.
void tl_gemm_merge_tile(const float *tile, long tileStride, long rows, long cols, float beta,
                        float *c, long ldc);

/// The unblocked product, for small or degenerate problems and as a last resort.
void tl_gemm_direct(const tl_gemm_problem *p);

/// Per-ISA implementations of the whole product (defined only where the ISA can exist).
void tl_gemm_avx512(const tl_gemm_problem *p);
void tl_gemm_avx2(const tl_gemm_problem *p);
void tl_gemm_neon(const tl_gemm_problem *p);
void tl_gemm_portable(const tl_gemm_problem *p);

static TL_ALWAYS_INLINE long tl_min(long x, long y) { return x < y ? x : y; }

/// Packs `lines` lines of a matrix (the rows of op(A), or the columns of op(B)) over depth
/// [0, depth) into panels of `width` lines: element (line i, depth p) is at
/// src[i * ls + p * ps], and panel element (p, t) goes to dst[p * width + t]. The last panel
/// is zero-padded to `width` lines.
static TL_ALWAYS_INLINE void tl_pack_panels_strided(const float *src, long ls, long ps, long lines,
                                                    long depth, long width, float *restrict dst) {
    for (long i0 = 0; i0 < lines; i0 += width) {
        long valid = tl_min(width, lines - i0);
        const float *panel = src + i0 * ls;
        if (valid == width) {
            for (long p = 0; p < depth; p++)
                for (long t = 0; t < width; t++) dst[p * width + t] = panel[t * ls + p * ps];
        } else {
            for (long p = 0; p < depth; p++)
                for (long t = 0; t < width; t++) dst[p * width + t] = t < valid ? panel[t * ls + p * ps] : 0.0f;
        }
        dst += width * depth;
    }
}

/// tl_pack_panels_strided, with a unit line stride (the lines contiguous at each depth: a
/// transposed A, an untransposed B) spelled out so the copy vectorizes.
static TL_ALWAYS_INLINE void tl_pack_panels(const float *src, long ls, long ps, long lines, long depth,
                                            long width, float *restrict dst) {
    if (ls == 1) tl_pack_panels_strided(src, 1, ps, lines, depth, width, dst);
    else tl_pack_panels_strided(src, ls, ps, lines, depth, width, dst);
}

/// Computes the top-left `rows` x `cols` corner of one micro-tile, c = alpha * (A panel) *
/// (packed B panel) + beta * c, with the given kernel. A full tile is written in place; an edge
/// tile goes through a scratch tile and tl_gemm_merge_tile, so c is never written past the
/// corner and every element rounds alike in both (alpha * sum + beta * c, once). The A panel
/// is addressed as in tl_microkernel; a packed one's strides are spelled out so its addressing
/// folds.
static TL_ALWAYS_INLINE void tl_gemm_tile(tl_microkernel kernel, const tl_blocking bl, long kc,
                                          const float *a, long ars, long aps, const float *b,
                                          long rows, long cols, float alpha, float beta, float *c,
                                          long ldc) {
    float tile[TL_MAX_TILE] TL_ALIGNED;
    const int full = rows == bl.mr && cols == bl.nr;
    float *out = full ? c : tile;
    const long ldo = full ? ldc : bl.nr;
    const float outBeta = full ? beta : 0.0f;
    if (ars == 1 && aps == bl.mr)
        kernel(kc, a, 1, bl.mr, b, out, ldo, alpha, outBeta);
    else
        kernel(kc, a, ars, aps, b, out, ldo, alpha, outBeta);
    if (!full) tl_gemm_merge_tile(tile, bl.nr, rows, cols, beta, c, ldc);
}

/// The blocked product with the given micro-kernel. Inlined into each ISA's entry point (which
/// carries the ISA's target attribute), so packing and the kernel compile for that ISA and the
/// blocking constants fold.
static TL_ALWAYS_INLINE void tl_gemm_blocked(const tl_gemm_problem *p, const tl_blocking bl,
                                             tl_microkernel kernel) {
    const long m = p->m, n = p->n, k = p->k;
    const long mcMax = tl_min(bl.mc, (m + bl.mr - 1) / bl.mr * bl.mr);
    const long kcMax = tl_min(bl.kc, k);
    // Full panels of A are read in place unless packing pays: only a transposed A (each
    // depth's rows contiguous, so packing is a plain copy) meeting several column panels of B.
    // An untransposed A would be packed by a strided gather that costs more than it saves
    // (measured on 1000x784 times 784x128 on one Zen 5 core: 190 GFLOP/s packed, 225 in
    // place); a partial last panel is always packed.
    const int packA = p->transA && n > bl.nr;
    const long aRows = packA ? mcMax : bl.mr;
    const long aFloats = (aRows * kcMax + 15) / 16 * 16;  // keeps the B block 64-byte aligned
    // The workspace is asked for at the path's largest blocks whatever this product needs, so
    // a thread allocates it once and no later, larger product reallocates it mid-training.
    float *packedA = tl_gemm_workspace((size_t)(bl.mc * bl.kc + bl.kc * bl.nc));
    if (!packedA) {
        tl_gemm_direct(p);
        return;
    }
    float *packedB = packedA + aFloats;

    // Element strides of op(A) (rows, depth) and op(B) (depth, columns) in memory.
    const long ars = p->transA ? 1 : p->lda, aps = p->transA ? p->lda : 1;
    const long bps = p->transB ? 1 : p->ldb, bcs = p->transB ? p->ldb : 1;

    for (long ic = 0; ic < m; ic += bl.mc) {
        const long mc = tl_min(bl.mc, m - ic);
        for (long pc = 0; pc < k; pc += bl.kc) {
            const long kc = tl_min(bl.kc, k - pc);
            // Later depth blocks accumulate onto what the first one stored.
            const float beta = pc == 0 ? p->beta : 1.0f;
            const float *aBlock = p->a + ic * ars + pc * aps;
            if (packA) tl_pack_panels(aBlock, ars, aps, mc, kc, bl.mr, packedA);
            for (long jc = 0; jc < n; jc += bl.nc) {
                const long nc = tl_min(bl.nc, n - jc);
                tl_pack_panels(p->b + pc * bps + jc * bcs, bcs, bps, nc, kc, bl.nr, packedB);
                for (long ir = 0; ir < mc; ir += bl.mr) {
                    const long mr = tl_min(bl.mr, mc - ir);
                    const float *ap = packedA + ir * kc;
                    long apr = 1, app = bl.mr;
                    if (!packA && mr == bl.mr) {
                        ap = aBlock + ir * ars;
                        apr = ars;
                        app = aps;
                    } else if (!packA) {
                        // A partial panel is packed so the kernel's padding rows read zeros.
                        ap = packedA;
                        tl_pack_panels(aBlock + ir * ars, ars, aps, mr, kc, bl.mr, packedA);
                    }
                    for (long jr = 0; jr < nc; jr += bl.nr) {
                        const long nr = tl_min(bl.nr, nc - jr);
                        float *cp = p->c + (ic + ir) * p->ldc + jc + jr;
                        tl_gemm_tile(kernel, bl, kc, ap, apr, app, packedB + jr * kc, mr, nr, p->alpha, beta,
                                     cp, p->ldc);
                    }
                }
            }
        }
    }
}

#endif
