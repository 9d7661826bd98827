// exp, expm1, tanh and sigmoid over an array, written once with the GCC/Clang vector extension
// and instantiated by lanes.c for each instruction set: before each inclusion it defines
//   TL_LANES_KERNELS  the name of its tl_lanes_kernels descriptor,
//   TL_LANES_TARGET   its attributes (the instruction set's target),
//   TL_LANES_VECTOR   a vector type of TL_LANES_WIDTH floats, one register of that set,
//   TL_LANES_INTS     the vector of as many 32-bit integers,
//   TL_LANES_PREFIX   a prefix for its functions' names.
// The algorithm is LaneFunctions' in the Swift runtime, so every path agrees with it to a few
// units in the last place (the fused multiply-adds of avx2 and avx512 round a little
// differently): x = n·ln 2 + r with |r| ≤ ln 2 / 2, the Taylor series of eʳ to r⁸, and 2ⁿ
// built from bits. No include guard: each inclusion defines other functions, and undefines
// the parameters.

#define TL_LANES_PASTE2(a, b) a##b
#define TL_LANES_PASTE(a, b) TL_LANES_PASTE2(a, b)
#define TL_LANES_FN(name) TL_LANES_PASTE(TL_LANES_PREFIX, name)

typedef TL_LANES_VECTOR TL_LANES_FN(vector);
typedef TL_LANES_INTS TL_LANES_FN(ints);

/// a where mask is set (all ones), else b.
static inline TL_LANES_TARGET TL_LANES_FN(vector) TL_LANES_FN(select)(TL_LANES_FN(ints) mask, TL_LANES_FN(vector) a,
                                                                      TL_LANES_FN(vector) b) {
    return (TL_LANES_FN(vector))((mask & (TL_LANES_FN(ints))a) | (~mask & (TL_LANES_FN(ints))b));
}

/// x limited to [low, high]; NaN passes through (its comparisons are false).
static inline TL_LANES_TARGET TL_LANES_FN(vector) TL_LANES_FN(limited)(TL_LANES_FN(vector) x, float low, float high) {
    x = TL_LANES_FN(select)(x < low, (TL_LANES_FN(vector)){0} + low, x);
    return TL_LANES_FN(select)(x > high, (TL_LANES_FN(vector)){0} + high, x);
}

/// eʳ − 1 for |r| ≤ ln 2 / 2 (Horner's form of r·(1 + r/2 + … + r⁷/8!)), and 2ⁿ in *scale,
/// for x in [−87, 88] reduced to x = n·ln 2 + r.
static inline TL_LANES_TARGET TL_LANES_FN(vector) TL_LANES_FN(reduced)(TL_LANES_FN(vector) x, TL_LANES_FN(vector) *scale) {
    const float rounder = 12582912.0f;  // 1.5 · 2²³: adding it rounds to an integer in the low bits
    const TL_LANES_FN(vector) shifted = x * 1.44269504f + rounder;
    const TL_LANES_FN(vector) n = shifted - rounder;
    // ln 2 in two parts, the first with few enough bits that n·ln2High is exact.
    const TL_LANES_FN(vector) r = x - n * 0.693145751953125f - n * 1.428606765330187e-6f;
    const TL_LANES_FN(ints) bits = (TL_LANES_FN(ints))shifted - (TL_LANES_FN(ints))((TL_LANES_FN(vector)){0} + rounder);
    *scale = (TL_LANES_FN(vector))((bits + 127) << 23);
    TL_LANES_FN(vector) p = r * (1.0f / 40320) + 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    return p * r;
}

static inline TL_LANES_TARGET TL_LANES_FN(vector) TL_LANES_FN(exp)(TL_LANES_FN(vector) x) {
    TL_LANES_FN(vector) scale;
    const TL_LANES_FN(vector) q = TL_LANES_FN(reduced)(TL_LANES_FN(limited)(x, -87, 88), &scale);
    TL_LANES_FN(vector) y = (q + 1) * scale;
    y = TL_LANES_FN(select)(x < -87.33655f, (TL_LANES_FN(vector)){0}, y);
    y = TL_LANES_FN(select)(x > 88.72283f, (TL_LANES_FN(vector)){0} + __builtin_inff(), y);
    return TL_LANES_FN(select)(x != x, x, y);
}

/// q·2ⁿ + (2ⁿ − 1): q itself where n is 0, so there is no cancellation near 0.
static inline TL_LANES_TARGET TL_LANES_FN(vector) TL_LANES_FN(expm1)(TL_LANES_FN(vector) x) {
    TL_LANES_FN(vector) scale;
    const TL_LANES_FN(vector) q = TL_LANES_FN(reduced)(TL_LANES_FN(limited)(x, -87, 88), &scale);
    TL_LANES_FN(vector) y = q * scale + (scale - 1);
    y = TL_LANES_FN(select)(x > 88.72283f, (TL_LANES_FN(vector)){0} + __builtin_inff(), y);
    return TL_LANES_FN(select)(x != x, x, y);
}

/// (e²ˣ − 1) / (e²ˣ + 1) through expm1; ±1 beyond ±9, where it rounds to ±1 anyway.
static inline TL_LANES_TARGET TL_LANES_FN(vector) TL_LANES_FN(tanh)(TL_LANES_FN(vector) x) {
    const TL_LANES_FN(vector) e = TL_LANES_FN(expm1)(2 * TL_LANES_FN(limited)(x, -9, 9));
    return TL_LANES_FN(select)(x != x, x, e / (e + 2));
}

static inline TL_LANES_TARGET TL_LANES_FN(vector) TL_LANES_FN(sigmoid)(TL_LANES_FN(vector) x) {
    return 1 / (1 + TL_LANES_FN(exp)(-x));
}

/// Applies `function` to x[0..<n] in place, TL_LANES_WIDTH at a time; the last partial vector
/// goes through a copy, so nothing past x[n - 1] is read or written.
#define TL_LANES_APPLY(function)                                                                  \
    static TL_LANES_TARGET void TL_LANES_FN(apply_##function)(float *x, long n) {                 \
        long i = 0;                                                                               \
        for (; i + (long)(sizeof(TL_LANES_FN(vector)) / sizeof(float)) <= n;                      \
             i += (long)(sizeof(TL_LANES_FN(vector)) / sizeof(float))) {                          \
            TL_LANES_FN(vector) v;                                                                \
            memcpy(&v, x + i, sizeof v);                                                          \
            v = TL_LANES_FN(function)(v);                                                         \
            memcpy(x + i, &v, sizeof v);                                                          \
        }                                                                                         \
        if (i < n) {                                                                              \
            TL_LANES_FN(vector) v = {0};                                                          \
            memcpy(&v, x + i, (size_t)(n - i) * sizeof(float));                                   \
            v = TL_LANES_FN(function)(v);                                                         \
            memcpy(x + i, &v, (size_t)(n - i) * sizeof(float));                                   \
        }                                                                                         \
    }
TL_LANES_APPLY(exp)
TL_LANES_APPLY(expm1)
TL_LANES_APPLY(tanh)
TL_LANES_APPLY(sigmoid)
#undef TL_LANES_APPLY

const tl_lanes_kernels TL_LANES_KERNELS = {
    TL_LANES_FN(apply_exp), TL_LANES_FN(apply_expm1), TL_LANES_FN(apply_tanh), TL_LANES_FN(apply_sigmoid)};

#undef TL_LANES_FN
#undef TL_LANES_PASTE
#undef TL_LANES_PASTE2
#undef TL_LANES_KERNELS
#undef TL_LANES_TARGET
#undef TL_LANES_VECTOR
#undef TL_LANES_INTS
#undef TL_LANES_PREFIX
