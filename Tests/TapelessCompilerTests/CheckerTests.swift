import Testing
@testable import TapelessCompiler

/// The example programs of the language check clean, with the expected types and resolutions.
@Suite struct CheckerTests {
    static let examples = """
        model LinearRegression {
            param w: Float = 0
            param b: Float = 0
            func predict(x: [n]) -> [n] { w * x + b }
            func loss(x: [n], y: [n]) -> Float { mean(square(predict(x) - y)) }
        }
        model SimpleNN {
            layer fc1 = Dense(784 -> 128, activation: relu)
            layer fc2 = Dense(128 -> 10)
            func forward(x: [batch, 784]) -> [batch, 10] { fc2(fc1(x)) }
            func loss(x: [batch, 784], labels: Int[batch]) -> Float { crossEntropy(logits: forward(x), labels: labels) }
        }
        func f(x: Float) -> Float { x * x + 3 * x }
        let df = grad(f)
        let d2f = grad(df)
        """

    @Test func examplesCheckClean() {
        let checked = CheckedSource(Self.examples)
        #expect(checked.messages == [])
        #expect(checked.program.models.map(\.name) == ["LinearRegression", "SimpleNN"])
        #expect(checked.program.functions.map(\.name) == ["f"])
        #expect(checked.program.derivatives.map(\.name) == ["df", "d2f"])
    }

    @Test func layerApplicationTypes() throws {
        let checked = CheckedSource(Self.examples)
        #expect(checked.type(of: "fc1(x)") == shape("batch", 128))
        #expect(checked.type(of: "fc2(fc1(x))") == shape("batch", 10))
        let inner = try #require(checked.expression("fc1(x)"))
        #expect(checked.resolution(of: "fc2(fc1(x))") == .layer("fc2", input: inner))
    }

    @Test func modelFunctionCallsBindSizeVariables() throws {
        let checked = CheckedSource(Self.examples)
        #expect(checked.type(of: "forward(x)") == shape("batch", 10))
        #expect(checked.type(of: "predict(x)") == shape("n"))
        #expect(checked.type(of: "predict(x) - y") == shape("n"))
        #expect(checked.type(of: "mean(square(predict(x) - y))") == .scalar)
        let argument = try #require(checked.expression("x", occurrence: 1))
        #expect(checked.resolution(of: "predict(x)") == .modelFunction("predict", arguments: [argument]))
        #expect(checked.resolution(of: "x", occurrence: 1) == .argument(0))
        #expect(checked.resolution(of: "w") == .parameter("w"))
    }

    @Test func operatorsResolveToBuiltins() throws {
        let checked = CheckedSource(Self.examples)
        let w = try #require(checked.expression("w"))
        let x = try #require(checked.expression("x"))
        #expect(checked.builtinCall("w * x") == ResolvedCall(builtin: .multiply, operands: [w, x]))
        #expect(checked.builtinCall("w * x + b")?.builtin == .add)
        #expect(checked.type(of: "w * x + b") == shape("n"))
        #expect(checked.type(of: "3") == .scalar)
        #expect(checked.type(of: "x * x + 3 * x") == .scalar)
    }

    @Test func modelParametersExpandLayers() throws {
        let checked = CheckedSource(Self.examples)
        let linear = try #require(checked.program.models.first)
        #expect(linear.parameters.map(\.name) == ["w", "b"])
        #expect(linear.parameters.map(\.shape) == [[], []])
        #expect(linear.parameters.map(\.initializer) == [.constant(0), .constant(0)])
        let network = try #require(checked.program.models.last)
        #expect(network.parameters.map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(network.parameters.map(\.shape) == [[784, 128], [128], [128, 10], [10]])
        #expect(network.parameters.map(\.initializer) == [.glorotUniform, .constant(0), .glorotUniform, .constant(0)])
        let dense = network.layers.map { $0.kind as? Dense }
        #expect(dense.map { $0?.activation?.builtin } == [.elementwise(.relu), nil])
        #expect(dense.map { $0?.inputSize } == [784, 128])
        #expect(network.functions.map(\.name) == ["forward", "loss"])
        let loss = try #require(network.functions.last)
        #expect(loss.parameters.map(\.type) == [shape("batch", 784), ValueType(element: .int, shape: [.size("batch")])])
        #expect(loss.sizeVariables == ["batch"])
        #expect(loss.returnType == .scalar)
    }

    @Test func crossEntropyOperandsInCanonicalOrder() throws {
        let checked = CheckedSource(Self.examples)
        let logits = try #require(checked.expression("forward(x)"))
        let labels = try #require(checked.expression("labels", occurrence: 0))
        #expect(checked.builtinCall("crossEntropy(logits: forward(x), labels: labels)")
            == ResolvedCall(builtin: .crossEntropy, operands: [logits, labels], constant: 0))
    }

    @Test func derivativesOfDerivatives() throws {
        let checked = CheckedSource(Self.examples)
        let df = try #require(checked.program.derivatives.first)
        #expect(df.function == "f")
        #expect(df.withRespectTo == [0])
        #expect(df.returnType == .scalar)
        #expect(df.order == 1)
        let d2f = try #require(checked.program.derivatives.last)
        #expect(d2f.function == "df")
        #expect(d2f.rootFunction == "f")
        #expect(d2f.order == 2)
        #expect(d2f.parameters.map(\.name) == ["x"])
        #expect(d2f.returnType == .scalar)
    }

    @Test func frozenMembersAndInitializers() throws {
        let checked = CheckedSource("""
            model M {
                frozen param scale: [3] = 2
                param a: [2, 3] = uniform(-0.1, 0.1)
                param c: [3] = normal(0, 0.02)
                param d: [4, 3] = heNormal
                param e: Float = -1.5
                param g: [3] = ones
                frozen layer encoder = Dense(3 -> 2, activation: leakyRelu(0.2))
                func run(x: [3]) -> [2] { encoder(x * scale * g) + a @ (c + e) + sum(d) }
            }
            """)
        #expect(checked.messages == [])
        let model = try #require(checked.program.models.first)
        #expect(model.parameters.map(\.initializer) == [
            .constant(2), .uniform(-0.1, 0.1), .normal(0, 0.02), .heNormal, .constant(-1.5), .constant(1),
            .glorotUniform, .constant(0),
        ])
        #expect(model.parameters.map(\.isFrozen) == [true, false, false, false, false, false, true, true])
        let dense = model.layers.first?.kind as? Dense
        #expect(dense?.activation?.builtin == .leakyRelu)
        #expect(dense?.activation?.constant == 0.2)
        #expect(checked.type(of: "a @ (c + e)") == shape(2))
    }

    @Test func derivativeWithRespectToSelectedArguments() throws {
        let checked = CheckedSource("""
            func loss(w: [n], x: [n], labels: Int[k]) -> Float { sum(w * x) }
            let both = grad(loss)
            let dw = grad(loss, wrt: w)
            func useGradient(w: [m], x: [m]) -> [m] { dw(w, x, labels: toLabels(w)) }
            func toLabels(v: [m]) -> Float { sum(v) }
            """)
        let both = try #require(checked.program.derivatives.first)
        #expect(both.withRespectTo == [0, 1])
        #expect(both.resultTypes == [shape("n"), shape("n")])
        #expect(both.returnType == nil)
        let dw = try #require(checked.program.derivatives.last)
        #expect(dw.withRespectTo == [0])
        #expect(dw.returnType == shape("n"))
        // The last argument is Float where Int[k] is expected.
        #expect(checked.errors == ["argument 'labels' of 'dw' must be Int[k], not Float"])
        #expect(checked.type(of: "dw(w, x, labels: toLabels(w))") == shape("m"))
    }
}
