import Testing
@testable import TapelessCompiler

/// Every elementwise builtin, compiled from source with `grad` and `grad(grad)`, against
/// PyTorch's values (elementwise.json, including its conventions at kinks) and against
/// central finite differences of the compiled function itself.
@Suite struct BuiltinDerivativeTests {
    /// The reference file's function names, as calls in the model language.
    static let calls: [String: String] = [
        "relu": "relu(x)", "leakyRelu(0.01)": "leakyRelu(x, slope: 0.01)", "sigmoid": "sigmoid(x)", "tanh": "tanh(x)",
        "softplus": "softplus(x)", "elu(1.0)": "elu(x)", "gelu": "gelu(x)", "gelu(tanh)": "gelu(x, approximate: tanh)",
        "silu": "silu(x)", "exp": "exp(x)", "log": "log(x)", "sqrt": "sqrt(x)", "abs": "abs(x)", "square": "square(x)",
        "sin": "sin(x)", "cos": "cos(x)", "rsqrt": "rsqrt(x)", "reciprocal": "1 / x",
        "atan": "atan(x)", "asin": "asin(x)", "acos": "acos(x)", "sinh": "sinh(x)", "cosh": "cosh(x)",
        "log1p": "log1p(x)", "expm1": "expm1(x)", "erf": "erf(x)", "sign": "sign(x)", "logSigmoid": "logSigmoid(x)",
    ]

    /// The reference cases: elementwise.json (from the shared reference data) and
    /// elementwise_more.json (written by elementwise_more.py beside it).
    static func cases() throws -> [[String: Any]] {
        try ["elementwise", "elementwise_more"].flatMap { file in
            try #require(CompiledFunctions.reference(file)["cases"] as? [[String: Any]])
        }
    }

    @Test func everyReferenceFunctionIsCovered() throws {
        let names = try Self.cases().compactMap { $0["function"] as? String }
        #expect(Set(names) == Set(Self.calls.keys))
    }

    @Test("Every elementwise function the language spells has PyTorch reference values")
    func everySpelledFunctionIsChecked() {
        for spelling in UnaryFunction.allCases.compactMap(\.definition.spelling) {
            #expect(Self.calls[spelling] == "\(spelling)(x)", "add \(spelling) to elementwise_more.py and to calls")
        }
    }

    @Test(arguments: calls.keys.sorted())
    func valueAndTwoDerivativesMatchPyTorch(_ name: String) throws {
        let reference = try #require(try Self.cases().first { $0["function"] as? String == name })
        let functions = try CompiledFunctions("""
            func f(x: Float) -> Float { \(Self.calls[name]!) }
            let df = grad(f)
            let d2f = grad(df)
            """)
        let points = try #require(reference["x"] as? [Double])
        let orders: [(String, String)] = [("f", "value"), ("df", "derivative"), ("d2f", "second_derivative")]
        for (function, key) in orders {
            // PyTorch has no second derivative for some functions (abs): the file holds null.
            guard let expected = reference[key] as? [Double] else { continue }
            for (x, value) in zip(points, expected) {
                let actual = try functions(function, x)
                #expect(abs(actual - value) <= 1e-9 * max(1, abs(value)), "\(name): \(function)(\(x)) = \(actual), PyTorch \(value)")
            }
        }
        // Away from kinks, each derivative is the central difference of the one before.
        let h = 1e-5
        for x in points where abs(x) > 1e-3 {
            for (function, derivative) in [("f", "df"), ("df", "d2f")] {
                let numeric = (try functions(function, x + h) - functions(function, x - h)) / (2 * h)
                let exact = try functions(derivative, x)
                #expect(abs(numeric - exact) <= 1e-5 * max(1, abs(exact)), "\(name): \(derivative)(\(x)) = \(exact), finite difference \(numeric)")
            }
        }
    }

    /// Forward mode on every point at once: `jvp` of the function along ones is its derivative,
    /// and `hvp` of the sum along ones (forward over reverse) its second derivative.
    @Test(arguments: calls.keys.sorted())
    func forwardModeMatchesPyTorch(_ name: String) throws {
        let reference = try #require(try Self.cases().first { $0["function"] as? String == name })
        let points = try #require(reference["x"] as? [Double])
        let type = "[\(points.count)]"
        let functions = try CompiledFunctions("""
            func e(x: \(type)) -> \(type) { \(Self.calls[name]!) }
            func s(x: \(type)) -> Float { sum(\(Self.calls[name]!)) }
            let je = jvp(e)
            let hs = hvp(s)
            """)
        func body(_ name: String) throws -> IRFunction { try #require(functions.program.functions.first { $0.name == name }).body }
        let x = IRTensor(shape: [points.count], values: points)
        let ones = IRTensor(shape: [points.count], values: Array(repeating: 1, count: points.count))
        let jvp = try IRInterpreter.run(try body("je"), arguments: [x, ones])
        let hvp = try IRInterpreter.run(try body("hs"), arguments: [x, ones])
        for (key, actual) in [("value", jvp["value"]), ("derivative", jvp["tangent"]), ("second_derivative", hvp["x"])] {
            guard let expected = reference[key] as? [Double] else { continue }
            let values = try #require(actual).values
            for (point, (value, pyTorch)) in zip(points, zip(values, expected)) {
                #expect(abs(value - pyTorch) <= 1e-9 * max(1, abs(pyTorch)), "\(name): \(key) at \(point) = \(value), PyTorch \(pyTorch)")
            }
        }
    }

    @Test func derivativesOfHigherOrderMatchPyTorch() throws {
        let cases = try #require(CompiledFunctions.reference("scalar_derivatives")["cases"] as? [[String: Any]])
        #expect(cases.count >= 5)
        for reference in cases {
            let body = try #require(reference["f"] as? String)
            let x0 = try #require(reference["x0"] as? Double)
            let values = try #require(reference["values"] as? [Double])
            let functions = try CompiledFunctions("""
                func f(x: Float) -> Float { \(body) }
                let d1 = grad(f)
                let d2 = grad(d1)
                let d3 = grad(d2)
                let d4 = grad(d3)
                """)
            for (order, name) in ["f", "d1", "d2", "d3", "d4"].enumerated() {
                let actual = try functions(name, x0)
                #expect(abs(actual - values[order]) <= 1e-9 * max(1, abs(values[order])), "order \(order) of \(body) at \(x0): \(actual), PyTorch \(values[order])")
            }
        }
    }
}

/// `clamp` with bounds that are arguments, so that they take gradients too.
@Suite struct ClampTests {
    /// (x, low, high) → value, ∂x, ∂low, ∂high, from PyTorch 2.13 (`torch.clamp(x, min=low,
    /// max=high)` on float64 tensors, then `backward()`), including low > high, where PyTorch
    /// returns high everywhere and gives it the whole gradient.
    static let cases: [(x: Double, low: Double, high: Double, expected: [Double])] = [
        (0.5, -1, 1, [0.5, 1, 0, 0]), (-2, -1, 1, [-1, 0, 1, 0]), (3, -1, 1, [1, 0, 0, 1]),
        (0, 2, 1, [1, 0, 0, 1]), (1.5, 2, 1, [1, 0, 0, 1]), (3, 2, 1, [1, 0, 0, 1]),
    ]

    @Test func valuesAndGradientsMatchPyTorch() throws {
        let functions = try CompiledFunctions("""
            func f(x: Float, low: Float, high: Float) -> Float { clamp(x, low, high) }
            let df = grad(f)
            """)
        let f = try #require(functions.program.functions.first { $0.name == "f" }?.body)
        let df = try #require(functions.program.functions.first { $0.name == "df" }?.body)
        for (x, low, high, expected) in Self.cases {
            let arguments = [IRTensor(x), IRTensor(low), IRTensor(high)]
            let value = try IRInterpreter.run(f, arguments: arguments)[f.results[0].name]?.values[0]
            let gradient = try IRInterpreter.run(df, arguments: arguments)
            let derivatives = df.results.map { gradient[$0.name]?.values[0] }
            #expect([value] + derivatives == expected.map(Optional.some), "clamp(\(x), \(low), \(high))")
        }
    }
}
