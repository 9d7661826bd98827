import CTapelessKernels

/// The sizes of a 2-D convolution over NCHW tensors, as the convolution kernels take them.
///
/// The input is `[batch, inputChannels, height, width]`, the weight OIHW,
/// `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`, and the output
/// `[batch, outputChannels, outputHeight, outputWidth]`, all row-major. The convolution is a
/// cross-correlation, as in PyTorch (the kernel is not flipped):
///
/// ```
/// out[b, o, y, x] = bias[o] + Σ w[o, i, dy, dx] · in[b, g · inputChannels / groups + i,
///                                                     y · strideY − paddingTop + dy · dilationY,
///                                                     x · strideX − paddingLeft + dx · dilationX]
/// ```
///
/// summed over the `inputChannels / groups` channels `i` of output channel `o`'s group `g`
/// and over the kernel offsets `dy`, `dx`, with zeros outside the input.
///
/// The caller gives the output size, so the padding after the input (``paddingBottom``,
/// ``paddingRight``) is implied by it, as in PyTorch's
/// `outputHeight = floor((height + paddingTop + paddingBottom − dilationY · (kernelHeight − 1) − 1) / strideY) + 1`.
///
/// ```swift
/// // LeNet's second convolution: 6 → 16 channels, 5 × 5, on 12 × 12 inputs.
/// let conv2 = Convolution2DGeometry(
///     batch: 64, inputChannels: 6, height: 12, width: 12, outputChannels: 16, kernelHeight: 5, kernelWidth: 5,
///     strideY: 1, strideX: 1, paddingTop: 0, paddingLeft: 0, dilationY: 1, dilationX: 1, groups: 1,
///     outputHeight: 8, outputWidth: 8)
/// ```
public struct Convolution2DGeometry: Sendable, Hashable {
    /// The number of samples.
    public var batch: Int
    /// The channels of each input sample.
    public var inputChannels: Int
    /// The input's height.
    public var height: Int
    /// The input's width.
    public var width: Int
    /// The channels of each output sample.
    public var outputChannels: Int
    /// The kernel's height.
    public var kernelHeight: Int
    /// The kernel's width.
    public var kernelWidth: Int
    /// The step between output rows, in input rows.
    public var strideY: Int
    /// The step between output columns, in input columns.
    public var strideX: Int
    /// The rows of zeros above the input.
    public var paddingTop: Int
    /// The columns of zeros left of the input.
    public var paddingLeft: Int
    /// The step between kernel rows, in input rows (1 for a dense kernel).
    public var dilationY: Int
    /// The step between kernel columns, in input columns (1 for a dense kernel).
    public var dilationX: Int
    /// The number of channel groups: each output channel sees only the `inputChannels / groups`
    /// input channels of its group (`groups == inputChannels` is a depthwise convolution).
    public var groups: Int
    /// The output's height.
    public var outputHeight: Int
    /// The output's width.
    public var outputWidth: Int

    /// Creates the sizes of a convolution; the kernels check them when they run.
    public init(
        batch: Int, inputChannels: Int, height: Int, width: Int, outputChannels: Int,
        kernelHeight: Int, kernelWidth: Int, strideY: Int, strideX: Int, paddingTop: Int, paddingLeft: Int,
        dilationY: Int, dilationX: Int, groups: Int, outputHeight: Int, outputWidth: Int
    ) {
        self.batch = batch
        self.inputChannels = inputChannels
        self.height = height
        self.width = width
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideY = strideY
        self.strideX = strideX
        self.paddingTop = paddingTop
        self.paddingLeft = paddingLeft
        self.dilationY = dilationY
        self.dilationX = dilationX
        self.groups = groups
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// The rows of zeros below the input that ``outputHeight`` implies: the fewest that make
    /// room for the last output row's window.
    public var paddingBottom: Int { vertical.trailingPadding }

    /// The columns of zeros right of the input that ``outputWidth`` implies: the fewest that
    /// make room for the last output column's window.
    public var paddingRight: Int { horizontal.trailingPadding }

    /// Multiply-adds of the forward convolution (and of each gradient).
    var multiplyAdds: Int {
        batch &* outputChannels &* outputHeight &* outputWidth &* (inputChannels / groups) &* kernelHeight &* kernelWidth
    }

    /// Stops with a message unless the sizes describe a convolution: a batch of zero or more,
    /// positive sizes, strides and dilations, no negative padding, channel counts that the
    /// groups divide, and output sizes that the formula gives with some padding after the input.
    func check() {
        let name = "Convolution2DGeometry"
        precondition(batch >= 0, "\(name): batch must not be negative, but it is \(batch).")
        // One call per size, not a loop over an array: an array would allocate on every call.
        func checkPositive(_ value: Int, _ label: String) {
            precondition(value >= 1, "\(name): \(label) must be at least 1, but it is \(value).")
        }
        checkPositive(inputChannels, "inputChannels")
        checkPositive(outputChannels, "outputChannels")
        checkPositive(groups, "groups")
        precondition(
            inputChannels % groups == 0 && outputChannels % groups == 0,
            "\(name): \(groups) groups must divide both inputChannels (\(inputChannels)) and outputChannels (\(outputChannels)).")
        checkAxes(of: name)
    }

    /// The sizes as the C kernels take them.
    var kernelGeometry: tl_conv2d_geometry {
        tl_conv2d_geometry(
            batch: batch, inputChannels: inputChannels, height: height, width: width, outputChannels: outputChannels,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideY: strideY, strideX: strideX,
            paddingTop: paddingTop, paddingLeft: paddingLeft, dilationY: dilationY, dilationX: dilationX,
            groups: groups, outputHeight: outputHeight, outputWidth: outputWidth)
    }
}
