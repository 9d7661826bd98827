/// `LSTM(in -> hidden, layers: 1, bidirectional: false, batchFirst: false, bias: true, dropout: 0)`:
/// PyTorch's `nn.LSTM`, with its gates in its order (input, forget, cell, output):
/// `c' = σ(f) c + σ(i) tanh(g)`, `h' = σ(o) tanh(c')`, from zero states or the ones an
/// application gives (`lstm(x, h0: h, c0: c)`). See ``Recurrence``
/// for the layout and the parameters.
struct LSTM: RecurrentLayerKind, Equatable {
    static let gates = 4
    static let initialStates = ["h0", "c0"]
    static let name = "LSTM"
    static let example = "LSTM(8 -> 64, batchFirst: true)"

    var recurrence: Recurrence

    init?(_ reader: inout LayerArgumentReader) {
        guard let recurrence = Recurrence(&reader, example: Self.example) else { return nil }
        self.recurrence = recurrence
    }

    func lower(_ x: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let size = recurrence.hiddenSize
        return recurrence.lower(x, &context) { b, input, hidden, state in
            let gates = hidden.map { b.add(input, $0) } ?? input
            func gate(_ index: Int, _ function: UnaryFunction) -> IRValue {
                b.unary(function, Recurrence.gate(index, of: gates, size: size, &b))
            }
            let (inputGate, forget, candidate, output) = (gate(0, .sigmoid), gate(1, .sigmoid), gate(2, .tanh), gate(3, .sigmoid))
            let written = b.multiply(inputGate, candidate)
            let cell = state?.cell.map { b.add(b.multiply(forget, $0), written) } ?? written
            return Recurrence.State(hidden: b.multiply(output, b.unary(.tanh, cell)), cell: cell)
        }
    }
}
