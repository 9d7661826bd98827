import Testing
@testable import TapelessCompiler

/// Reshape, permute, concat, stack, pad, variance, min, reductions keeping their axis and
/// batched matrix products against PyTorch
/// (`shapes.json`, written by `shapes.py` beside it), compiled from the language and run in the
/// interpreter, as ``ConvolutionReferenceTests`` runs convolutions.
@Suite struct ShapeReferenceTests {
    /// Each case's arguments and the operation applied to them, as the language writes it.
    static let calls: [String: (arguments: [String], call: String)] = [
        "reshape": (["x"], "reshape(x, 3, 3, -1)"),
        "permute": (["x"], "permute(x, 0, 2, 1, 3)"),
        "concat": (["a", "b"], "concat(a, b, axis: 1)"),
        "stack": (["a", "b"], "stack(a, b, axis: 1)"),
        "variance": (["x"], "variance(x, axis: 0)"),
        "variance_biased": (["x"], "variance(x, axis: 1, correction: 0)"),
        "min": (["x"], "min(x, axis: 1)"),
        "batched_matmul": (["a", "b"], "a @ b"),
        "batch_times_matrix": (["x", "w"], "x @ w"),
        "pad": (["x"], "pad(x, 1, 2, 0, 1)"),
        "strided": (["x"], "x[: by 2, 1..<9 by 3]"),
        "keep_dims": (["x"], "(x - mean(x, axis: 1, keepDims: true)) * max(x, axis: 0, keepDims: true)"),
        "norm": (["x"], "norm(x, axis: 1)"),
        "normalize": (["x"], "normalize(x, axis: 1)"),
    ]

    @Test func valuesGradientsAndSecondDerivativesMatchPyTorch() throws {
        let cases = try #require(try CompiledFunctions.reference("shapes")["cases"] as? [[String: Any]])
        #expect(Set(cases.compactMap { $0["name"] as? String }) == Set(Self.calls.keys))
        try ConvolutionReferenceTests.check(try cases.map { json in
            let name = try #require(json["name"] as? String)
            let (arguments, call) = try #require(Self.calls[name])
            let shapes = try #require(json["shapes"] as? [String: [Int]])
            return ConvolutionReferenceTests.Case(
                name: name, source: ConvolutionReferenceTests.source(call, arguments: arguments, shapes: shapes),
                arguments: arguments, json: json)
        })
    }
}
