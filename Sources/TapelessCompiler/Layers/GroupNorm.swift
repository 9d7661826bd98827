/// `GroupNorm(channels, groups: g)`: PyTorch's `nn.GroupNorm(g, channels)` over `[batch,
/// channels, …]`: the channels split into `g` groups, each example's group normalized by its
/// mean and biased variance, then each channel scaled by `weight` (ones) and shifted by
/// `bias` (zeros). The same in both modes. Options: `groups:` (required, dividing the
/// channels) and `epsilon:` (1e-5).
struct GroupNorm: LayerKind, Equatable {
    static let name = "GroupNorm"
    static let example = "GroupNorm(32, groups: 4)"

    var channels: Int
    var groups: Int
    var epsilon: Double

    init?(_ reader: inout LayerArgumentReader) {
        let channels = reader.count(example: Self.example)
        let groups = reader.windowSize(.groups)
        let epsilon = reader.positiveNumber("epsilon", example: "1e-5")
        reader.finish(options: ["groups", "epsilon"], example: "groups: 4")
        guard let channels, !reader.hasErrors else { return nil }
        guard let groups else {
            reader.error("layer '\(reader.layerName)' needs its number of groups, as in '\(Self.example)'", at: reader.declaration.range)
            return nil
        }
        guard channels % groups == 0 else {
            reader.error("layer '\(reader.layerName)' has \(groups) groups, which must divide its \(channels) channels", at: reader.declaration.range)
            return nil
        }
        (self.channels, self.groups, self.epsilon) = (channels, groups, epsilon ?? 1e-5)
    }

    var description: String { "GroupNorm(\(channels), groups: \(groups))" }

    var parameters: [LayerParameter] {
        [
            LayerParameter(name: "weight", shape: [channels], initializer: .constant(1)),
            LayerParameter(name: "bias", shape: [channels], initializer: .constant(0)),
        ]
    }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        guard input.element == .float, input.rank >= 2, input.shape[1] == .fixed(channels),
              input.shape.dropFirst(2).allSatisfy({ $0.fixedValue != nil }) else {
            return .failure(LayerInputError(message: "needs an input [batch, \(channels), …] with fixed sizes after the batch, not \(input)"))
        }
        return .success(input)
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let shape = context.builder.type(of: input).shape
        let perGroup = shape.dropFirst().compactMap(\.fixedValue).reduce(1, *) / groups
        var b = context.builder
        defer { context.builder = b }
        let grouped = b.emit(.reshape, [input], type: .float([shape[0], .fixed(groups), .fixed(perGroup)]))
        let normalized = b.emit(.reshape, [Normalization.standardized(grouped, overLastAxisWith: epsilon, &b)], type: .float(shape))
        let perChannel = IRType.float([.fixed(channels)] + shape.dropFirst(2).map { _ in .fixed(1) })
        let scale = b.emit(.reshape, [context.parameter("weight")], type: perChannel)
        let shift = b.emit(.reshape, [context.parameter("bias")], type: perChannel)
        return b.add(b.multiply(normalized, scale), shift)
    }

    var accessor: LayerAccessor? { nil }
}
