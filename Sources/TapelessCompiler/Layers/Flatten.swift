/// `Flatten()`: PyTorch's `nn.Flatten`, every axis after the batch merged into one, in
/// row-major order (`[n, c, h, w]` becomes `[n, c·h·w]`, channel-major as PyTorch's); no
/// parameters. Option: `from:` (1), the first axis merged.
struct Flatten: LayerKind, Equatable {
    static let name = "Flatten"

    var from: Int

    init?(_ reader: inout LayerArgumentReader) {
        let axis = reader.option("from")
        reader.finish(options: ["from"], example: "from: 1")
        var from = 1
        if let axis {
            if let number = integerLiteral(axis), (0..<8).contains(number) {
                from = number
            } else {
                reader.error("'from:' of layer '\(reader.layerName)' must be an axis such as 1", at: axis.range)
            }
        }
        guard !reader.hasErrors else { return nil }
        self.from = from
    }

    var description: String { from == 1 ? "Flatten()" : "Flatten(from: \(from))" }

    var parameters: [LayerParameter] { [] }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        guard input.rank > from else {
            return .failure(LayerInputError(message: "merges the axes from \(from) on, so it needs an input of rank above \(from), not \(input)"))
        }
        return WindowShapes.flatten(input: input, from: from).layerOutput { $0 }
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let type = ValueType(element: .float, shape: context.builder.type(of: input).shape)
        guard case .success(let output) = WindowShapes.flatten(input: type, from: from) else {
            throw Lowering.Failure(description: "layer \(description) does not fit its input")
        }
        return output.shape == type.shape ? input : context.builder.emit(.reshape, [input], type: .float(output.shape))
    }

    var accessor: LayerAccessor? { nil }
}
