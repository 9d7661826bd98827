/// The sizes of a 2-D max pooling over NCHW tensors, as the pooling kernels take them.
///
/// The input is `[batch, channels, height, width]` and the output
/// `[batch, channels, outputHeight, outputWidth]`, both row-major. Output element
/// `[b, c, y, x]` is the maximum of the window of input rows
/// `y · strideY − paddingTop + dy · dilationY` and columns `x · strideX − paddingLeft + dx · dilationX`
/// for `dy` in `0..<kernelHeight` and `dx` in `0..<kernelWidth`, as PyTorch's `max_pool2d`:
/// the padding counts as minus infinity, so only elements inside the input compete, and every
/// window must hold at least one of them.
///
/// The caller gives the output size, so the padding after the input is implied by it, as in
/// ``Convolution2DGeometry``.
///
/// ```swift
/// // LeNet's pooling: 2 × 2 windows with stride 2 halve 24 × 24 maps.
/// let pool1 = Pooling2DGeometry(
///     batch: 64, channels: 6, height: 24, width: 24, kernelHeight: 2, kernelWidth: 2, strideY: 2, strideX: 2,
///     paddingTop: 0, paddingLeft: 0, dilationY: 1, dilationX: 1, outputHeight: 12, outputWidth: 12)
/// ```
public struct Pooling2DGeometry: Sendable, Hashable {
    /// The number of samples.
    public var batch: Int
    /// The channels of each sample, pooled separately.
    public var channels: Int
    /// The input's height.
    public var height: Int
    /// The input's width.
    public var width: Int
    /// The window's height.
    public var kernelHeight: Int
    /// The window's width.
    public var kernelWidth: Int
    /// The step between output rows, in input rows.
    public var strideY: Int
    /// The step between output columns, in input columns.
    public var strideX: Int
    /// The rows of padding above the input.
    public var paddingTop: Int
    /// The columns of padding left of the input.
    public var paddingLeft: Int
    /// The step between window rows, in input rows (1 for a dense window).
    public var dilationY: Int
    /// The step between window columns, in input columns (1 for a dense window).
    public var dilationX: Int
    /// The output's height.
    public var outputHeight: Int
    /// The output's width.
    public var outputWidth: Int

    /// Creates the sizes of a max pooling; the kernels check them when they run.
    public init(
        batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
        strideY: Int, strideX: Int, paddingTop: Int, paddingLeft: Int, dilationY: Int, dilationX: Int,
        outputHeight: Int, outputWidth: Int
    ) {
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideY = strideY
        self.strideX = strideX
        self.paddingTop = paddingTop
        self.paddingLeft = paddingLeft
        self.dilationY = dilationY
        self.dilationX = dilationX
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// The rows of padding below the input that ``outputHeight`` implies: the fewest that make
    /// room for the last output row's window.
    public var paddingBottom: Int { vertical.trailingPadding }

    /// The columns of padding right of the input that ``outputWidth`` implies: the fewest that
    /// make room for the last output column's window.
    public var paddingRight: Int { horizontal.trailingPadding }

    /// Stops with a message unless the sizes describe a pooling: a batch of zero or more,
    /// positive sizes, strides and dilations, no negative padding, and output sizes that the
    /// formula gives with some padding after the input. (The kernels check that every window
    /// holds an input element as they lay out the windows.)
    func check() {
        let name = "Pooling2DGeometry"
        precondition(batch >= 0, "\(name): batch must not be negative, but it is \(batch).")
        precondition(channels >= 1, "\(name): channels must be at least 1, but it is \(channels).")
        checkAxes(of: name)
    }
}
