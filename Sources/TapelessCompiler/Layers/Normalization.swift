/// What the normalization layers share.
enum Normalization {
    /// `(x - mean) / sqrt(variance + epsilon)` along the last axis, with the biased variance.
    static func standardized(_ x: IRValue, overLastAxisWith epsilon: Double, _ b: inout IRBuilder) -> IRValue {
        let shape = b.type(of: x).shape
        let axis = shape.count - 1
        let mean = BuiltinLowering.mean(x, axis: axis, &b)
        let centered = b.subtract(x, b.spread(mean, axis: axis, over: shape))
        let variance = BuiltinLowering.mean(b.multiply(centered, centered), axis: axis, &b)
        let scale = b.unary(.rsqrt, b.add(variance, b.constant(epsilon)))
        return b.multiply(centered, b.spread(scale, axis: axis, over: shape))
    }
}
