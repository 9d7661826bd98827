import Testing
@testable import TapelessCompiler

/// Losses that call a derivative declared in their model (a physics-informed residual with a
/// second derivative, a gradient penalty through a convolution): the loss and its gradient with
/// respect to every parameter, run in the interpreter, against PyTorch's autograd with
/// `create_graph=True` (`model_derivatives.json`, written by `model_derivatives.py` beside it)
/// and against central differences.
@Suite struct ModelDerivativeTests {
    static let sources = [
        "decay": """
            model Decay {
                layer hidden = Dense(1 -> 8, activation: tanh)
                layer out = Dense(8 -> 1)
                func u(t: [n, 1]) -> [n, 1] { out(hidden(t)) }
                func total(t: [n, 1]) -> Float { sum(u(t)) }
                let dudt = grad(total, wrt: t)
                func slope(t: [n, 1]) -> Float { sum(dudt(t)) }
                let d2udt2 = grad(slope, wrt: t)
                func loss(t: [n, 1], t0: [1, 1]) -> Float {
                    mean(square(dudt(t) + u(t))) + mean(square(u(t0) - 1)) + 0.01 * mean(square(d2udt2(t)))
                }
            }
            """,
        "gradient_penalty": """
            model Critic {
                layer conv = Conv2D(1 -> 2, kernel: 3, activation: tanh)
                layer critic = Dense(18 -> 1)
                func score(x: [n, 1, 5, 5]) -> [n] { critic(flatten(conv(x), from: 1))[:, 0] }
                func total(x: [n, 1, 5, 5]) -> Float { sum(score(x)) }
                let dx = grad(total, wrt: x)
                func loss(x: [n, 1, 5, 5]) -> Float {
                    let g = reshape(dx(x), n, -1)
                    mean(score(x)) + mean(square(sqrt(sum(square(g), axis: 1)) - 1))
                }
            }
            """,
    ]

    @Test(arguments: ["decay", "gradient_penalty"])
    func lossWithADerivativeTrainsAsInPyTorch(_ name: String) throws {
        let cases = try #require(try CompiledFunctions.reference("model_derivatives")["cases"] as? [[String: Any]])
        let json = try #require(cases.first { $0["name"] as? String == name })
        let shapes = try #require(json["shapes"] as? [String: [Int]])
        let source = try #require(Self.sources[name])
        let model = try #require(try CompiledFunctions(source).program.models.first)
        let loss = try #require(model.functions.first { $0.name == "loss" })
        let withGradient = try #require(loss.withGradient, "the loss gets its parameters' gradient")

        let parameterValues = try #require(json["parameters"] as? [String: Any])
        var parameters: [String: IRTensor] = [:]
        for (key, value) in parameterValues { parameters[key] = try ConvolutionReferenceTests.tensor(value, shape: shapes[key]!) }
        #expect(Set(parameters.keys) == Set(model.parameters.map(\.name)))
        let inputs = try #require(json["inputs"] as? [String: Any])
        let arguments = try loss.body.arguments.map { try ConvolutionReferenceTests.tensor(inputs[$0.name], shape: shapes[$0.name]!) }

        let results = try IRInterpreter.run(withGradient, arguments: arguments, parameters: parameters)
        let value = try #require(results["value"]).values[0]
        let expectedLoss = try #require(json["loss"] as? Double)
        #expect(abs(value - expectedLoss) < 1e-10 * max(1, abs(expectedLoss)), "\(name): loss \(value), PyTorch \(expectedLoss)")
        let gradients = try #require(json["grad"] as? [String: Any])
        for parameter in model.parameters {
            let reference = try ConvolutionReferenceTests.tensor(gradients[parameter.name], shape: shapes[parameter.name]!)
            let gradient = try #require(results[parameter.name], "\(name): no gradient of \(parameter.name)")
            let error = zip(gradient.values, reference.values).map { abs($0 - $1) }.max() ?? 0
            #expect(gradient.shape == reference.shape && error < 1e-10, "\(name): ∂loss/∂\(parameter.name), error \(error)")
            try GradientChecking.expectFiniteDifferences(
                of: loss.body, result: "value", at: arguments, parameters: parameters, varying: .parameter(parameter.name),
                equal: gradient, step: 1e-6, tolerance: 1e-6, atMost: 8, "\(name): ∂loss/∂\(parameter.name)")
        }
    }
}
