/// `AvgPool2D(kernel: k)`: PyTorch's `nn.AvgPool2d` over NCHW inputs, counting padded zeros
/// in the mean (its default `count_include_pad=True`); no parameters.
///
/// Options: `kernel:` (required), `stride:` (the kernel) and `padding:` (0, at most half the
/// kernel). It is computed as a per-channel convolution with a constant `1 / k²` filter, whose
/// kernels and derivative rules it shares.
struct AvgPool2D: LayerKind, Equatable {
    static let name = "AvgPool2D"

    var options: WindowOptions

    init?(_ reader: inout LayerArgumentReader) {
        guard let options = reader.poolingOptions(kind: Self.name, pyTorchName: "AvgPool2d", takesDilation: false) else { return nil }
        self.options = options
    }

    var description: String { "AvgPool2D(kernel: \(options.kernel ?? 0))" }

    var parameters: [LayerParameter] { [] }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        guard input.rank != 4 || input.shape[1].fixedValue != nil else {
            return .failure(LayerInputError(message: "needs an input [batch, channels, height, width] with fixed channels, not \(input)"))
        }
        return WindowShapes.pooling(input: input, options: options).layerOutput(\.1)
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let shape = context.builder.type(of: input).shape
        guard case .success(let (pooling, output)) = WindowShapes.pooling(input: ValueType(element: .float, shape: shape), options: options),
              let channels = shape[1].fixedValue
        else { throw Lowering.Failure(description: "layer \(description) does not fit its input") }
        let window = ConvolutionWindow(
            strideY: pooling.strideY, strideX: pooling.strideX, paddingTop: pooling.paddingTop, paddingLeft: pooling.paddingLeft,
            dilationY: 1, dilationX: 1, groups: channels)
        let k = pooling.kernelHeight
        let filter = context.builder.broadcast(context.builder.constant(1 / Double(k * k)), to: [.fixed(channels), .fixed(1), .fixed(k), .fixed(k)])
        return context.builder.emit(.convolution2D(window), [input, filter], type: .float(output.shape))
    }

    var accessor: LayerAccessor? { nil }
}
