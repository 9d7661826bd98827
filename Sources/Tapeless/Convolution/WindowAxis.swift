/// One axis (height or width) of a window sliding over an input, as convolution and pooling
/// geometries describe it: output coordinate `o` reads input coordinates
/// `o * stride - padding + d * dilation` for kernel offsets `d` in `0..<kernel`.
struct WindowAxis {
    var input: Int
    var kernel: Int
    var stride: Int
    var padding: Int
    var dilation: Int
    var output: Int

    /// The input coordinates one window covers from its first tap to its last.
    var span: Int { dilation &* (kernel &- 1) &+ 1 }

    /// The output size with no padding after the input, PyTorch's
    /// `floor((input + padding - dilation * (kernel - 1) - 1) / stride) + 1`: the least
    /// consistent output size. A larger one implies padding after the input.
    var outputWithoutTrailingPadding: Int {
        let room = input &+ padding &- span
        // Floor division: a window wider than the padded input leaves no room at all.
        return room < 0 ? 0 : room / stride &+ 1
    }

    /// The padding after the input that the output size implies: the least that makes room
    /// for the last window.
    var trailingPadding: Int { Swift.max(0, (output &- 1) &* stride &+ span &- input &- padding) }

    /// Stops with a message naming `operation` and the axis unless the sizes are positive, the
    /// padding is not negative, and the output size is at least `outputWithoutTrailingPadding`.
    ///
    /// - Parameters:
    ///   - operation: The geometry's name, such as `Convolution2DGeometry`.
    ///   - names: The axis's labels: the input size, kernel, stride, padding, dilation and
    ///     output size, such as `("height", "kernelHeight", "strideY", "paddingTop",
    ///     "dilationY", "outputHeight")`.
    func check(
        _ operation: String,
        names: (input: String, kernel: String, stride: String, padding: String, dilation: String, output: String)
    ) {
        // One call per size, not a loop over an array: an array would allocate on every call.
        func checkPositive(_ value: Int, _ name: String) {
            precondition(value >= 1, "\(operation): \(name) must be at least 1, but it is \(value).")
        }
        checkPositive(input, names.input)
        checkPositive(kernel, names.kernel)
        checkPositive(stride, names.stride)
        checkPositive(dilation, names.dilation)
        checkPositive(output, names.output)
        precondition(padding >= 0, "\(operation): \(names.padding) must not be negative, but it is \(padding).")
        let least = outputWithoutTrailingPadding
        precondition(
            output >= least,
            """
            \(operation): \(names.output) \(output) is too small: \(names.input) \(input) with \(names.padding) \
            \(padding), \(names.kernel) \(kernel), \(names.stride) \(stride) and \(names.dilation) \(dilation) \
            gives floor((\(input) + \(padding) + trailing padding - \(span - 1) - 1) / \(stride)) + 1 = \(least) \
            or more, with trailing padding 0 or more.
            """)
    }

    /// The kernel offsets whose input coordinate lies inside the input for output coordinate
    /// `o`, as the first such offset and how many follow it (contiguous, since the coordinates
    /// grow with the offset).
    func taps(at o: Int) -> (first: Int, count: Int) {
        let start = o &* stride &- padding
        // start + d * dilation >= 0 from d = ceil(-start / dilation) on, and < input below
        // d = ceil((input - start) / dilation).
        let first = start >= 0 ? 0 : (dilation &- 1 &- start) / dilation
        let end = Swift.min(kernel, input &- start <= 0 ? 0 : (input &- start &+ dilation &- 1) / dilation)
        return (first, Swift.max(0, end &- first))
    }
}
