import Foundation
import Testing
@testable import TapelessCompiler

/// `LSTM`, `GRU` and `RNN` against PyTorch's modules with the same weights (`recurrent.py`):
/// stacked, bidirectional, time-major and batch-first, with and without biases (and dropout
/// between stacked layers, which acts in training only), from zero or given initial states;
/// the loss `sum(tanh(output) · c) + sum(h_n · d) (+ sum(c_n · e))`, over the output and the
/// final states (`let (y, hN, cN) = rnn(x)`), and its gradients with respect to every
/// parameter, to `x` and to the initial states.
@Suite struct RecurrentLayerTests {
    /// Each case's layer, its input's and output's shapes, and its states' shape (initial and final).
    static let layers = [
        "lstm_stacked_bidirectional": ("LSTM(3 -> 4, layers: 2, bidirectional: true, batchFirst: true)", "[2, 5, 3]", "[2, 5, 8]", "[4, 2, 4]"),
        "lstm_time_major": ("LSTM(3 -> 4)", "[5, 2, 3]", "[5, 2, 4]", "[1, 2, 4]"),
        "gru_time_major": ("GRU(3 -> 4)", "[5, 2, 3]", "[5, 2, 4]", "[1, 2, 4]"),
        "gru_bidirectional": ("GRU(3 -> 4, bidirectional: true, batchFirst: true)", "[2, 5, 3]", "[2, 5, 8]", "[2, 2, 4]"),
        "rnn_relu_without_bias": ("RNN(3 -> 4, nonlinearity: relu, bias: false, batchFirst: true)", "[2, 5, 3]", "[2, 5, 4]", "[1, 2, 4]"),
        "rnn_tanh_stacked": ("RNN(3 -> 4, layers: 2, batchFirst: true)", "[2, 5, 3]", "[2, 5, 4]", "[2, 2, 4]"),
        "lstm_initial_states": ("LSTM(3 -> 4, layers: 2, bidirectional: true, batchFirst: true)", "[2, 5, 3]", "[2, 5, 8]", "[4, 2, 4]"),
        "gru_initial_state": ("GRU(3 -> 4)", "[5, 2, 3]", "[5, 2, 4]", "[1, 2, 4]"),
    ]

    /// The states each case starts from; zero states for the others.
    static let initialStates = ["lstm_initial_states": ["h0", "c0"], "gru_initial_state": ["h0"]]

    /// The loss reads the output and the final states, taken apart as `let (y, hN, cN) = rnn(x)`.
    static func source(_ name: String) throws -> String {
        let (layer, input, output, stateShape) = try #require(layers[name])
        let states = initialStates[name] ?? []
        let isLSTM = layer.hasPrefix("LSTM")
        let stateArguments = states.map { ", \($0): \(stateShape)" }.joined()
        let given = states.map { ", \($0): \($0)" }.joined()
        let finalWeights = isLSTM ? ", d: \(stateShape), e: \(stateShape)" : ", d: \(stateShape)"
        let finals = isLSTM ? "(y, hN, cN)" : "(y, hN)"
        let finalTerms = isLSTM ? " + sum(hN * d) + sum(cN * e)" : " + sum(hN * d)"
        return """
            model Recurrent {
                layer rnn = \(layer)
                func loss(x: \(input), c: \(output)\(finalWeights)\(stateArguments)) -> Float {
                    let \(finals) = rnn(x\(given))
                    sum(tanh(y) * c)\(finalTerms)
                }
                let dx = grad(loss, wrt: x\(states.map { ", " + $0 }.joined()))
            }
            """
    }

    @Test(arguments: layers.keys.sorted())
    func valuesAndGradientsMatchPyTorch(_ name: String) throws {
        let cases = try #require(try CompiledFunctions.reference("recurrent")["cases"] as? [[String: Any]])
        let json = try #require(cases.first { $0["name"] as? String == name })
        let shapes = try #require(json["shapes"] as? [String: [Int]])
        let model = try #require(try CompiledFunctions(try Self.source(name)).program.models.first)
        let loss = try #require(model.functions.first { $0.name == "loss" })
        let withGradient = try #require(loss.withGradient)

        let parameterValues = try #require(json["parameters"] as? [String: Any])
        var parameters: [String: IRTensor] = [:]
        for (key, value) in parameterValues { parameters["rnn.\(key)"] = try ConvolutionReferenceTests.tensor(value, shape: shapes[key]!) }
        #expect(Set(parameters.keys) == Set(model.parameters.map(\.name)), "PyTorch's names and count")
        let inputs = try #require(json["inputs"] as? [String: Any])
        let arguments = try loss.body.arguments.map { try ConvolutionReferenceTests.tensor(inputs[$0.name], shape: shapes[$0.name]!) }

        let results = try IRInterpreter.run(withGradient, arguments: arguments, parameters: parameters)
        let expectedLoss = try #require(json["loss"] as? Double)
        let value = try #require(results["value"]).values[0]
        #expect(abs(value - expectedLoss) < 1e-10 * max(1, abs(expectedLoss)), "\(name): loss \(value), PyTorch \(expectedLoss)")
        let gradients = try #require(json["grad"] as? [String: Any])
        for parameter in model.parameters {
            let key = String(parameter.name.dropFirst("rnn.".count))
            let reference = try ConvolutionReferenceTests.tensor(gradients[key], shape: shapes[key]!)
            let gradient = try #require(results[parameter.name], "\(name): no gradient of \(parameter.name)")
            let error = zip(gradient.values, reference.values).map { abs($0 - $1) }.max() ?? 0
            #expect(gradient.shape == reference.shape && error < 1e-10, "\(name): ∂loss/∂\(parameter.name), error \(error)")
        }
        let dx = try #require(model.functions.first { $0.name == "dx" })
        let inputGradients = try IRInterpreter.run(dx.body, arguments: arguments, parameters: parameters)
        for input in ["x"] + (Self.initialStates[name] ?? []) {
            let computed = try #require(inputGradients[input], "\(name): no gradient of \(input)")
            let reference = try ConvolutionReferenceTests.tensor(gradients[input], shape: shapes[input]!)
            let error = zip(computed.values, reference.values).map { abs($0 - $1) }.max() ?? 0
            #expect(computed.values.count == reference.values.count && error < 1e-10, "\(name): ∂loss/∂\(input), error \(error)")
        }
    }

    /// PyTorch's `dropout` argument: in training, dropout on every layer's output but the
    /// last's; in inference, the layers as without it.
    @Test func dropoutBetweenStackedLayersActsInTrainingOnly() throws {
        let loss = "func loss(x: [2, 5, 3], c: [2, 5, 4]) -> Float { sum(tanh(rnn(x)) * c) }"
        let source = [
            "model Dropped {", "    layer rnn = LSTM(3 -> 4, layers: 3, batchFirst: true, dropout: 0.5)", "    \(loss)", "}",
            "model Plain {", "    layer rnn = LSTM(3 -> 4, layers: 3, batchFirst: true)", "    \(loss)", "}",
        ].joined(separator: "\n")
        let program = try CompiledFunctions(source).program
        func form(_ model: String, _ mode: ExecutionMode?) throws -> LoweredFunction {
            try #require(program.models.first { $0.name == model }?.functions.first { $0.name == "loss" && $0.mode == mode })
        }
        let (training, inference, plain) = (try form("Dropped", .training), try form("Dropped", .inference), try form("Plain", nil))
        let masks = training.body.instructions.filter { if case .dropoutMask = $0.op { true } else { false } }
        #expect(masks.map(\.type) == Array(repeating: .float([.fixed(2), .fixed(5), .fixed(4)]), count: 2), "one mask after each layer but the last")
        #expect(!inference.body.instructions.contains { if case .dropoutMask = $0.op { true } else { false } })

        var random = ParserRobustnessTests.Generator(state: 7)
        let parameters = Dictionary(uniqueKeysWithValues: try #require(program.models.first).parameters.map { parameter in
            (parameter.name, RandomProgramTests.randomTensor(IRType(.float, parameter.shape.map(IRDimension.fixed)), using: &random))
        })
        let arguments = inference.body.arguments.map { RandomProgramTests.randomTensor($0.type, using: &random) }
        func value(_ function: LoweredFunction) throws -> Double {
            try #require(IRInterpreter.run(function.body, arguments: arguments, parameters: parameters)["value"]).values[0]
        }
        #expect(try value(inference) == value(plain), "inference runs the layers as without dropout")
        #expect(try value(training) != value(inference), "training drops")
        let gradient = try IRInterpreter.run(try #require(training.withGradient), arguments: arguments, parameters: parameters)
        for name in ["rnn.weight_ih_l0", "rnn.weight_hh_l1", "rnn.bias_ih_l2"] {
            try GradientChecking.expectFiniteDifferences(
                of: training.body, result: "value", at: arguments, parameters: parameters, varying: .parameter(name),
                equal: try #require(gradient[name]), step: 1e-6, tolerance: 1e-7, atMost: 8, "∂loss/∂\(name) in training")
        }
    }
}
