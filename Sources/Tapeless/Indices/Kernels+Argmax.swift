extension Kernels {
    /// Writes the position of the largest element of each line of `source` along an axis: the
    /// first among equal maxima, and the first NaN if the line has one, as `torch.argmax`.
    ///
    /// `source` is split around the axis as `[outer, length, inner]` (row-major), and `indices`
    /// is `[outer, inner]`: the line through `source[o, ·, i]` gives `indices[o, i]`.
    ///
    /// - Parameters:
    ///   - source: The values compared.
    ///   - outer: The number of lines before the axis (the product of the earlier dimensions).
    ///   - length: The size of the axis.
    ///   - inner: The product of the dimensions after the axis.
    ///   - indices: The positions along the axis, `[outer, inner]`; overwritten.
    /// - Precondition: the axis is not empty, unless there are no lines.
    public static func argmax(
        _ source: UnsafePointer<Float>, outer: Int, length: Int, inner: Int, into indices: UnsafeMutablePointer<Int>
    ) {
        let lines = outer &* inner
        precondition(length > 0 || lines == 0, "argmax along an empty axis has no value.")
        let elements = UnsafeBufferPointer(start: source, count: lines &* length)
        for o in 0..<outer {
            for i in 0..<inner {
                let lane = Lane(elements: elements, start: o &* length &* inner &+ i, stride: inner, count: length)
                indices[o &* inner &+ i] = lane.indexOfMaximum
            }
        }
    }
}
