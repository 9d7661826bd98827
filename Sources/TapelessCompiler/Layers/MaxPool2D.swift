/// `MaxPool2D(kernel: k)`: PyTorch's `nn.MaxPool2d` over NCHW inputs; no parameters.
///
/// Options: `kernel:` (required), `stride:` (the kernel), `padding:` (0) and `dilation:` (1).
struct MaxPool2D: LayerKind, Equatable {
    static let name = "MaxPool2D"

    var options: WindowOptions

    init?(_ reader: inout LayerArgumentReader) {
        guard let options = reader.poolingOptions(kind: Self.name, pyTorchName: "MaxPool2d", takesDilation: true) else { return nil }
        self.options = options
    }

    var description: String { "MaxPool2D(kernel: \(options.kernel ?? 0))" }

    var parameters: [LayerParameter] { [] }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        WindowShapes.pooling(input: input, options: options).layerOutput(\.1)
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
