/// `RNN(in -> hidden, nonlinearity: tanh, layers: 1, bidirectional: false, batchFirst: false,
/// bias: true, dropout: 0)`: PyTorch's `nn.RNN`, `h' = tanh(x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ)` (or `relu`) from a
/// zero state or `h0:`. See ``Recurrence`` for the layout and the parameters.
struct RNN: RecurrentLayerKind, Equatable {
    static let gates = 1
    static let name = "RNN"
    static let example = "RNN(8 -> 64, batchFirst: true)"

    var recurrence: Recurrence
    /// `tanh` (PyTorch's default) or `relu`.
    var nonlinearity: UnaryFunction

    init?(_ reader: inout LayerArgumentReader) {
        let nonlinearityValue = reader.option("nonlinearity")
        guard let recurrence = Recurrence(&reader, example: Self.example, kindOptions: ["nonlinearity"]) else { return nil }
        switch nonlinearityValue?.kind {
        case nil, .identifier("tanh"): nonlinearity = .tanh
        case .identifier("relu"): nonlinearity = .relu
        default:
            reader.error("'nonlinearity:' of layer '\(reader.layerName)' must be tanh or relu, as in PyTorch", at: nonlinearityValue!.range)
            return nil
        }
        self.recurrence = recurrence
    }

    var kindOptionsDescription: String { nonlinearity == .relu ? ", nonlinearity: relu" : "" }

    func lower(_ x: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        recurrence.lower(x, &context) { [nonlinearity] b, input, hidden, _ in
            Recurrence.State(hidden: b.unary(nonlinearity, hidden.map { b.add(input, $0) } ?? input))
        }
    }
}
