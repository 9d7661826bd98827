/// The square root of `x`, or zero where rounding left `x` slightly below zero.
///
/// On Linux, `Float.squareRoot()` of a value that might be negative compiles to a guarded call
/// of `sqrtf` (which sets `errno`), and that keeps loops from being vectorized; once the
/// argument is known not to be negative it becomes one `sqrtps` per four elements. NaN stays
/// NaN. Optimizers take roots of running averages of squares, which are never negative except
/// by rounding (RMSprop's centered variance).
@inline(__always)
func nonnegativeSquareRoot(_ x: Float) -> Float {
    max(x, 0).squareRoot()
}
