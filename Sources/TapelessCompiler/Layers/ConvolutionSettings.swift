/// What the convolution layer kinds read and share: the channels (`in -> out`), the kernel,
/// the window options, the bias and the activation, with PyTorch's defaults.
///
/// Options: `kernel:` (required), `stride:` (1), `padding:` (0, a number, `same` or `valid`),
/// `dilation:` (1), `groups:` (1), `bias:` (true) and `activation:`, as Dense's; a kind may
/// take more (read between ``init(_:example:)`` and ``finish(_:example:extraOptions:)``).
struct ConvolutionSettings {
    static let optionNames = ["kernel", "stride", "padding", "dilation", "groups", "bias", "activation"]

    var inputChannels = 0
    var outputChannels = 0
    var kernel = 0
    var options = WindowOptions()
    var hasBias = true
    var activation: (builtin: Builtin, constant: Double?)?
    private var sizes: (input: Int, output: Int)?
    private var kernelOption: Int?
    private var activationIsValid = true

    /// Reads the shared arguments; the kind reads its own, then calls ``finish(_:example:extraOptions:)``.
    init(_ reader: inout LayerArgumentReader, example: String) {
        sizes = reader.sizes(example: example)
        kernelOption = reader.windowSize(.kernel)
        options.stride = reader.windowSize(.stride)
        options.padding = reader.padding()
        options.dilation = reader.windowSize(.dilation) ?? 1
        options.groups = reader.windowSize(.groups) ?? 1
        hasBias = reader.flag("bias", default: true)
        let activationValue = reader.option("activation")
        activation = activationValue.flatMap { reader.checker.layerActivation($0) }
        activationIsValid = activationValue == nil || activation != nil
    }

    /// Reports the arguments no one took and the settings that don't fit together; `false`
    /// when the layer can't be used.
    mutating func finish(_ reader: inout LayerArgumentReader, example: String, extraOptions: [String] = []) -> Bool {
        reader.finish(options: Self.optionNames + extraOptions, example: "kernel: 3")
        if kernelOption == nil, sizes != nil, !reader.hasErrors {
            reader.error("layer '\(reader.layerName)' needs a kernel size, as in '\(example)'", at: reader.declaration.range)
        }
        if options.padding == .same, (options.stride ?? 1) != 1 {
            reader.error("layer '\(reader.layerName)' with padding: same needs stride 1 (as PyTorch)", at: reader.declaration.range)
        }
        guard let sizes, let kernelOption, !reader.hasErrors, activationIsValid else { return false }
        guard sizes.input % options.groups == 0, sizes.output % options.groups == 0 else {
            reader.error(
                "layer '\(reader.layerName)' has \(options.groups) groups, which must divide both its \(sizes.input) input and "
                    + "\(sizes.output) output channels", at: reader.declaration.range)
            return false
        }
        (inputChannels, outputChannels, kernel) = (sizes.input, sizes.output, kernelOption)
        return true
    }

    /// The weight of `weightShape` and the bias (one per output channel), both uniform in
    /// `±1/√fanIn` with `fanIn` the weight's elements per filter (PyTorch's default).
    func parameters(weightShape: [Int]) -> [LayerParameter] {
        let bound = 1 / Double(weightShape.dropFirst().reduce(1, *)).squareRoot()
        let weight = LayerParameter(name: "weight", shape: weightShape, initializer: .uniform(-bound, bound))
        let bias = LayerParameter(name: "bias", shape: [outputChannels], initializer: .uniform(-bound, bound))
        return hasBias ? [weight, bias] : [weight]
    }

    /// Whether two settings are the same.
    func isEqual(to other: Self) -> Bool {
        inputChannels == other.inputChannels && outputChannels == other.outputChannels && kernel == other.kernel
            && options == other.options && hasBias == other.hasBias && activation?.builtin == other.activation?.builtin
            && activation?.constant == other.activation?.constant
    }
}
