import Foundation
import Tapeless
import Testing

/// Transformer encoder blocks written in the language (Transformer.tapeless) against PyTorch's
/// `nn.TransformerEncoderLayer` with the same weights, loaded from its own state dict: outputs,
/// and the gradients of `f = sum(output * c)` with respect to the input and every parameter
/// (`transformer.json`, written by `transformer.py`).
@Suite struct TransformerTests {
    /// One block: the outputs, value and gradients of the model loaded from `file`.
    typealias Run = @Sendable (_ file: URL, _ x: Tensor, _ c: Tensor) throws
        -> (output: Tensor, value: Float, inputGradient: Tensor, gradients: [String: Tensor], transposed: Set<String>)

    static func run<M: Module>(
        _ type: M.Type, value: @escaping @Sendable (M, Tensor, Tensor, inout M.Gradient) -> Float,
        inputGradient: @escaping @Sendable (M, Tensor, Tensor) -> Tensor
    ) -> Run {
        { file, x, c in
            var model = M.zero
            try model.load(fromPyTorch: file)
            var gradient = M.Gradient.zero
            let result = value(model, x, c, &gradient)
            let gradients = Dictionary(uniqueKeysWithValues: M.parameterLayout.entries.map { ($0.name, gradient[parameter: $0.name]) })
            return (model(x), result, inputGradient(model, x, c), gradients, M.pyTorchTransposedParameters)
        }
    }

    static let blocks: [String: Run] = [
        "postnorm": run(PostNormEncoder.self, value: { $0.fWithGradient(x: $1, c: $2, into: &$3) }, inputGradient: { $0.dx(x: $1, c: $2) }),
        "prenorm": run(PreNormEncoder.self, value: { $0.fWithGradient(x: $1, c: $2, into: &$3) }, inputGradient: { $0.dx(x: $1, c: $2) }),
        "causal": run(CausalEncoder.self, value: { $0.fWithGradient(x: $1, c: $2, into: &$3) }, inputGradient: { $0.dx(x: $1, c: $2) }),
    ]

    static func tensor(_ value: Any?, shape: [Int]) -> Tensor {
        func flatten(_ value: Any?) -> [Float] {
            if let list = value as? [Any] { return list.flatMap(flatten) }
            return [Float((value as? Double) ?? .nan)]
        }
        return Tensor(shape: shape, scalars: flatten(value))
    }

    static func error(_ computed: Tensor, _ expected: Tensor) -> Float {
        guard computed.shape == expected.shape else { return .infinity }
        return zip(computed.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: ["postnorm", "prenorm", "causal"])
    func blockMatchesPyTorchsEncoderLayer(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "transformer", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let expected = try #require((json["cases"] as? [String: Any])?[name] as? [String: Any])
        let file = try #require(Bundle.module.url(forResource: "transformer_\(name)", withExtension: "safetensors", subdirectory: "Resources"))
        let shape = [3, 5, 16]
        let block = try #require(Self.blocks[name])
        let (output, value, inputGradient, gradients, transposed) = try block(
            file, Self.tensor(expected["x"], shape: shape), Self.tensor(expected["c"], shape: shape))
        #expect(Self.error(output, Self.tensor(expected["output"], shape: shape)) < 1e-4, "output")
        #expect(abs(Double(value) - ((expected["value"] as? Double) ?? .nan)) < 1e-3, "value")
        let references = try #require(expected["gradients"] as? [String: Any])
        #expect(Self.error(inputGradient, Self.tensor(references["x"], shape: shape)) < 1e-4, "gradient of x")
        #expect(Set(gradients.keys) == Set(references.keys).subtracting(["x"]), "every parameter has a gradient")
        for (parameter, gradient) in gradients {
            // PyTorch's linear weights are [out, in]: compare the transpose of ours.
            let ours = transposed.contains(parameter) ? gradient.transposed() : gradient
            #expect(Self.error(ours, Self.tensor(references[parameter], shape: ours.shape)) < 1e-4, "gradient of \(parameter)")
        }
    }
}
