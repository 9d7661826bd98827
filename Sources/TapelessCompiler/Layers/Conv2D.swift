/// `Conv2D(in -> out, kernel: k)`: PyTorch's `nn.Conv2d` over NCHW inputs, with an OIHW weight
/// and PyTorch's default initialization (uniform in ±1/√fanIn for weight and bias).
///
/// Options: `kernel:` (required), `stride:` (1), `padding:` (0, a number, `same` or `valid`),
/// `dilation:` (1), `groups:` (1), `bias:` (true) and `activation:`, as Dense's.
struct Conv2D: LayerKind {
    static let name = "Conv2D"
    static let example = "Conv2D(1 -> 6, kernel: 5)"

    var inputChannels: Int
    var outputChannels: Int
    var kernel: Int
    var options: WindowOptions
    var hasBias: Bool
    var activation: (builtin: Builtin, constant: Double?)?

    init?(_ reader: inout LayerArgumentReader) {
        let sizes = reader.sizes(example: Self.example)
        let kernel = reader.windowSize(.kernel)
        var options = WindowOptions()
        options.stride = reader.windowSize(.stride)
        options.padding = reader.padding()
        options.dilation = reader.windowSize(.dilation) ?? 1
        options.groups = reader.windowSize(.groups) ?? 1
        hasBias = reader.flag("bias", default: true)
        let activationValue = reader.option("activation")
        activation = activationValue.flatMap { reader.checker.layerActivation($0) }
        reader.finish(
            options: ["kernel", "stride", "padding", "dilation", "groups", "bias", "activation"], example: "kernel: 3")
        if kernel == nil, sizes != nil, !reader.hasErrors {
            reader.error("layer '\(reader.layerName)' needs a kernel size, as in '\(Self.example)'", at: reader.declaration.range)
        }
        if options.padding == .same, (options.stride ?? 1) != 1 {
            reader.error("layer '\(reader.layerName)' with padding: same needs stride 1 (as PyTorch)", at: reader.declaration.range)
        }
        guard let sizes, let kernel, !reader.hasErrors, activationValue == nil || activation != nil else { return nil }
        guard sizes.input % options.groups == 0, sizes.output % options.groups == 0 else {
            reader.error(
                "layer '\(reader.layerName)' has \(options.groups) groups, which must divide both its \(sizes.input) input and "
                    + "\(sizes.output) output channels", at: reader.declaration.range)
            return nil
        }
        (inputChannels, outputChannels, self.kernel, self.options) = (sizes.input, sizes.output, kernel, options)
    }

    var description: String { "Conv2D(\(inputChannels) -> \(outputChannels), kernel: \(kernel))" }

    private var weightShape: [Int] { [outputChannels, inputChannels / options.groups, kernel, kernel] }

    var parameters: [LayerParameter] {
        let bound = 1 / Double(weightShape.dropFirst().reduce(1, *)).squareRoot()
        let weight = LayerParameter(name: "weight", shape: weightShape, initializer: .uniform(-bound, bound))
        let bias = LayerParameter(name: "bias", shape: [outputChannels], initializer: .uniform(-bound, bound))
        return hasBias ? [weight, bias] : [weight]
    }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        switch WindowShapes.convolution(input: input, weight: .tensor(weightShape.map(Dimension.fixed)), options: options) {
        case .success(let (_, output)): return .success(output)
        case .failure(let failure): return .failure(LayerInputError(message: failure.message))
        }
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        guard case .success(let (window, output)) = WindowShapes.convolution(
            input: ValueType(element: .float, shape: context.builder.type(of: input).shape),
            weight: .tensor(weightShape.map(Dimension.fixed)), options: options)
        else { throw Lowering.Failure(description: "layer \(description) does not fit its input") }
        let result = BuiltinLowering.convolution(
            input, weight: context.parameter("weight"), bias: context.parameters["bias"], window, resultType: .float(output.shape),
            &context.builder)
        return try BuiltinLowering.apply(activation, to: result, &context.builder)
    }

    var accessor: LayerAccessor? { nil }

    func isEqual(to other: any LayerKind) -> Bool {
        guard let other = other as? Self else { return false }
        return inputChannels == other.inputChannels && outputChannels == other.outputChannels && kernel == other.kernel
            && options == other.options && hasBias == other.hasBias && activation?.builtin == other.activation?.builtin
            && activation?.constant == other.activation?.constant
    }
}
