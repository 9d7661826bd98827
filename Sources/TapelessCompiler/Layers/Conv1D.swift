/// `Conv1D(in -> out, kernel: k)`: PyTorch's `nn.Conv1d` over `[batch, channels, length]`
/// inputs, with an `[out, in / groups, k]` weight and PyTorch's default initialization.
///
/// Options: those of ``ConvolutionSettings``. It runs as a 2-D convolution over a height of
/// one, whose kernels and derivative rules it shares.
struct Conv1D: LayerKind {
    static let name = "Conv1D"
    static let example = "Conv1D(16 -> 32, kernel: 3)"

    var settings: ConvolutionSettings

    init?(_ reader: inout LayerArgumentReader) {
        settings = ConvolutionSettings(&reader, example: Self.example)
        guard settings.finish(&reader, example: Self.example) else { return nil }
    }

    var description: String { "Conv1D(\(settings.inputChannels) -> \(settings.outputChannels), kernel: \(settings.kernel))" }

    private var weightShape: [Int] { [settings.outputChannels, settings.inputChannels / settings.options.groups, settings.kernel] }

    var parameters: [LayerParameter] { settings.parameters(weightShape: weightShape) }

    /// The 2-D window over `[batch, channels, 1, length]` and the 1-D output type.
    private func window(for input: ValueType) -> Result<(ConvolutionWindow, ValueType), ShapeRules.MessageError> {
        guard input.rank == 3 else {
            return .failure(.init("needs an input [batch, channels, length] with fixed channels and length, not \(input)"))
        }
        let planar = ValueType(element: input.element, shape: [input.shape[0], input.shape[1], .fixed(1), input.shape[2]])
        let weight = ValueType.tensor([weightShape[0], weightShape[1], 1, weightShape[2]].map(Dimension.fixed))
        return WindowShapes.convolution(input: planar, weight: weight, options: settings.options).map { window, output in
            var window = window
            // The height is 1 with a kernel of 1: no stride, padding or dilation applies to it.
            (window.strideY, window.paddingTop, window.dilationY) = (1, 0, 1)
            return (window, .tensor([output.shape[0], output.shape[1], output.shape[3]]))
        }
    }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        window(for: input).layerOutput(\.1)
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        var b = context.builder
        defer { context.builder = b }
        let shape = b.type(of: input).shape
        guard case .success(let (window, output)) = window(for: ValueType(element: .float, shape: shape)) else {
            throw Lowering.Failure(description: "layer \(description) does not fit its input")
        }
        let planar = b.emit(.reshape, [input], type: .float([shape[0], shape[1], .fixed(1), shape[2]]))
        let weight = b.emit(.reshape, [context.parameter("weight")], type: .float([weightShape[0], weightShape[1], 1, weightShape[2]].map(IRDimension.fixed)))
        let planarOutput = IRType.float([output.shape[0], output.shape[1], .fixed(1), output.shape[2]])
        let result = BuiltinLowering.convolution(planar, weight: weight, bias: context.parameters["bias"], window, resultType: planarOutput, &b)
        return try BuiltinLowering.apply(settings.activation, to: b.emit(.reshape, [result], type: .float(output.shape)), &b)
    }

    var accessor: LayerAccessor? { nil }

    func isEqual(to other: any LayerKind) -> Bool {
        guard let other = other as? Self else { return false }
        return settings.isEqual(to: other.settings)
    }
}
