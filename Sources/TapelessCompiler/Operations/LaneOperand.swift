/// An operand of an elementwise function's SIMD lane expression (see ``UnaryDefinition/lanes``).
struct LaneOperand {
    /// The operand as computed: a vector, or a `Float` when it is the same in every lane.
    var code: String
    /// Whether ``code`` is a vector.
    var isVector: Bool
    /// The vector type, such as `SIMD8<Float>`.
    var vectorType: String

    /// The operand as a vector: a `Float` splatted to every lane.
    var vector: String { isVector ? code : "\(vectorType)(repeating: \(code))" }
}
