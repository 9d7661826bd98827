import Foundation
import Tapeless
import Testing

/// The generated models' losses and gradients against PyTorch's (model_gradients.json).
@Suite struct ReferenceGradientTests {
    struct Case {
        var loss: Double
        var parameters: [String: Any]
        var inputs: [String: Any]
        var gradients: [String: Any]
    }

    static func referenceCase(_ name: String) throws -> Case {
        let url = try #require(Bundle.module.url(forResource: "model_gradients", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(json["cases"] as? [[String: Any]])
        let found = try #require(cases.first { $0["model"] as? String == name })
        return Case(
            loss: try #require(found["loss"] as? Double), parameters: try #require(found["params"] as? [String: Any]),
            inputs: try #require(found["inputs"] as? [String: Any]), gradients: try #require(found["gradients"] as? [String: Any]))
    }

    /// A JSON number, vector or matrix as a tensor.
    static func tensor(_ value: Any?) throws -> Tensor {
        if let number = value as? Double { return Tensor(Float(number)) }
        if let rows = value as? [[Double]] { return Tensor(rows.map { $0.map(Float.init) }) }
        if let vector = value as? [Double] { return Tensor(vector.map(Float.init)) }
        throw ReferenceError.notNumeric
    }

    enum ReferenceError: Error { case notNumeric }

    /// Loads every parameter of the case into `model`.
    static func load<M: Model>(_ reference: Case, into model: inout M) throws {
        for (name, value) in reference.parameters {
            let loaded = try tensor(value)
            let expectedShape = try #require(M.parameterLayout.entry(named: name)).shape
            model[parameter: name] = Tensor(shape: expectedShape, scalars: loaded.scalars)
        }
    }

    static func expectGradients<G: ParameterContainer>(_ gradient: G, match reference: Case) throws {
        for (name, value) in reference.gradients {
            let expected = try tensor(value).scalars
            let actual = gradient[parameter: name].scalars
            #expect(actual.count == expected.count, "gradient \(name)")
            for (a, e) in zip(actual, expected) {
                #expect(abs(a - e) <= 1e-4 * max(1, abs(e)), "∂loss/∂\(name): \(a) vs PyTorch \(e)")
            }
        }
    }

    /// Loads the case's parameters into a fresh `M`, runs `lossWithGradient` through `compute`,
    /// and compares the loss and every gradient with PyTorch's.
    static func check<M: Model>(
        _ name: String, _ type: M.Type, _ compute: (M, Case) throws -> (value: Float, gradient: M.Gradient)
    ) throws {
        let reference = try referenceCase(name)
        var model = M(seed: 0)
        try load(reference, into: &model)
        let (value, gradient) = try compute(model, reference)
        #expect(abs(Double(value) - reference.loss) <= 1e-4 * reference.loss, "\(name): loss \(value) vs PyTorch \(reference.loss)")
        try expectGradients(gradient, match: reference)
    }

    @Test func linearRegression() throws {
        try Self.check("linear_regression_mse", LinearRegression.self) { model, reference in
            let (x, y) = (try Self.tensor(reference.inputs["x"]), try Self.tensor(reference.inputs["y"]))
            #expect(model.loss(x: x, y: y) == model.lossWithGradient(x: x, y: y).value)
            return model.lossWithGradient(x: x, y: y)
        }
    }

    @Test func multilayerPerceptronWithCrossEntropy() throws {
        try Self.check("mlp_relu_ce", MLPReluCrossEntropy.self) { model, reference in
            let labels = IntTensor(try #require(reference.inputs["labels"] as? [Int]))
            return model.lossWithGradient(x: try Self.tensor(reference.inputs["x"]), labels: labels)
        }
    }

    @Test func multilayerPerceptronWithMeanSquaredError() throws {
        try Self.check("mlp_tanh_mse", MLPTanhMSE.self) { model, reference in
            model.lossWithGradient(x: try Self.tensor(reference.inputs["x"]), y: try Self.tensor(reference.inputs["y"]))
        }
    }

    @Test func logisticRegression() throws {
        try Self.check("logistic_regression_bce", LogisticRegression.self) { model, reference in
            model.lossWithGradient(x: try Self.tensor(reference.inputs["x"]), y: try Self.tensor(reference.inputs["y"]))
        }
    }

    @Test func reductionsSoftmaxAndBroadcasting() throws {
        try Self.check("reductions_broadcast", ReductionsBroadcast.self) { model, reference in
            model.lossWithGradient(x: try Self.tensor(reference.inputs["x"]))
        }
    }
}
