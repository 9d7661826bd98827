/// Integer index and pointer arithmetic for generated code, built from its terms so that a
/// stride of 1, an offset of 0 and a product with a sum come out as a person would write them:
/// `row &* 4 &+ k`, never `(row &* 1 &+ 0 &+ k) &* 1`. Indices use the wrapping operators, which
/// skip Swift's overflow checks (the shapes were checked before the loops).
enum IndexCode {
    /// The sum of `terms`, without the zero ones; `0` when none is left.
    static func sum(_ terms: [String]) -> String {
        let kept = terms.filter { $0 != "0" }
        return kept.isEmpty ? "0" : kept.joined(separator: " &+ ")
    }

    /// `index &* stride`: the index when the stride is 1, `0` when either is 0, and a sum in
    /// parentheses.
    static func product(_ index: String, _ stride: String) -> String {
        if index == "0" || stride == "0" { return "0" }
        if stride == "1" { return index }
        if index == "1" { return stride }
        return "\(grouped(index)) &* \(grouped(stride))"
    }

    /// `base + offset`, or `base` alone for an offset of 0.
    static func offset(_ base: String, by offset: String) -> String {
        offset == "0" ? base : "\(base) + \(grouped(offset))"
    }

    /// An operand of a product: in parentheses when it is a sum.
    private static func grouped(_ term: String) -> String {
        term.contains(" &+ ") || term.contains(" + ") ? "(\(term))" : term
    }
}
