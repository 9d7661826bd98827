/// `MaxPool2D(kernel: k)`: PyTorch's `nn.MaxPool2d` over NCHW inputs; no parameters.
///
/// Options: `kernel:` (required), `stride:` (the kernel), `padding:` (0) and `dilation:` (1).
struct MaxPool2D: LayerKind, Equatable {
    static let name = "MaxPool2D"

    var options: WindowOptions

    init?(_ reader: inout LayerArgumentReader) {
        var options = WindowOptions()
        options.kernel = reader.windowSize(.kernel)
        options.stride = reader.windowSize(.stride)
        options.padding = reader.padding()
        options.dilation = reader.windowSize(.dilation) ?? 1
        reader.finish(options: ["kernel", "stride", "padding", "dilation"], example: "kernel: 2")
        if options.kernel == nil, !reader.hasErrors {
            reader.error("layer '\(reader.layerName)' needs a window size, as in 'MaxPool2D(kernel: 2)'", at: reader.declaration.range)
        }
        if options.padding == .same {
            reader.error("layer '\(reader.layerName)' takes its padding as a number (PyTorch's MaxPool2d has no 'same')",
                         at: reader.declaration.range)
        }
        guard !reader.hasErrors else { return nil }
        self.options = options
    }

    var description: String { "MaxPool2D(kernel: \(options.kernel ?? 0))" }

    var parameters: [LayerParameter] { [] }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        switch WindowShapes.pooling(input: input, options: options) {
        case .success(let (_, output)): return .success(output)
        case .failure(let failure): return .failure(LayerInputError(message: failure.message))
        }
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let type = ValueType(element: .float, shape: context.builder.type(of: input).shape)
        guard case .success(let (window, output)) = WindowShapes.pooling(input: type, options: options) else {
            throw Lowering.Failure(description: "layer \(description) does not fit its input")
        }
        return context.builder.emit(.maxPoolSelect(window), [input, input], type: .float(output.shape))
    }

    var accessor: LayerAccessor? { nil }
}
