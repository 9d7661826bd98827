import Foundation
import Tapeless
import Testing

/// LayerNorm, GroupNorm, AvgPool2D, GlobalAvgPool2D, Conv1D and ConvTranspose2D as the plugin
/// compiles them (Layers.tapeless), against PyTorch's modules in float64 (`layers.json`): the
/// value of `f = sum(tanh(l(x)) * c)` and its gradients with respect to `x` and every parameter.
@Suite struct LayerKindTests {
    /// One case's generated model, run on `parameters` (by relative name), `x` and `c`:
    /// the value, the gradient with respect to `x`, and each parameter's gradient by relative name.
    typealias Run = @Sendable (_ parameters: [String: Tensor], _ x: Tensor, _ c: Tensor) -> (Float, Tensor, [String: Tensor])

    static func run<M: Model>(
        _ type: M.Type, value: @escaping @Sendable (M, Tensor, Tensor, inout M.Gradient) -> Float,
        inputGradient: @escaping @Sendable (M, Tensor, Tensor) -> Tensor
    ) -> Run {
        { parameters, x, c in
            var model = M.zero
            for (name, tensor) in parameters { model[parameter: "l.\(name)"] = tensor }
            var gradient = M.Gradient.zero
            let result = value(model, x, c, &gradient)
            let names = M.parameterLayout.entries.map { String($0.name.dropFirst(2)) }
            return (result, inputGradient(model, x, c), Dictionary(uniqueKeysWithValues: names.map { ($0, gradient[parameter: "l.\($0)"]) }))
        }
    }

    static let cases: [String: Run] = [
        "layerNorm": run(LayerNormCase.self, value: { $0.fWithGradient(x: $1, c: $2, into: &$3) }, inputGradient: { $0.df(x: $1, c: $2) }),
        "groupNorm": run(GroupNormCase.self, value: { $0.fWithGradient(x: $1, c: $2, into: &$3) }, inputGradient: { $0.df(x: $1, c: $2) }),
        "avgPool2D": run(AvgPool2DCase.self, value: { m, x, c, _ in m.f(x: x, c: c) }, inputGradient: { $0.df(x: $1, c: $2) }),
        "globalAvgPool2D": run(GlobalAvgPool2DCase.self, value: { m, x, c, _ in m.f(x: x, c: c) }, inputGradient: { $0.df(x: $1, c: $2) }),
        "conv1D": run(Conv1DCase.self, value: { $0.fWithGradient(x: $1, c: $2, into: &$3) }, inputGradient: { $0.df(x: $1, c: $2) }),
        "convTranspose2D": run(ConvTranspose2DCase.self, value: { $0.fWithGradient(x: $1, c: $2, into: &$3) }, inputGradient: { $0.df(x: $1, c: $2) }),
    ]

    static func tensor(_ value: Any?, shape: [Int]) -> Tensor { ReferenceCases.tensor(value, shape: shape) }

    static func error(_ computed: Tensor, _ expected: Any?) -> Float {
        let reference = tensor(expected, shape: computed.shape)
        guard reference.scalarCount == computed.scalarCount else { return .infinity }
        return zip(computed.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func layersMatchPyTorch() throws {
        let url = try #require(Bundle.module.url(forResource: "layers", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(json["cases"] as? [[String: Any]])
        #expect(Set(cases.compactMap { $0["name"] as? String }) == Set(Self.cases.keys))
        for testCase in cases {
            let name = try #require(testCase["name"] as? String)
            let run = try #require(Self.cases[name])
            let shape = try #require(testCase["shape"] as? [Int]), outputShape = try #require(testCase["outputShape"] as? [Int])
            let parameters = try #require(testCase["parameters"] as? [String: Any])
            var tensors: [String: Tensor] = [:]
            for (parameter, values) in parameters {
                func dimensions(_ value: Any?) -> [Int] { (value as? [Any]).map { [$0.count] + dimensions($0.first) } ?? [] }
                tensors[parameter] = Self.tensor(values, shape: dimensions(values))
            }
            let (value, inputGradient, parameterGradients) = run(
                tensors, Self.tensor(testCase["x"], shape: shape), Self.tensor(testCase["c"], shape: outputShape))
            #expect(abs(Double(value) - ((testCase["value"] as? Double) ?? .nan)) < 1e-4, "\(name): value")
            let gradients = try #require(testCase["gradients"] as? [String: Any])
            #expect(Self.error(inputGradient, gradients["x"]) < 1e-4, "\(name): gradient of x")
            for parameter in parameters.keys {
                let computed = try #require(parameterGradients[parameter], "\(name): no gradient of \(parameter)")
                #expect(Self.error(computed, gradients[parameter]) < 1e-4, "\(name): gradient of \(parameter)")
            }
        }
    }
}
