/// How a 2-D convolution slides over its input: the kernel's size comes from the weight's
/// shape, the output's from the result type; padding below and right is what the output size
/// implies (PyTorch pads `same` unevenly, the extra row and column at the end). The fields are
/// named as the runtime's `Convolution2DGeometry` names them.
public struct ConvolutionWindow: Hashable, Sendable {
    /// The step between windows, vertically and horizontally.
    public var strideY, strideX: Int
    /// The zeros added above and to the left of the input.
    public var paddingTop, paddingLeft: Int
    /// The spacing of the kernel's taps.
    public var dilationY, dilationX: Int
    /// The number of channel groups, each convolved with its own filters.
    public var groups: Int
}

/// How a 2-D pooling window slides over its input; padding below and right is what the
/// output size implies. The fields are named as the runtime's `Pooling2DGeometry` names them.
public struct PoolingWindow: Hashable, Sendable {
    /// The window's size.
    public var kernelHeight, kernelWidth: Int
    /// The step between windows.
    public var strideY, strideX: Int
    /// The positions added above and to the left, which never hold the maximum.
    public var paddingTop, paddingLeft: Int
    /// The spacing of the window's taps.
    public var dilationY, dilationX: Int
}

/// The output length of a window sliding along one axis (PyTorch's formula), or `nil` when
/// the window does not fit even once.
func slidingOutputLength(input: Int, kernel: Int, stride: Int, padding: (before: Int, after: Int), dilation: Int) -> Int? {
    let span = dilation * (kernel - 1) + 1
    let padded = input + padding.before + padding.after
    guard padded >= span else { return nil }
    return (padded - span) / stride + 1
}

/// The options of a convolution or pooling, as a call or a layer writes them (PyTorch's names
/// and defaults); the shape rules turn them into a window and an output shape.
public struct WindowOptions: Sendable, Equatable {
    /// `padding:`: a number of zeros on every side, `same` (the output keeps the input's size;
    /// stride 1 only, the extra row and column at the end, as PyTorch) or `valid` (none).
    public enum Padding: Sendable, Equatable {
        case size(Int)
        case same
        case valid

        /// The padding `expr` writes (`1`, `same` or `valid`), or `nil` when it writes none.
        init?(_ expr: Expr) {
            switch expr.kind {
            case .identifier("same"): self = .same
            case .identifier("valid"): self = .valid
            default:
                guard let size = integerLiteral(expr), size >= 0 else { return nil }
                self = .size(size)
            }
        }
    }

    /// The options that take a positive integer, by their label.
    public enum Size: String, Sendable {
        case kernel, stride, dilation, groups
    }

    /// Sets the option `size` to `value`.
    mutating func set(_ size: Size, to value: Int) {
        switch size {
        case .kernel: kernel = value
        case .stride: stride = value
        case .dilation: dilation = value
        case .groups: groups = value
        }
    }

    /// `kernel:` of a pooling (a convolution's comes from its weight).
    public var kernel: Int?
    /// `stride:`; a pooling's defaults to its kernel, a convolution's to 1.
    public var stride: Int?
    public var padding: Padding = .size(0)
    public var dilation = 1
    /// `groups:` of a convolution.
    public var groups = 1

    /// Options with PyTorch's defaults.
    public init() {}
}

/// The shape rules of convolution, pooling and flattening, shared by the builtin calls and
/// the layer kinds: each gives the window and the result type, or what is wrong, in words a
/// diagnostic can use after the call's or layer's name.
enum WindowShapes {
    typealias Failure = ShapeRules.MessageError

    /// `conv2D(input, weight)`: input `[n, c, h, w]`, weight `[o, c / groups, kh, kw]`.
    static func convolution(input: ValueType, weight: ValueType, options: WindowOptions) -> Result<(ConvolutionWindow, ValueType), Failure> {
        guard input.rank == 4, case .fixed(let channels) = input.shape[1], case .fixed(let height) = input.shape[2],
              case .fixed(let width) = input.shape[3] else {
            return .failure(Failure("needs an input [batch, channels, height, width] with fixed channels, height and width (NCHW), not \(input)"))
        }
        guard weight.rank == 4, case let sizes = weight.shape.compactMap(\.fixedValue), sizes.count == 4 else {
            return .failure(Failure("needs a weight [outChannels, inChannels / groups, kernelHeight, kernelWidth] of fixed sizes, not \(weight)"))
        }
        let groups = options.groups
        guard channels % groups == 0, sizes[0] % groups == 0 else {
            return .failure(Failure("has \(groups) groups, which must divide both the \(channels) input and the \(sizes[0]) output channels"))
        }
        guard sizes[1] * groups == channels else {
            return .failure(Failure("has an input with \(channels) channels but a weight for \(sizes[1] * groups) (weight \(weight), \(groups) group\(groups == 1 ? "" : "s"))"))
        }
        let stride = options.stride ?? 1
        guard let vertical = axis(input: height, kernel: sizes[2], stride: stride, dilation: options.dilation, options.padding, "height"),
              let horizontal = axis(input: width, kernel: sizes[3], stride: stride, dilation: options.dilation, options.padding, "width") else {
            return .failure(Failure(lastAxisMessage(height: height, width: width, kernel: (sizes[2], sizes[3]), options)))
        }
        let window = ConvolutionWindow(
            strideY: stride, strideX: stride, paddingTop: vertical.before, paddingLeft: horizontal.before,
            dilationY: options.dilation, dilationX: options.dilation, groups: groups)
        return .success((window, .tensor([input.shape[0], .fixed(sizes[0]), .fixed(vertical.output), .fixed(horizontal.output)])))
    }

    /// `maxPool2D(input, kernel:)`: input `[n, c, h, w]`.
    static func pooling(input: ValueType, options: WindowOptions) -> Result<(PoolingWindow, ValueType), Failure> {
        guard input.rank == 4, case .fixed(let height) = input.shape[2], case .fixed(let width) = input.shape[3] else {
            return .failure(Failure("needs an input [batch, channels, height, width] with fixed height and width (NCHW), not \(input)"))
        }
        let kernel = options.kernel ?? 1
        if case .size(let padding) = options.padding, padding > kernel / 2 {
            return .failure(Failure("has padding \(padding), more than half its kernel \(kernel) (PyTorch's limit: a window must hold an input element)"))
        }
        let stride = options.stride ?? kernel
        guard let vertical = axis(input: height, kernel: kernel, stride: stride, dilation: options.dilation, options.padding, "height"),
              let horizontal = axis(input: width, kernel: kernel, stride: stride, dilation: options.dilation, options.padding, "width") else {
            return .failure(Failure(lastAxisMessage(height: height, width: width, kernel: (kernel, kernel), options)))
        }
        let window = PoolingWindow(
            kernelHeight: kernel, kernelWidth: kernel, strideY: stride, strideX: stride, paddingTop: vertical.before,
            paddingLeft: horizontal.before, dilationY: options.dilation, dilationX: options.dilation)
        return .success((window, .tensor([input.shape[0], input.shape[1], .fixed(vertical.output), .fixed(horizontal.output)])))
    }

    /// `flatten(input, from:)`: the axes from `from` on become one.
    static func flatten(input: ValueType, from axis: Int) -> Result<ValueType, Failure> {
        let merged = input.shape[axis...]
        let sizes = merged.compactMap(\.fixedValue)
        if merged.count == 1 { return .success(input) }
        guard sizes.count == merged.count else {
            return .failure(Failure("can only merge axes of fixed size, and \(input) has a size variable from axis \(axis) on"))
        }
        return .success(.tensor(Array(input.shape[..<axis]) + [.fixed(sizes.reduce(1, *))]))
    }

    /// The padding before and the output length along one axis, or `nil` when the kernel
    /// does not fit in the padded input.
    private static func axis(
        input: Int, kernel: Int, stride: Int, dilation: Int, _ padding: WindowOptions.Padding, _ name: String
    ) -> (before: Int, output: Int)? {
        let (before, after): (Int, Int)
        switch padding {
        case .size(let size): (before, after) = (size, size)
        case .valid: (before, after) = (0, 0)
        case .same:
            let total = dilation * (kernel - 1)
            (before, after) = (total / 2, total - total / 2)
        }
        guard let output = slidingOutputLength(input: input, kernel: kernel, stride: stride, padding: (before, after), dilation: dilation) else {
            return nil
        }
        return (before, output)
    }

    private static func lastAxisMessage(height: Int, width: Int, kernel: (Int, Int), _ options: WindowOptions) -> String {
        let padding = if case .size(let size) = options.padding { size } else { 0 }
        let dilated = options.dilation == 1 ? "" : " (dilated \(options.dilation)×)"
        return "has a \(kernel.0)×\(kernel.1) kernel\(dilated) larger than its \(height)×\(width) input padded by \(padding); "
            + "use a smaller kernel, more padding or a larger input"
    }
}
