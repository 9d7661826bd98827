/// The sizes of a window sliding over the planes of NCHW tensors, which convolution and
/// pooling geometries share: the plane, the window, its steps and the output plane.
protocol SlidingWindowGeometry {
    var height: Int { get }
    var width: Int { get }
    var kernelHeight: Int { get }
    var kernelWidth: Int { get }
    var strideY: Int { get }
    var strideX: Int { get }
    var paddingTop: Int { get }
    var paddingLeft: Int { get }
    var dilationY: Int { get }
    var dilationX: Int { get }
    var outputHeight: Int { get }
    var outputWidth: Int { get }
}

extension SlidingWindowGeometry {
    /// The window along the height.
    var vertical: WindowAxis {
        WindowAxis(input: height, kernel: kernelHeight, stride: strideY, padding: paddingTop, dilation: dilationY, output: outputHeight)
    }

    /// The window along the width.
    var horizontal: WindowAxis {
        WindowAxis(input: width, kernel: kernelWidth, stride: strideX, padding: paddingLeft, dilation: dilationX, output: outputWidth)
    }

    /// Stops with a message naming `geometry` unless both axes are consistent (see
    /// `WindowAxis.check`).
    func checkAxes(of geometry: String) {
        vertical.check(geometry, names: ("height", "kernelHeight", "strideY", "paddingTop", "dilationY", "outputHeight"))
        horizontal.check(geometry, names: ("width", "kernelWidth", "strideX", "paddingLeft", "dilationX", "outputWidth"))
    }
}

extension Convolution2DGeometry: SlidingWindowGeometry {}
extension Pooling2DGeometry: SlidingWindowGeometry {}
