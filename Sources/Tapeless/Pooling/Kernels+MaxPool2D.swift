extension Kernels {
    /// For each max-pooling window of `input`, writes the element of `source` at the position
    /// of the window's maximum.
    ///
    /// `maxPool2DSelect(g, input: x, source: x, output: y)` is PyTorch's `max_pool2d(x)`; with
    /// another `source` of `input`'s shape, it carries that tensor through the same choices
    /// (the forward-mode derivative of max pooling). Among equal maxima the first in row-major
    /// window order wins, and a NaN wins over numbers, as in PyTorch. Large poolings are
    /// split by planes across up to ``maximumThreadCount`` threads, with the same results.
    ///
    /// - Parameters:
    ///   - g: The sizes of the pooling.
    ///   - input: The tensor whose maxima choose, `[batch, channels, height, width]`.
    ///   - source: The tensor to take the chosen elements from, shaped like `input`.
    ///   - output: The result, `[batch, channels, outputHeight, outputWidth]`; overwritten.
    /// - Precondition: `g` describes a pooling (see ``Pooling2DGeometry``), and every window
    ///   holds an element of the input.
    public static func maxPool2DSelect(
        _ g: Pooling2DGeometry, input: UnsafePointer<Float>, source: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        MaxPoolWindows.with(g) { windows in
            windows.forEachPlane(Selection(windows: windows, input: input, source: source, output: output))
        }
    }

    /// Scatters each max-pooling window's `gradient` element to the position of `input`'s
    /// maximum in that window: the adjoint of ``maxPool2DSelect(_:input:source:output:)``.
    ///
    /// `result` is zeroed, then each window adds its element of `gradient`, so overlapping
    /// windows that choose the same position accumulate (in row-major window order). This is
    /// the gradient of max pooling with respect to its input, given the gradient with respect
    /// to its output.
    ///
    /// - Parameters:
    ///   - g: The sizes of the pooling.
    ///   - input: The tensor whose maxima choose, `[batch, channels, height, width]`.
    ///   - gradient: One value per window, `[batch, channels, outputHeight, outputWidth]`.
    ///   - result: The scattered values, shaped like `input`; overwritten.
    /// - Precondition: `g` describes a pooling (see ``Pooling2DGeometry``), and every window
    ///   holds an element of the input.
    public static func maxPool2DScatter(
        _ g: Pooling2DGeometry, input: UnsafePointer<Float>, gradient: UnsafePointer<Float>,
        result: UnsafeMutablePointer<Float>
    ) {
        MaxPoolWindows.with(g) { windows in
            windows.forEachPlane(Scattering(windows: windows, input: input, gradient: gradient, result: result))
        }
    }
}

/// ``Kernels/maxPool2DSelect(_:input:source:output:)`` on one plane.
private struct Selection: PlaneWork {
    var windows: MaxPoolWindows
    var input, source: UnsafePointer<Float>
    var output: UnsafeMutablePointer<Float>

    func run(plane: Int) {
        let start = plane &* windows.inputPlane, selected = output + plane &* windows.outputPlane
        windows.forEachMaximum(in: input + start) { outputIndex, inputIndex in
            selected[outputIndex] = source[start &+ inputIndex]
        }
    }
}

/// ``Kernels/maxPool2DScatter(_:input:gradient:result:)`` on one plane.
private struct Scattering: PlaneWork {
    var windows: MaxPoolWindows
    var input, gradient: UnsafePointer<Float>
    var result: UnsafeMutablePointer<Float>

    func run(plane: Int) {
        let scattered = result + plane &* windows.inputPlane, values = gradient + plane &* windows.outputPlane
        scattered.update(repeating: 0, count: windows.inputPlane)
        windows.forEachMaximum(in: input + plane &* windows.inputPlane) { outputIndex, inputIndex in
            scattered[inputIndex] += values[outputIndex]
        }
    }
}
