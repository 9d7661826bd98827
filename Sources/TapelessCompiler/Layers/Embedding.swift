/// `Embedding(count -> dim)`: PyTorch's `nn.Embedding(count, dim)`, a table of `count` rows of
/// `dim` numbers from which Int indices pick rows (`gather(weight, indices)`): an input
/// `Int[batch, length]` gives `[batch, length, dim]`. The weight `[count, dim]` starts
/// normal(0, 1), as PyTorch's does. No options.
struct Embedding: LayerKind, Equatable {
    static let name = "Embedding"
    static let example = "Embedding(1000 -> 64)"

    /// The number of rows: indices are in `0..<count`.
    var count: Int
    /// The length of each row.
    var dimension: Int

    init?(_ reader: inout LayerArgumentReader) {
        let sizes = reader.sizes(example: Self.example)
        reader.finish(options: [], example: Self.example)
        guard let sizes, !reader.hasErrors else { return nil }
        (count, dimension) = sizes
        guard reader.weightFits([count, dimension]) else { return nil }
    }

    var description: String { "Embedding(\(count) -> \(dimension))" }

    var parameters: [LayerParameter] {
        [LayerParameter(name: "weight", shape: [count, dimension], initializer: .normal(0, 1))]
    }

    var inputElement: ValueType.Element { .int }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        if let failure = ShapeRules.indexError(input) { return .failure(LayerInputError(message: failure.message)) }
        return .success(.tensor(input.shape + [.fixed(dimension)]))
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        BuiltinLowering.gather(context.parameter("weight"), indices: input, &context.builder)
    }

    var accessor: LayerAccessor? { nil }
}
