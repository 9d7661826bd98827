/// `Dropout(p)`: PyTorch's `nn.Dropout`. In training, each element is zeroed with probability
/// `p` and the others are scaled by `1 / (1 - p)`, by a mask drawn from the training step's
/// seed and number (`Kernels.dropoutMask`); in inference, the input passes through. No
/// parameters and no options.
struct Dropout: LayerKind, Equatable {
    static let name = "Dropout"
    static let example = "Dropout(0.5)"

    /// The chance of zeroing an element, in `[0, 1)`.
    var probability: Double

    init?(_ reader: inout LayerArgumentReader) {
        let value = reader.leadingValue("probability", example: Self.example)
        reader.finish(options: [], example: Self.example)
        guard let value, !reader.hasErrors else { return nil }
        guard let probability = numberLiteral(value), probability >= 0, probability < 1 else {
            reader.error(
                "the probability of layer '\(reader.layerName)' must be a number in [0, 1), such as 0.5: "
                    + "it is the chance of zeroing each element", at: value.range)
            return nil
        }
        self.probability = probability
    }

    var description: String { "Dropout(\(IRPrinter.format(probability)))" }

    var parameters: [LayerParameter] { [] }

    var dependsOnMode: Bool { true }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        guard input.element == .float else { return .failure(LayerInputError(message: "needs a Float tensor, not \(input)")) }
        return .success(input)
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        guard context.mode == .training else { return input }
        return Self.applied(to: input, probability: probability, &context.builder)
    }

    /// `input` times a dropout mask of `probability` (the training form; `input` itself for 0).
    static func applied(to input: IRValue, probability: Double, _ b: inout IRBuilder) -> IRValue {
        guard probability > 0 else { return input }
        // Numbered 0 here; the differentiation stage numbers every application of the body.
        let mask = b.emit(.dropoutMask(DropoutMask(probability: probability, stream: 0)), type: b.type(of: input))
        return b.multiply(input, mask)
    }

    var accessor: LayerAccessor? { nil }
}
