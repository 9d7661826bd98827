import Testing
@testable import TapelessCompiler

/// Derivatives: dependency order, calls of derivatives and layer activations with options.
@Suite struct CheckerDerivativeTests {
    @Test func derivativesComeAfterWhatTheyDifferentiate() {
        let checked = CheckedSource("""
            let third = grad(second)
            let second = grad(first)
            let first = grad(cube)
            func cube(x: Float) -> Float { x * x * x }
            """)
        #expect(checked.messages == [])
        #expect(checked.program.derivatives.map(\.name) == ["first", "second", "third"])
        #expect(checked.program.derivatives.map(\.order) == [1, 2, 3])
        #expect(checked.program.derivatives.map(\.rootFunction) == ["cube", "cube", "cube"])
        #expect(checked.program.derivatives.map(\.function) == ["cube", "first", "second"])
    }

    @Test func derivativesAreCallableWithTheirFunctionsArguments() throws {
        let checked = CheckedSource("""
            func energy(p: [n, 2], k: Float) -> Float { k * sum(square(p)) }
            let force = grad(energy, wrt: p)
            model Sim {
                param k: Float = 1
                func step(p: [m, 2]) -> [m, 2] { p - 0.1 * force(p, k: k) }
            }
            """)
        #expect(checked.messages == [])
        let force = try #require(checked.program.derivatives.first)
        #expect(force.withRespectTo == [0])
        #expect(force.sizeVariables == ["n"])
        #expect(force.parameters.map(\.type) == [shape("n", 2), .scalar])
        let p = try #require(checked.expression("p", occurrence: 2))
        let k = try #require(checked.expression("k", occurrence: 1))
        #expect(checked.resolution(of: "force(p, k: k)") == .function("force", arguments: [p, k]))
        #expect(checked.resolution(of: "k", occurrence: 1) == .parameter("k"))
        #expect(checked.type(of: "force(p, k: k)") == shape("m", 2))
    }

    @Test func layerActivationsWithOptions() throws {
        let checked = CheckedSource("""
            model M {
                layer a = Dense(4 -> 4, activation: gelu(approximate: tanh))
                layer b = Dense(4 -> 4, activation: elu(alpha: 0.5))
                layer c = Dense(4 -> 2, activation: leakyRelu)
                func f(x: [4]) -> [2] { c(b(a(x))) }
            }
            """)
        #expect(checked.messages == [])
        let layers = try #require(checked.program.models.first).layers.map { $0.kind as? Dense }
        #expect(layers.map { $0?.activation?.builtin } == [.geluTanh, .elu, .leakyRelu])
        #expect(layers.map { $0?.activation?.constant } == [nil, 0.5, 0.01])
    }

    @Test func modelFunctionsMayShadowTopLevelFunctions() {
        let checked = CheckedSource("""
            func predict(x: [n]) -> [n] { x }
            model M {
                param w: [3] = ones
                func predict(x: [3]) -> [3] { w * x }
                func loss(x: [3]) -> Float { sum(predict(x)) }
            }
            func loss(x: [n]) -> Float { sum(predict(x)) }
            """)
        #expect(checked.messages == [])
        #expect(checked.resolution(of: "predict(x)", occurrence: 0) == .modelFunction("predict", arguments: [checked.expression("x", occurrence: 2)!]))
        #expect(checked.resolution(of: "predict(x)", occurrence: 1) == .function("predict", arguments: [checked.expression("x", occurrence: 3)!]))
    }
}
