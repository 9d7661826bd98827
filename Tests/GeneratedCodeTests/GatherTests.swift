import Foundation
import Tapeless
import Testing

/// Gather, argmax and the Embedding layer as the plugin compiles them (Gather.tapeless), running
/// the runtime's kernels in Float, against PyTorch's float64 values, gradients and
/// Hessian-vector products (`gather.json`).
@Suite struct GatherTests {
    /// The generated functions of one gather case, each taking the Float arguments, then the
    /// indices (when the case passes them), `c`, then the directions.
    struct Functions: Sendable {
        var value: @Sendable ([Tensor], IntTensor?) -> Float
        var gradients: [String: @Sendable ([Tensor], IntTensor?) -> Tensor]
        var second: [String: @Sendable ([Tensor], IntTensor?) -> Tensor]
    }

    static let functions: [String: Functions] = [
        "vector_indices": Functions(
            value: { g0(table: $0[0], indices: $1!, c: $0[1]) },
            gradients: ["table": { g0_dtable(table: $0[0], indices: $1!, c: $0[1]) }],
            second: ["table": { g0_stable(table: $0[0], indices: $1!, c: $0[1], vtable: $0[2]) }]),
        "matrix_indices": Functions(
            value: { g1(table: $0[0], indices: $1!, c: $0[1]) },
            gradients: ["table": { g1_dtable(table: $0[0], indices: $1!, c: $0[1]) }],
            second: ["table": { g1_stable(table: $0[0], indices: $1!, c: $0[1], vtable: $0[2]) }]),
        "rank3_indices": Functions(
            value: { g2(table: $0[0], indices: $1!, c: $0[1]) },
            gradients: ["table": { g2_dtable(table: $0[0], indices: $1!, c: $0[1]) }],
            second: ["table": { g2_stable(table: $0[0], indices: $1!, c: $0[1], vtable: $0[2]) }]),
        "argmax_indices": Functions(
            value: { t, _ in g3(table: t[0], x: t[1], c: t[2]) },
            gradients: ["table": { t, _ in g3_dtable(table: t[0], x: t[1], c: t[2]) }, "x": { t, _ in g3_dx(table: t[0], x: t[1], c: t[2]) }],
            second: [
                "table": { t, _ in g3_stable(table: t[0], x: t[1], c: t[2], vtable: t[3], vx: t[4]) },
                "x": { t, _ in g3_sx(table: t[0], x: t[1], c: t[2], vtable: t[3], vx: t[4]) },
            ]),
    ]

    static let argmaxFunctions: [String: @Sendable (Tensor, Tensor) -> Tensor] = [
        "rows_with_ties": { a0(x: $0, positions: $1) }, "columns": { a1(x: $0, positions: $1) },
        "middle_axis": { a2(x: $0, positions: $1) }, "last_axis_of_rank3": { a3(x: $0, positions: $1) },
    ]

    static func reference() throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: "gather", withExtension: "json", subdirectory: "Resources"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func numbers(_ value: Any?) -> [Double] {
        if let list = value as? [Any] { return list.flatMap(numbers) }
        return [(value as? Double) ?? Double((value as? Int) ?? 0)]
    }

    static func tensor(_ value: Any?, shape: [Int]) -> Tensor {
        Tensor(shape: shape, scalars: numbers(value).map(Float.init))
    }

    /// The largest difference between `tensor` and `expected` (of its shape).
    static func error(_ tensor: Tensor, _ expected: Any?) -> Float {
        let reference = Self.tensor(expected, shape: tensor.shape)
        guard reference.scalarCount == tensor.scalarCount else { return .infinity }
        return zip(tensor.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func gathersAndTheirDerivativesMatchPyTorch() throws {
        for testCase in try #require(try Self.reference()["gather"] as? [[String: Any]]) {
            let name = try #require(testCase["name"] as? String)
            let functions = try #require(Self.functions[name])
            let shapes = try #require(testCase["shapes"] as? [String: [Int]])
            let inputs = try #require(testCase["inputs"] as? [String: Any])
            let directions = try #require(testCase["v"] as? [String: Any])
            let names = ["table", "x"].filter { inputs[$0] != nil }
            let indices = testCase["indices"].map { value in
                let shape = Array(shapes["output"]!.dropLast())
                return IntTensor(shape: shape, scalars: Self.numbers(value).map { Int($0) })
            }
            let arguments = names.map { Self.tensor(inputs[$0], shape: shapes[$0]!) } + [Self.tensor(testCase["c"], shape: shapes["output"]!)]
            let withDirections = arguments + names.map { Self.tensor(directions[$0], shape: shapes[$0]!) }
            let value = try #require(testCase["value"] as? Double)
            #expect(abs(Double(functions.value(arguments, indices)) - value) < 1e-4, "\(name): value")
            for (field, forms, given) in [("grad", functions.gradients, arguments), ("second", functions.second, withDirections)] {
                let expected = try #require(testCase[field] as? [String: Any])
                for argument in names {
                    let form = try #require(forms[argument], "\(name): no generated \(field) for \(argument)")
                    let result = form(given, indices)
                    #expect(result.shape == shapes[argument]! && Self.error(result, expected[argument]) < 1e-4, "\(name): \(field) \(argument)")
                }
            }
        }
    }

    @Test func argmaxFindsTheFirstLargestElementAsPyTorch() throws {
        for testCase in try #require(try Self.reference()["argmax"] as? [[String: Any]]) {
            let name = try #require(testCase["name"] as? String)
            let shape = try #require(testCase["shape"] as? [Int])
            let axis = try #require(testCase["axis"] as? Int)
            let length = shape[axis < 0 ? axis + shape.count : axis]
            let positions = Tensor(shape: [length, 1], scalars: (0..<length).map(Float.init))
            let function = try #require(Self.argmaxFunctions[name])
            let found = function(Self.tensor(testCase["x"], shape: shape), positions)
            #expect(found.scalars == Self.numbers(testCase["indices"]).map(Float.init), "\(name)")
        }
    }

    /// The Embedding model with the reference's parameters, its tokens and labels.
    static func embeddingModel() throws -> (model: EmbeddingClassifier, tokens: IntTensor, labels: IntTensor, json: [String: Any]) {
        let json = try #require(try Self.reference()["embedding_model"] as? [String: Any])
        let parameters = try #require(json["parameters"] as? [String: Any])
        var model = EmbeddingClassifier.zero
        for entry in EmbeddingClassifier.parameterLayout.entries {
            model[parameter: entry.name] = Self.tensor(parameters[entry.name], shape: entry.shape)
        }
        let tokens = IntTensor(shape: [2, 5], scalars: Self.numbers(json["tokens"]).map { Int($0) })
        let labels = IntTensor(Self.numbers(json["labels"]).map { Int($0) })
        return (model, tokens, labels, json)
    }

    @Test func embeddingModelLossAndGradientMatchPyTorch() throws {
        let (model, tokens, labels, json) = try Self.embeddingModel()
        #expect(Self.error(model.logits(tokens: tokens), json["logits"]) < 1e-5)
        var gradient = EmbeddingClassifier.Gradient.zero
        let loss = model.lossWithGradient(tokens: tokens, labels: labels, into: &gradient)
        #expect(abs(Double(loss) - ((json["loss"] as? Double) ?? .nan)) < 1e-5)
        let expected = try #require(json["grad"] as? [String: Any])
        for entry in EmbeddingClassifier.parameterLayout.entries {
            #expect(Self.error(gradient[parameter: entry.name], expected[entry.name]) < 1e-5, "gradient of \(entry.name)")
        }
    }

    @Test func labelsFromArgmaxInsideAFunctionAreTheModelsOwnGuesses() throws {
        let (model, tokens, _, _) = try Self.embeddingModel()
        let guesses = model.logits(tokens: tokens).argmax(alongAxis: 1)
        var expected = EmbeddingClassifier.Gradient.zero
        let expectedLoss = model.lossWithGradient(tokens: tokens, labels: guesses, into: &expected)
        var gradient = EmbeddingClassifier.Gradient.zero
        let loss = model.selfTrainingLossWithGradient(tokens: tokens, into: &gradient)
        #expect(loss == expectedLoss)
        #expect(gradient.parameterScalars == expected.parameterScalars)
    }

    @Test func anEmbeddingStartsNormalWithMeanZeroAndStandardDeviationOneAsPyTorch() {
        let model = WideEmbedding(seed: 3)
        let weight = model[parameter: "emb.weight"]
        #expect(weight.shape == [500, 8])
        // 4,000 draws: the mean is within 0.05 of 0 and the deviation within 0.05 of 1 with
        // near certainty (their standard errors are 0.016 and 0.011).
        let values = weight.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(mean) < 0.05 && abs(deviation - 1) < 0.05, "mean \(mean), deviation \(deviation)")
        let picked = model.lookup(tokens: IntTensor([499, 0, 499]))
        #expect(picked.shape == [3, 8] && Array(picked.scalars[0..<8]) == Array(weight.scalars[3992..<4000]))
        #expect(Array(picked.scalars[16..<24]) == Array(picked.scalars[0..<8]) && Array(picked.scalars[8..<16]) == Array(weight.scalars[0..<8]))
    }

    @Test func anIndexOutOfRangeStopsWithAMessageNamingTheFunctionAndTheIndex() async throws {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let table = Tensor(shape: [6, 3], scalars: [Float](repeating: 1, count: 18))
            let c = Tensor(shape: [6, 3], scalars: [Float](repeating: 1, count: 18))
            _ = g0(table: table, indices: IntTensor([0, 1, 2, 6, 4, 5]), c: c)
        }
        let message = String(decoding: try #require(result).standardErrorContent, as: UTF8.self)
        #expect(message.contains("g0(table:indices:c:): index 6 at position 3 of 'indices' is out of range 0..<6"), "\(message)")
    }

    @Test func positionsFromArgmaxAreCheckedWhenTheTableHasFewerRows() async throws {
        let table = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        let x = Tensor(shape: [2, 5], scalars: [0, 9, 0, 0, 0, 0, 0, 1, 0, 0])
        #expect(fewerRows(table: table, x: x).scalars == [10, 11, 20, 21])
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let table = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
            _ = fewerRows(table: table, x: Tensor(shape: [2, 5], scalars: [0, 9, 0, 0, 0, 0, 0, 0, 0, 1]))
        }
        let message = String(decoding: try #require(result).standardErrorContent, as: UTF8.self)
        #expect(message.contains("fewerRows(table:x:): index 4 at position 1 of 'best' is out of range 0..<3"), "\(message)")
    }
}
