/// `exp`, `expm1`, `tanh` and `sigmoid` of eight floats at once, for the SIMD loops of
/// generated code, where calling the C library once per element costs more than the rest of
/// the loop.
///
/// Each is the usual range reduction, `x = n·ln 2 + r` with `|r| ≤ ln 2 / 2`, and a polynomial
/// in `r` (the Taylor series to `r⁷`, whose remainder is below 2⁻²⁹ there), then a scaling by
/// `2ⁿ` built from bits. Only plain additions, multiplications and integer shifts: they stay
/// vector instructions on baseline x86-64, where rounding and fused multiply-adds would not.
/// Results are within a few units in the last place of the C library's; NaN stays NaN.
public enum LaneFunctions {
    public typealias Vector = SIMD8<Float>

    /// `1.5 · 2²³`: adding it rounds a float below 2²² to an integer, kept in the low bits of
    /// the sum's representation.
    @usableFromInline static let rounder: Float = 12_582_912

    /// `eˣ`: 0 below −87.3 and infinity above 88.7, where the float result underflows or overflows.
    @_transparent
    public static func exp(_ x: Vector) -> Vector {
        let (r, scale) = reduced(limited(x, -87, 88))
        let result: Vector = (series(r) * r + 1) * scale
        let low: Float = -87.33655, high: Float = 88.72283
        return result.replacing(with: 0, where: x .< low).replacing(with: Float.infinity, where: x .> high)
            .replacing(with: x, where: x .!= x)
    }

    /// `eˣ − 1`, accurate near 0: written `q·2ⁿ + (2ⁿ − 1)` with `q = eʳ − 1`, it is `q` itself
    /// where `n` is 0 (`|x| ≤ ln 2 / 2`), with no cancellation and no selection (selecting by an
    /// integer mask made this 3× slower than `exp` on baseline x86-64); −1 below −87 and
    /// infinity above 88.7.
    @_transparent
    public static func expm1(_ x: Vector) -> Vector {
        let (r, scale) = reduced(limited(x, -87, 88))
        let q: Vector = series(r) * r
        let scaled: Vector = q * scale + (scale - 1)
        let high: Float = 88.72283
        return scaled.replacing(with: Float.infinity, where: x .> high)
            .replacing(with: x, where: x .!= x)
    }

    /// `(eʳ − 1) / r = 1 + r/2 + r²/6 + … + r⁷/8!`, in Horner's form.
    @_transparent @usableFromInline
    static func series(_ r: Vector) -> Vector {
        let c8: Float = 1 / 40_320, c7: Float = 1 / 5040, c6: Float = 1 / 720, c5: Float = 1 / 120
        let c4: Float = 1 / 24, c3: Float = 1 / 6, c2: Float = 1 / 2
        var p: Vector = r * c8 + c7
        p = p * r + c6
        p = p * r + c5
        p = p * r + c4
        p = p * r + c3
        p = p * r + c2
        return p * r + 1
    }

    /// `x` limited to `low...high` (NaN passes through), with comparisons and selections that
    /// stay vector instructions.
    @_transparent @usableFromInline
    static func limited(_ x: Vector, _ low: Float, _ high: Float) -> Vector {
        x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }

    /// `tanh x = (e²ˣ − 1) / (e²ˣ + 1)`, through `expm1`, so it keeps its precision near 0; ±1
    /// beyond ±9, where it rounds to ±1 anyway.
    @_transparent
    public static func tanh(_ x: Vector) -> Vector {
        let e: Vector = expm1(2 * limited(x, -9, 9))
        return (e / (e + 2)).replacing(with: x, where: x .!= x)
    }

    /// `1 / (1 + e⁻ˣ)`.
    @_transparent
    public static func sigmoid(_ x: Vector) -> Vector {
        1 / (1 + exp(-x))
    }

    /// `x = n·ln 2 + r`: `r` and `2ⁿ`. `x` must lie in [−87, 88], so that `2ⁿ` is a normal float.
    @_transparent @usableFromInline
    static func reduced(_ x: Vector) -> (r: Vector, scale: Vector) {
        let log2e: Float = 1.442_695_04
        let shifted: Vector = x * log2e + rounder
        let n: Vector = shifted - rounder
        // ln 2 in two parts, the first with few enough bits that n·ln2High is exact.
        let ln2High: Float = 0.693_145_751_953_125, ln2Low: Float = 1.428_606_765_330_187e-6
        let r: Vector = x - n * ln2High - n * ln2Low
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(Vector(repeating: rounder), to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: Vector.self)
        return (r, scale)
    }
}
