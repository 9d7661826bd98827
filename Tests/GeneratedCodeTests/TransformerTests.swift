import Foundation
import Tapeless
import Testing

/// Transformer encoder blocks written in the language (Transformer.tapeless) against PyTorch's
/// `nn.TransformerEncoderLayer` with the same weights, loaded from its own state dict: outputs,
/// and the gradients of `f = sum(output * c)` with respect to the input and every parameter
/// (`transformer.json`, written by `transformer.py`).
@Suite struct TransformerTests {
    /// One block: the outputs, value and gradients of the model loaded from `file`, given `x`,
    /// the padding mask (ones where padded) and `c`.
    typealias Run = @Sendable (_ file: URL, _ x: Tensor, _ padding: Tensor, _ c: Tensor) throws
        -> (output: Tensor, value: Float, inputGradient: Tensor, gradients: [String: Tensor], transposed: Set<String>)

    static func run<M: Model>(
        _ type: M.Type, output: @escaping @Sendable (M, Tensor, Tensor) -> Tensor,
        value: @escaping @Sendable (M, Tensor, Tensor, Tensor, inout M.Gradient) -> Float,
        inputGradient: @escaping @Sendable (M, Tensor, Tensor, Tensor) -> Tensor
    ) -> Run {
        { file, x, padding, c in
            var model = M.zero
            try model.load(fromPyTorch: file)
            var gradient = M.Gradient.zero
            let result = value(model, x, padding, c, &gradient)
            let gradients = Dictionary(uniqueKeysWithValues: M.parameterLayout.entries.map { ($0.name, gradient[parameter: $0.name]) })
            return (output(model, x, padding), result, inputGradient(model, x, padding, c), gradients, M.pyTorchTransposedParameters)
        }
    }

    static let blocks: [String: Run] = [
        "postnorm": run(
            PostNormEncoder.self, output: { m, x, _ in m(x) }, value: { m, x, _, c, g in m.fWithGradient(x: x, c: c, into: &g) },
            inputGradient: { m, x, _, c in m.dx(x: x, c: c) }),
        "prenorm": run(
            PreNormEncoder.self, output: { m, x, _ in m(x) }, value: { m, x, _, c, g in m.fWithGradient(x: x, c: c, into: &g) },
            inputGradient: { m, x, _, c in m.dx(x: x, c: c) }),
        "causal": run(
            CausalEncoder.self, output: { m, x, _ in m(x) }, value: { m, x, _, c, g in m.fWithGradient(x: x, c: c, into: &g) },
            inputGradient: { m, x, _, c in m.dx(x: x, c: c) }),
        "padded": run(
            PaddedEncoder.self, output: { m, x, p in m.forward(x: x, padding: p) },
            value: { m, x, p, c, g in m.fWithGradient(x: x, padding: p, c: c, into: &g) },
            inputGradient: { m, x, p, c in m.dx(x: x, padding: p, c: c) }),
    ]

    static func tensor(_ value: Any?, shape: [Int]) -> Tensor { ReferenceCases.tensor(value, shape: shape) }

    static func error(_ computed: Tensor, _ expected: Tensor) -> Float {
        guard computed.shape == expected.shape else { return .infinity }
        return zip(computed.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: ["postnorm", "prenorm", "causal", "padded"])
    func blockMatchesPyTorchsEncoderLayer(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "transformer", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let expected = try #require((json["cases"] as? [String: Any])?[name] as? [String: Any])
        let file = try #require(Bundle.module.url(forResource: "transformer_\(name)", withExtension: "safetensors", subdirectory: "Resources"))
        let shape = [3, 5, 16]
        let block = try #require(Self.blocks[name])
        let padding = Self.tensor(expected["padding"] ?? [[Double]](repeating: [0, 0, 0, 0, 0], count: 3), shape: [3, 5])
        let (output, value, inputGradient, gradients, transposed) = try block(
            file, Self.tensor(expected["x"], shape: shape), padding, Self.tensor(expected["c"], shape: shape))
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
