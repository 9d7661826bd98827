/// `MultiHeadAttention(features, heads: h)`: PyTorch's `nn.MultiheadAttention(features, h,
/// batch_first=True)` as self-attention over `[batch, length, features]`: the input projected to
/// queries, keys and values, each split into `h` heads, `softmax(q kᵀ / √(features / h)) v` per
/// head, the heads joined and projected back.
///
/// Parameters, named and laid out as PyTorch's `state_dict`: `in_proj_weight` `[3·features,
/// features]` (Xavier uniform) and `in_proj_bias` (zeros), `out_proj.weight` `[features,
/// features]` (uniform in ±1/√features) and `out_proj.bias` (zeros). Options: `heads:`
/// (required, dividing the features) and `causal:` (false): true masks each position's later
/// ones (PyTorch's `is_causal` with its `-∞` mask). An application may pass `padding:` a
/// `[batch, length]` tensor, nonzero at padded positions, which no query attends to (PyTorch's
/// `key_padding_mask`). The same in both modes (no dropout).
struct MultiHeadAttention: LayerKind, Equatable {
    static let name = "MultiHeadAttention"
    static let example = "MultiHeadAttention(64, heads: 8)"

    var features: Int
    var heads: Int
    var isCausal: Bool

    init?(_ reader: inout LayerArgumentReader) {
        let features = reader.count(example: Self.example)
        let headsValue = reader.option("heads")
        isCausal = reader.flag("causal", default: false)
        reader.finish(options: ["heads", "causal"], example: "heads: 8")
        guard let features, !reader.hasErrors else { return nil }
        guard let headsValue, let heads = integerLiteral(headsValue), heads >= 1 else {
            reader.error("layer '\(reader.layerName)' needs its number of heads as a positive integer, as in '\(Self.example)'",
                         at: headsValue?.range ?? reader.declaration.range)
            return nil
        }
        guard features % heads == 0 else {
            reader.error("layer '\(reader.layerName)' has \(heads) heads, which must divide its \(features) features", at: headsValue.range)
            return nil
        }
        (self.features, self.heads) = (features, heads)
    }

    var description: String { "MultiHeadAttention(\(features), heads: \(heads))" }

    var parameters: [LayerParameter] {
        let projection = (6 / Double(4 * features)).squareRoot(), output = 1 / Double(features).squareRoot()
        return [
            LayerParameter(name: "in_proj_weight", shape: [3 * features, features], initializer: .uniform(-projection, projection)),
            LayerParameter(name: "in_proj_bias", shape: [3 * features], initializer: .constant(0)),
            LayerParameter(name: "out_proj.weight", shape: [features, features], initializer: .uniform(-output, output)),
            LayerParameter(name: "out_proj.bias", shape: [features], initializer: .constant(0)),
        ]
    }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        guard input.element == .float, input.rank == 3, input.shape[2] == .fixed(features) else {
            return .failure(LayerInputError(message: "needs an input [batch, length, \(features)], not \(input)"))
        }
        return .success(input)
    }

    func lower(_ x: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        var b = context.builder
        defer { context.builder = b }
        let shape = b.type(of: x).shape
        let (batch, length, size) = (shape[0], shape[1], features / heads)
        // [batch, length, 3·features]: queries, keys and values side by side, as PyTorch packs them.
        let packed = b.add(b.matmul(x, context.parameter("in_proj_weight"), transposeRight: true), context.parameter("in_proj_bias"))
        let perHead = IRType.float([batch, .fixed(heads), length, .fixed(size)])
        func head(_ part: Int) -> IRValue {
            let slice = b.emit(.slice(axis: 2, start: part * features, end: (part + 1) * features), [packed], type: .float(shape))
            let split = b.emit(.reshape, [slice], type: .float([batch, length, .fixed(heads), .fixed(size)]))
            return b.emit(.permute([0, 2, 1, 3]), [split], type: perHead)
        }
        let (queries, keys, values) = (head(0), head(1), head(2))
        var scores = b.scale(b.matmul(queries, keys, transposeRight: true), by: 1 / Double(size).squareRoot())
        if isCausal {
            let square = IRType.float([length, length])
            let later = b.compare(.greater, b.emit(.iota(axis: 1), type: square), b.emit(.iota(axis: 0), type: square))
            scores = b.add(scores, b.select(later, b.constant(-.infinity), b.constant(0)))
        }
        if let padding = context.optionalInputs["padding"] {
            // [batch, length] → [batch, 1, 1, length]: each example's padded keys, for every head and query.
            let keys = b.emit(.reshape, [padding], type: .float([batch, .fixed(1), .fixed(1), length]))
            scores = b.add(scores, b.select(b.compare(.notEqual, keys, b.constant(0)), b.constant(-.infinity), b.constant(0)))
        }
        let weights = b.emit(.softmax(axis: 3), [scores], type: b.type(of: scores))
        let attended = b.emit(.permute([0, 2, 1, 3]), [b.matmul(weights, values)], type: .float([batch, length, .fixed(heads), .fixed(size)]))
        let joined = b.emit(.reshape, [attended], type: .float(shape))
        return b.add(b.matmul(joined, context.parameter("out_proj.weight"), transposeRight: true), context.parameter("out_proj.bias"))
    }

    var optionalInputs: [String] { ["padding"] }

    func checkOptionalInput(_ label: String, _ type: ValueType, for input: ValueType) -> LayerInputError? {
        let expected = ValueType.tensor(Array(input.shape.prefix(2)))
        return type == expected ? nil : LayerInputError(message: "must be \(expected), one value per example and position (nonzero where padded), not \(type)")
    }

    var accessor: LayerAccessor? { nil }
}
