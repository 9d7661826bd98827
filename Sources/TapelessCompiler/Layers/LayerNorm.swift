/// `LayerNorm(features)`: PyTorch's `nn.LayerNorm(features)`: each position normalized over
/// its last axis (`features` long) by its mean and biased variance, then scaled by `weight`
/// (ones) and shifted by `bias` (zeros). The same in both modes. Option: `epsilon:` (1e-5).
struct LayerNorm: LayerKind, Equatable {
    static let name = "LayerNorm"
    static let example = "LayerNorm(64)"

    var features: Int
    var epsilon: Double

    init?(_ reader: inout LayerArgumentReader) {
        let features = reader.count(example: Self.example)
        let epsilon = reader.positiveNumber("epsilon", example: "1e-5")
        reader.finish(options: ["epsilon"], example: "epsilon: 1e-5")
        guard let features, !reader.hasErrors else { return nil }
        (self.features, self.epsilon) = (features, epsilon ?? 1e-5)
    }

    var description: String { "LayerNorm(\(features))" }

    var parameters: [LayerParameter] {
        [
            LayerParameter(name: "weight", shape: [features], initializer: .constant(1)),
            LayerParameter(name: "bias", shape: [features], initializer: .constant(0)),
        ]
    }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        guard input.element == .float, input.rank >= 1, input.shape.last == .fixed(features) else {
            return .failure(LayerInputError(message: "needs an input whose last axis has \(features) features, such as [batch, \(features)], not \(input)"))
        }
        return .success(input)
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let normalized = Normalization.standardized(input, overLastAxisWith: epsilon, &context.builder)
        return context.builder.add(context.builder.multiply(normalized, context.parameter("weight")), context.parameter("bias"))
    }

    var accessor: LayerAccessor? { nil }
}
