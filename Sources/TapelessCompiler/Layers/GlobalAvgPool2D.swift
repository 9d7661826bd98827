/// `GlobalAvgPool2D()`: the mean of each channel over its positions, `[batch, channels,
/// height, width]` to `[batch, channels]` (PyTorch's `nn.AdaptiveAvgPool2d(1)` followed by
/// `flatten`, Keras's `GlobalAveragePooling2D`); no parameters and no options.
struct GlobalAvgPool2D: LayerKind, Equatable {
    static let name = "GlobalAvgPool2D"

    init?(_ reader: inout LayerArgumentReader) {
        reader.finish(options: [], example: "GlobalAvgPool2D()")
        guard !reader.hasErrors else { return nil }
    }

    var description: String { "GlobalAvgPool2D()" }

    var parameters: [LayerParameter] { [] }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        guard input.element == .float, input.rank == 4 else {
            return .failure(LayerInputError(message: "needs an input [batch, channels, height, width], not \(input)"))
        }
        return .success(.tensor(Array(input.shape.prefix(2))))
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let rows = BuiltinLowering.mean(input, axis: 3, &context.builder)
        return BuiltinLowering.mean(rows, axis: 2, &context.builder)
    }

    var accessor: LayerAccessor? { nil }
}
