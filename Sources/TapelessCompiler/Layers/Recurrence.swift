/// What `RNN`, `LSTM` and `GRU` share, as PyTorch's `nn.RNN`, `nn.LSTM` and `nn.GRU`: sizes
/// (`in -> hidden`), stacked layers, both directions, the layout of the sequence, biases, and
/// running a cell over the sequence from a zero state or given initial states (`h0:`, `c0:`).
///
/// The input is `[length, batch, in]`, or `[batch, length, in]` with `batchFirst: true`; the
/// output has the same layout with `hidden` features (twice that when bidirectional: the
/// forward direction's, then the reverse's), the last layer's hidden state at every step, as
/// PyTorch's first result; taken apart, an application also gives the final states (`h_n`, and
/// the LSTM's `c_n`). Parameters per layer `k` and direction (`_reverse` for the reverse
/// one) are named, shaped and drawn as in PyTorch's `state_dict`: `weight_ih_lk` `[gates·hidden,
/// in]`, `weight_hh_lk` `[gates·hidden, hidden]`, `bias_ih_lk` and `bias_hh_lk` `[gates·hidden]`,
/// all uniform in ±1/√hidden. The length is a number known when the file compiles: the
/// compiler unrolls the steps. With `dropout: p` and stacked layers, each layer's output but
/// the last's goes through dropout in training mode, as PyTorch's `dropout` argument does.
/// With `checkpointEvery: k`, the reverse pass keeps the states every `k` steps of each layer
/// and direction, and computes the steps between again.
struct Recurrence: Equatable {
    var inputSize: Int
    var hiddenSize: Int
    var layers: Int
    var isBidirectional: Bool
    var isBatchFirst: Bool
    var hasBias: Bool
    /// The chance of dropping an element between stacked layers in training, in `[0, 1)`.
    var dropout: Double
    /// `checkpointEvery: k`: the reverse pass keeps the states every `k` steps and computes
    /// the steps between again, as for a loop (see ``SourceOrigin/segment``).
    var checkpointInterval: Int?

    /// The options every recurrent kind takes.
    static let options = ["layers", "bidirectional", "batchFirst", "bias", "dropout", "checkpointEvery"]

    /// The longest sequence, all layers and directions counted, the compiler unrolls.
    static let maximumSteps = 1024

    /// Reads the sizes and the shared options, then reports the arguments no one took (the kind
    /// reads its own options first, and names them in `kindOptions`).
    init?(_ reader: inout LayerArgumentReader, example: String, kindOptions: [String] = []) {
        let sizes = reader.sizes(example: example)
        let layersValue = reader.option("layers")
        let dropoutValue = reader.number("dropout")
        let checkpointValue = reader.option("checkpointEvery")
        isBidirectional = reader.flag("bidirectional", default: false)
        isBatchFirst = reader.flag("batchFirst", default: false)
        hasBias = reader.flag("bias", default: true)
        reader.finish(options: Self.options + kindOptions, example: "layers: 2")
        layers = 1
        if let layersValue {
            guard let count = integerLiteral(layersValue), count >= 1 else {
                reader.error("'layers:' of layer '\(reader.layerName)' must be a positive integer, such as 2", at: layersValue.range)
                return nil
            }
            layers = count
        }
        if let checkpointValue {
            guard let interval = integerLiteral(checkpointValue), interval >= 1 else {
                reader.error("'checkpointEvery:' of layer '\(reader.layerName)' must be a positive integer, such as 8: the reverse pass keeps the states every that many steps", at: checkpointValue.range)
                return nil
            }
            checkpointInterval = interval
        }
        dropout = dropoutValue?.value ?? 0
        if let (value, range) = dropoutValue {
            if !(0..<1).contains(value) {
                reader.error("'dropout:' of layer '\(reader.layerName)' must be a number in [0, 1), such as 0.2: it is the chance of zeroing each element", at: range)
            } else if value > 0, layers == 1 {
                reader.error("'dropout:' of layer '\(reader.layerName)' drops the outputs between stacked layers, and one layer has none; "
                             + "add 'layers: 2' or more, or apply a Dropout layer to the output", at: range)
            }
        }
        guard let sizes, !reader.hasErrors else { return nil }
        (inputSize, hiddenSize) = sizes
    }

    var directions: [String] { isBidirectional ? ["", "_reverse"] : [""] }

    var outputSize: Int { directions.count * hiddenSize }

    /// The options as written after the sizes, for descriptions.
    var optionsDescription: String {
        var options: [String] = []
        if layers > 1 { options.append("layers: \(layers)") }
        if isBidirectional { options.append("bidirectional: true") }
        if isBatchFirst { options.append("batchFirst: true") }
        if !hasBias { options.append("bias: false") }
        if dropout > 0 { options.append("dropout: \(IRPrinter.format(dropout))") }
        if let checkpointInterval { options.append("checkpointEvery: \(checkpointInterval)") }
        return options.map { ", " + $0 }.joined()
    }

    func parameters(gates: Int) -> [LayerParameter] {
        let bound = 1 / Double(hiddenSize).squareRoot()
        let initializer = InitializerSpec.uniform(-bound, bound)
        var parameters: [LayerParameter] = []
        for layer in 0..<layers {
            for suffix in directions {
                let input = layer == 0 ? inputSize : outputSize
                parameters.append(LayerParameter(name: "weight_ih_l\(layer)\(suffix)", shape: [gates * hiddenSize, input], initializer: initializer))
                parameters.append(LayerParameter(name: "weight_hh_l\(layer)\(suffix)", shape: [gates * hiddenSize, hiddenSize], initializer: initializer))
                if hasBias {
                    parameters.append(LayerParameter(name: "bias_ih_l\(layer)\(suffix)", shape: [gates * hiddenSize], initializer: initializer))
                    parameters.append(LayerParameter(name: "bias_hh_l\(layer)\(suffix)", shape: [gates * hiddenSize], initializer: initializer))
                }
            }
        }
        return parameters
    }

    private var timeAxis: Int { isBatchFirst ? 1 : 0 }

    private var batchAxis: Int { isBatchFirst ? 0 : 1 }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        let layout = isBatchFirst ? "[batch, length, \(inputSize)]" : "[length, batch, \(inputSize)] (or [batch, length, \(inputSize)] with batchFirst: true)"
        guard input.rank == 3, input.shape[2] == .fixed(inputSize) else {
            return .failure(LayerInputError(message: "needs a sequence \(layout), not \(input)"))
        }
        guard case .fixed(let length) = input.shape[timeAxis] else {
            return .failure(LayerInputError(
                message: "needs a sequence whose length is a number, not the size variable '\(input.shape[timeAxis])', in \(layout); the compiler unrolls the steps"))
        }
        guard length * layers * directions.count <= Self.maximumSteps else {
            return .failure(LayerInputError(
                message: "runs \(length * layers * directions.count) steps in all, counting every layer and direction; the compiler unrolls the steps, up to \(Self.maximumSteps)"))
        }
        var shape = input.shape
        shape[2] = .fixed(outputSize)
        return .success(.tensor(shape))
    }

    /// The state a cell carries from step to step: the hidden state, and the LSTM's cell state.
    struct State {
        var hidden: IRValue
        var cell: IRValue?
    }

    /// One step of a cell: the new state from the input's projection `[batch, gates·hidden]`
    /// (with its bias), the hidden state's projection `h Wₕₕᵀ + bₕₕ` (`nil` when it is zero:
    /// at the first step without biases), and the state before (`nil` at the first step: zero).
    typealias Step = (_ b: inout IRBuilder, _ input: IRValue, _ hidden: IRValue?, _ state: State?) -> State

    /// Why an initial state `label` (`h0`, or the LSTM's `c0`) of type `type` doesn't fit an
    /// input of type `input`, if it doesn't: it is `[layers · directions, batch, hidden]`, as
    /// PyTorch's `h_0` and `c_0`, whatever the input's layout.
    func checkInitialState(_ label: String, _ type: ValueType, for input: ValueType) -> LayerInputError? {
        let expected = ValueType.tensor([.fixed(layers * directions.count), input.shape[batchAxis], .fixed(hiddenSize)])
        guard type != expected else { return nil }
        return LayerInputError(message: "must be \(expected) (layers · directions, batch, hidden, as PyTorch's \(label.prefix(1))_0), not \(type)")
    }

    /// The final states' type: `[layers · directions, batch, hidden]`, as PyTorch's `h_n` and `c_n`.
    func finalStateType(for input: ValueType) -> ValueType {
        .tensor([.fixed(layers * directions.count), input.shape[batchAxis], .fixed(hiddenSize)])
    }

    /// The layers over `x`, each direction running `step` over the positions in its order,
    /// from the states the application gave (`h0:`, `c0:`) or zero ones. When the context wants
    /// them, the final states too (the hidden one, then the LSTM's cell state), each
    /// `[layers · directions, batch, hidden]` in PyTorch's order.
    func lower(_ x: IRValue, _ context: inout LayerLowering, step: Step) -> IRValue {
        var b = context.builder
        defer { context.builder = b }
        var finalStates: [State] = []
        var sequence = x
        let length = b.type(of: x).shape[timeAxis].fixedValue ?? 0
        let (h0, c0) = (context.optionalInputs["h0"], context.optionalInputs["c0"])
        for layer in 0..<layers {
            var outputs: [IRValue] = []
            for (direction, suffix) in directions.enumerated() {
                func parameter(_ name: String) -> IRValue { context.parameter("\(name)_l\(layer)\(suffix)") }
                // PyTorch's order of the initial states: layer by layer, each direction in turn.
                let index = layer * directions.count + direction
                var state: State?
                if h0 != nil || c0 != nil {
                    let batch = b.type(of: x).shape[batchAxis]
                    let hidden = h0.map { Self.pick(index, axis: 0, of: $0, &b) } ?? b.broadcast(b.constant(0), to: [batch, .fixed(hiddenSize)])
                    state = State(hidden: hidden, cell: c0.map { Self.pick(index, axis: 0, of: $0, &b) })
                }
                var hiddenStates = [IRValue?](repeating: nil, count: length)
                let application = b.origin
                for (order, position) in (suffix.isEmpty ? Array(0..<length) : (0..<length).reversed()).enumerated() {
                    if let interval = checkpointInterval, application?.segment == nil, let origin = application {
                        // Numbered after the application, the layer and the direction, as a loop's are.
                        b.origin?.segment = SourceOrigin.segment(at: origin.range.start, part: index, order / interval)
                    }
                    // Each position's input projected on its own: a step of the layer below is then
                    // read where it was computed, never from the joined sequence (see the simplifier).
                    var input = b.matmul(Self.pick(position, axis: timeAxis, of: sequence, &b), parameter("weight_ih"), transposeRight: true)
                    if hasBias { input = b.add(input, parameter("bias_ih")) }
                    var hidden = state.map { b.matmul($0.hidden, parameter("weight_hh"), transposeRight: true) }
                    if hasBias { hidden = hidden.map { b.add($0, parameter("bias_hh")) } ?? parameter("bias_hh") }
                    let next = step(&b, input, hidden, state)
                    hiddenStates[position] = next.hidden
                    state = next
                }
                b.origin = application
                if let state { finalStates.append(state) }
                outputs.append(stack(hiddenStates.compactMap { $0 }, &b))
            }
            sequence = outputs.count == 1 ? outputs[0] : BuiltinLowering.concatenate(outputs, axis: 2, resultType: concatenatedType(outputs, &b), &b)
            if context.mode == .training, layer < layers - 1 {
                sequence = Dropout.applied(to: sequence, probability: dropout, &b)
            }
        }
        if context.wantsFinalValues {
            let cells = finalStates.compactMap(\.cell)
            context.finalValues = [Self.join(finalStates.map(\.hidden), &b)] + (cells.count == finalStates.count ? [Self.join(cells, &b)] : [])
        }
        return sequence
    }

    /// States `[batch, hidden]` joined along a new first axis.
    private static func join(_ states: [IRValue], _ b: inout IRBuilder) -> IRValue {
        let parts = states.map { b.emit(.reshape, [$0], type: .float([.fixed(1)] + b.type(of: $0).shape)) }
        let shape = [IRDimension.fixed(states.count)] + b.type(of: states[0]).shape
        return parts.count == 1 ? parts[0] : BuiltinLowering.concatenate(parts, axis: 0, resultType: .float(shape), &b)
    }

    private func concatenatedType(_ parts: [IRValue], _ b: inout IRBuilder) -> IRType {
        var shape = b.type(of: parts[0]).shape
        shape[2] = .fixed(outputSize)
        return .float(shape)
    }

    /// The hidden states `[batch, hidden]` of every position, joined along the time axis.
    private func stack(_ states: [IRValue], _ b: inout IRBuilder) -> IRValue {
        let parts = states.map { state in
            var shape = b.type(of: state).shape
            shape.insert(.fixed(1), at: timeAxis)
            return b.emit(.reshape, [state], type: .float(shape))
        }
        var shape = b.type(of: parts[0]).shape
        shape[timeAxis] = .fixed(states.count)
        return BuiltinLowering.concatenate(parts, axis: timeAxis, resultType: .float(shape), &b)
    }

    /// The elements at `position` along `axis`, without that axis.
    private static func pick(_ position: Int, axis: Int, of value: IRValue, _ b: inout IRBuilder) -> IRValue {
        var shape = b.type(of: value).shape
        shape[axis] = .fixed(1)
        let one = b.emit(.slice(axis: axis, start: position, end: position + 1), [value], type: .float(shape))
        return b.reduceSum(one, axis: axis)
    }

    /// Gate `index` of `hidden`-sized gates packed along the last axis, in PyTorch's order.
    static func gate(_ index: Int, of value: IRValue, size: Int, _ b: inout IRBuilder) -> IRValue {
        var shape = b.type(of: value).shape
        shape[shape.count - 1] = .fixed(size)
        return b.emit(.slice(axis: shape.count - 1, start: index * size, end: (index + 1) * size), [value], type: .float(shape))
    }
}

/// A recurrent layer kind: ``Recurrence`` with its cell. The kind gives its gate count, its own
/// options' description and the cell's step; the rest is shared.
protocol RecurrentLayerKind: LayerKind {
    /// How many `hidden`-sized gates the weights hold (LSTM 4, GRU 3, RNN 1).
    static var gates: Int { get }
    /// The labels of the states an application may start from: `h0`, and the LSTM's `c0`.
    static var initialStates: [String] { get }
    var recurrence: Recurrence { get }
    /// The kind's own options as written after the sizes (`, nonlinearity: relu`), if any.
    var kindOptionsDescription: String { get }
}

extension RecurrentLayerKind {
    var kindOptionsDescription: String { "" }

    static var initialStates: [String] { ["h0"] }

    var optionalInputs: [String] { Self.initialStates }

    func checkOptionalInput(_ label: String, _ type: ValueType, for input: ValueType) -> LayerInputError? {
        recurrence.checkInitialState(label, type, for: input)
    }

    var description: String {
        "\(Self.name)(\(recurrence.inputSize) -> \(recurrence.hiddenSize)\(kindOptionsDescription)\(recurrence.optionsDescription))"
    }

    var parameters: [LayerParameter] { recurrence.parameters(gates: Self.gates) }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> { recurrence.outputType(for: input) }

    /// PyTorch's `h_n` (and the LSTM's `c_n`), named after the initial states: `hN`, `cN`.
    func finalValues(for input: ValueType) -> [(name: String, type: ValueType)] {
        Self.initialStates.map { ($0.prefix(1) + "N", recurrence.finalStateType(for: input)) }
    }

    var accessor: LayerAccessor? { nil }

    /// Dropout between stacked layers makes training differ from inference.
    var dependsOnMode: Bool { recurrence.dropout > 0 }
}
