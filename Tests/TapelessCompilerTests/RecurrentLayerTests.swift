import Foundation
import Testing
@testable import TapelessCompiler

/// `LSTM`, `GRU` and `RNN` against PyTorch's modules with the same weights (`recurrent.py`):
/// stacked, bidirectional, time-major and batch-first, with and without biases; the loss
/// `sum(tanh(layer(x)) · c)` and its gradients with respect to every parameter and to `x`.
@Suite struct RecurrentLayerTests {
    static let layers = [
        "lstm_stacked_bidirectional": ("LSTM(3 -> 4, layers: 2, bidirectional: true, batchFirst: true)", "[2, 5, 3]", "[2, 5, 8]"),
        "lstm_time_major": ("LSTM(3 -> 4)", "[5, 2, 3]", "[5, 2, 4]"),
        "gru_time_major": ("GRU(3 -> 4)", "[5, 2, 3]", "[5, 2, 4]"),
        "gru_bidirectional": ("GRU(3 -> 4, bidirectional: true, batchFirst: true)", "[2, 5, 3]", "[2, 5, 8]"),
        "rnn_relu_without_bias": ("RNN(3 -> 4, nonlinearity: relu, bias: false, batchFirst: true)", "[2, 5, 3]", "[2, 5, 4]"),
        "rnn_tanh_stacked": ("RNN(3 -> 4, layers: 2, batchFirst: true)", "[2, 5, 3]", "[2, 5, 4]"),
    ]

    static func source(_ name: String) throws -> String {
        let (layer, input, output) = try #require(layers[name])
        return """
            model Recurrent {
                layer rnn = \(layer)
                func loss(x: \(input), c: \(output)) -> Float { sum(tanh(rnn(x)) * c) }
                let dx = grad(loss, wrt: x)
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
        let inputGradient = try #require(try IRInterpreter.run(dx.body, arguments: arguments, parameters: parameters).values.first)
        let reference = try ConvolutionReferenceTests.tensor(gradients["x"], shape: shapes["x"]!)
        let error = zip(inputGradient.values, reference.values).map { abs($0 - $1) }.max() ?? 0
        #expect(inputGradient.values.count == reference.values.count && error < 1e-10, "\(name): ∂loss/∂x, error \(error)")
    }
}
