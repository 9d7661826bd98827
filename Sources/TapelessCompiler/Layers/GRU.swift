/// `GRU(in -> hidden, layers: 1, bidirectional: false, batchFirst: false, bias: true, dropout: 0)`:
/// PyTorch's `nn.GRU`, with its gates in its order (reset, update, new):
/// `n = tanh(xₙ + σ(r) (h Wₕₙᵀ + bₕₙ))`, `h' = (1 − σ(z)) n + σ(z) h`, from a zero state or `h0:`. See
/// ``Recurrence`` for the layout and the parameters.
struct GRU: RecurrentLayerKind, Equatable {
    static let gates = 3
    static let name = "GRU"
    static let example = "GRU(8 -> 64, batchFirst: true)"

    var recurrence: Recurrence

    init?(_ reader: inout LayerArgumentReader) {
        guard let recurrence = Recurrence(&reader, example: Self.example) else { return nil }
        self.recurrence = recurrence
    }

    func lower(_ x: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let size = recurrence.hiddenSize
        return recurrence.lower(x, &context) { b, input, hidden, state in
            func gate(_ index: Int, _ value: IRValue) -> IRValue { Recurrence.gate(index, of: value, size: size, &b) }
            func sum(_ index: Int) -> IRValue { hidden.map { b.add(gate(index, input), gate(index, $0)) } ?? gate(index, input) }
            let (reset, update) = (b.unary(.sigmoid, sum(0)), b.unary(.sigmoid, sum(1)))
            let new = b.unary(.tanh, hidden.map { b.add(gate(2, input), b.multiply(reset, gate(2, $0))) } ?? gate(2, input))
            let kept = b.multiply(b.subtract(b.constant(1), update), new)
            return Recurrence.State(hidden: state.map { b.add(kept, b.multiply(update, $0.hidden)) } ?? kept)
        }
    }
}
