/// `ConvTranspose2D(in -> out, kernel: k)`: PyTorch's `nn.ConvTranspose2d` over NCHW inputs
/// (the gradient of a convolution with respect to its input), with an `[in, out / groups, k, k]`
/// weight and PyTorch's default initialization. An `[n, in, h, w]` input gives
/// `[n, out, (h − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1, …]`.
///
/// Options: those of ``ConvolutionSettings`` (padding a number; no `same`) and `outputPadding:`
/// (0, below the stride or the dilation), the extra rows and columns at the end.
struct ConvTranspose2D: LayerKind {
    static let name = "ConvTranspose2D"
    static let example = "ConvTranspose2D(16 -> 8, kernel: 2, stride: 2)"

    var settings: ConvolutionSettings
    var outputPadding: Int

    init?(_ reader: inout LayerArgumentReader) {
        settings = ConvolutionSettings(&reader, example: Self.example)
        let extra = reader.option("outputPadding")
        guard settings.finish(&reader, example: Self.example, extraOptions: ["outputPadding"]) else { return nil }
        outputPadding = 0
        if let extra {
            guard let value = integerLiteral(extra), value >= 0 else {
                reader.error("'outputPadding:' of layer '\(reader.layerName)' must be a nonnegative integer", at: extra.range)
                return nil
            }
            outputPadding = value
        }
        let limit = max(settings.options.stride ?? 1, settings.options.dilation)
        guard outputPadding < limit else {
            reader.error("layer '\(reader.layerName)' has outputPadding \(outputPadding), which must be below its stride or dilation (as PyTorch)",
                         at: reader.declaration.range)
            return nil
        }
        if case .size = settings.options.padding {} else {
            reader.error("layer '\(reader.layerName)' takes its padding as a number (PyTorch's ConvTranspose2d has no 'same' or 'valid')",
                         at: reader.declaration.range)
            return nil
        }
    }

    var description: String { "ConvTranspose2D(\(settings.inputChannels) -> \(settings.outputChannels), kernel: \(settings.kernel))" }

    private var weightShape: [Int] {
        [settings.inputChannels, settings.outputChannels / settings.options.groups, settings.kernel, settings.kernel]
    }

    var parameters: [LayerParameter] { settings.parameters(weightShape: weightShape) }

    /// The window of the convolution whose input gradient this layer is, and the output type.
    private func window(for input: ValueType) -> Result<(ConvolutionWindow, ValueType), ShapeRules.MessageError> {
        guard input.rank == 4, input.shape[1] == .fixed(settings.inputChannels), let height = input.shape[2].fixedValue,
              let width = input.shape[3].fixedValue else {
            return .failure(.init("needs an input [batch, \(settings.inputChannels), height, width] with fixed height and width (NCHW), not \(input)"))
        }
        let options = settings.options
        let (stride, dilation) = (options.stride ?? 1, options.dilation)
        let padding = if case .size(let size) = options.padding { size } else { 0 }
        let span = dilation * (settings.kernel - 1) + outputPadding + 1
        let outputHeight = (height - 1) * stride - 2 * padding + span, outputWidth = (width - 1) * stride - 2 * padding + span
        guard outputHeight >= 1, outputWidth >= 1 else {
            return .failure(.init("has padding \(padding), which leaves no output for its \(height)×\(width) input; use less padding"))
        }
        let window = ConvolutionWindow(
            strideY: stride, strideX: stride, paddingTop: padding, paddingLeft: padding, dilationY: dilation, dilationX: dilation,
            groups: options.groups)
        return .success((window, .tensor([input.shape[0], .fixed(settings.outputChannels), .fixed(outputHeight), .fixed(outputWidth)])))
    }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        window(for: input).layerOutput(\.1)
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        var b = context.builder
        defer { context.builder = b }
        guard case .success(let (window, output)) = window(for: ValueType(element: .float, shape: b.type(of: input).shape)) else {
            throw Lowering.Failure(description: "layer \(description) does not fit its input")
        }
        var result = b.emit(.convolution2DInputGradient(window), [input, context.parameter("weight")], type: .float(output.shape))
        if let bias = context.parameters["bias"] {
            result = b.add(result, b.emit(.reshape, [bias], type: .float([.fixed(settings.outputChannels), .fixed(1), .fixed(1)])))
        }
        return try BuiltinLowering.apply(settings.activation, to: result, &b)
    }

    var accessor: LayerAccessor? { nil }

    func isEqual(to other: any LayerKind) -> Bool {
        guard let other = other as? Self else { return false }
        return settings.isEqual(to: other.settings) && outputPadding == other.outputPadding
    }
}
