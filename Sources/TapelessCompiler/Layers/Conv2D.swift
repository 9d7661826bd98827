/// `Conv2D(in -> out, kernel: k)`: PyTorch's `nn.Conv2d` over NCHW inputs, with an OIHW weight
/// and PyTorch's default initialization (uniform in ±1/√fanIn for weight and bias).
///
/// Options: those of ``ConvolutionSettings``.
struct Conv2D: LayerKind {
    static let name = "Conv2D"
    static let example = "Conv2D(1 -> 6, kernel: 5)"

    var settings: ConvolutionSettings

    init?(_ reader: inout LayerArgumentReader) {
        settings = ConvolutionSettings(&reader, example: Self.example)
        guard settings.finish(&reader, example: Self.example) else { return nil }
    }

    var description: String { "Conv2D(\(settings.inputChannels) -> \(settings.outputChannels), kernel: \(settings.kernel))" }

    private var weightShape: [Int] {
        [settings.outputChannels, settings.inputChannels / settings.options.groups, settings.kernel, settings.kernel]
    }

    var parameters: [LayerParameter] { settings.parameters(weightShape: weightShape) }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        WindowShapes.convolution(input: input, weight: .tensor(weightShape.map(Dimension.fixed)), options: settings.options).layerOutput(\.1)
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        guard case .success(let (window, output)) = WindowShapes.convolution(
            input: ValueType(element: .float, shape: context.builder.type(of: input).shape),
            weight: .tensor(weightShape.map(Dimension.fixed)), options: settings.options)
        else { throw Lowering.Failure(description: "layer \(description) does not fit its input") }
        let result = BuiltinLowering.convolution(
            input, weight: context.parameter("weight"), bias: context.parameters["bias"], window, resultType: .float(output.shape),
            &context.builder)
        return try BuiltinLowering.apply(settings.activation, to: result, &context.builder)
    }

    var accessor: LayerAccessor? { nil }

    func isEqual(to other: any LayerKind) -> Bool {
        guard let other = other as? Self else { return false }
        return settings.isEqual(to: other.settings)
    }
}
