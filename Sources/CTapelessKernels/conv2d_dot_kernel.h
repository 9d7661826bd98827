// The dot-product micro-kernel of one instruction set, written once with the GCC/Clang vector
// extension and instantiated by conv2d_dot.c for each instruction set: before each inclusion
// it defines
//   TL_DOT_NAME     the function's name,
//   TL_DOT_KERNEL   the name of its tl_dot_kernel descriptor,
//   TL_DOT_TARGET   its attributes (the instruction set's target),
//   TL_DOT_VECTOR   a vector type of TL_DOT_LANES floats, one register of that set,
//   TL_DOT_ROWS, TL_DOT_COLUMNS   the tile: as many accumulators as the registers allow
//                   beside one vector per row and one of the other operand.
// No include guard: each inclusion defines another kernel, and undefines the parameters.

/// Adds, for every row i < TL_DOT_ROWS of a and j < TL_DOT_COLUMNS of b, the products
/// a[i * lda + p] * b[j * ldb + p] over p < depth (a multiple of TL_DOT_LANES) lane by lane to
/// the vector at sums + i * ldSums + j * TL_DOT_LANES, or stores them there when !accumulate.
/// Each lane sums every TL_DOT_LANES-th product in order; the caller adds the lanes up.
static TL_DOT_TARGET void TL_DOT_NAME(long depth, const float *a, long lda, const float *b, long ldb, float *sums,
                                      long ldSums, int accumulate) {
    TL_DOT_VECTOR acc[TL_DOT_ROWS][TL_DOT_COLUMNS];
    TL_UNROLL for (int i = 0; i < TL_DOT_ROWS; i++)
        TL_UNROLL for (int j = 0; j < TL_DOT_COLUMNS; j++) {
            if (accumulate) memcpy(&acc[i][j], sums + i * ldSums + j * TL_DOT_LANES, sizeof acc[i][j]);
            else acc[i][j] = (TL_DOT_VECTOR){0};
        }
    for (long p = 0; p < depth; p += TL_DOT_LANES) {
        TL_DOT_VECTOR x[TL_DOT_ROWS];
        TL_UNROLL for (int i = 0; i < TL_DOT_ROWS; i++) memcpy(&x[i], a + i * lda + p, sizeof x[i]);
        TL_UNROLL for (int j = 0; j < TL_DOT_COLUMNS; j++) {
            TL_DOT_VECTOR y;
            memcpy(&y, b + j * ldb + p, sizeof y);
            TL_UNROLL for (int i = 0; i < TL_DOT_ROWS; i++) acc[i][j] += x[i] * y;
        }
    }
    TL_UNROLL for (int i = 0; i < TL_DOT_ROWS; i++)
        TL_UNROLL for (int j = 0; j < TL_DOT_COLUMNS; j++)
            memcpy(sums + i * ldSums + j * TL_DOT_LANES, &acc[i][j], sizeof acc[i][j]);
}

const tl_dot_kernel TL_DOT_KERNEL = {TL_DOT_ROWS, TL_DOT_COLUMNS, TL_DOT_LANES, TL_DOT_NAME};

#undef TL_DOT_NAME
#undef TL_DOT_KERNEL
#undef TL_DOT_TARGET
#undef TL_DOT_VECTOR
#undef TL_DOT_LANES
#undef TL_DOT_ROWS
#undef TL_DOT_COLUMNS
