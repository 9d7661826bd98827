import Testing
@testable import TapelessCompiler

/// Inlining: every call copies its callee's body, already simplified.
@Suite struct LoweringTests {
    /// `f(x) + f(x) + f(x)` at thirteen levels would be 3^13 copies of `f0` if each call copied
    /// an unsimplified body; with each body reduced before it is copied, every level adds a few
    /// instructions. (A random-program fuzzer found this taking 15 s and 570 MB to check.)
    @Test("A scalar model function gets its parameter gradient unless another function of the model calls it")
    func helpersGetNoGradientOfTheirOwn() throws {
        let model = try #require(try CompiledFunctions("""
            model Simulation {
                param k: Float = 0.5
                func energy(x: [n]) -> Float { k * sum(square(x)) }
                func penalty(x: [n]) -> Float { energy(x) * k }
                func loss(x: [n]) -> Float { penalty(x) + mean(x) }
                func standalone(x: [n]) -> Float { k * mean(x) }
            }
            """).program.models.first)
        let derived = Dictionary(uniqueKeysWithValues: model.functions.map { ($0.name, $0.withGradient != nil) })
        #expect(derived == ["energy": false, "penalty": false, "loss": true, "standalone": true])
    }

    @Test func callsRepeatedAtEveryLevelAddOneCopy() throws {
        var source = "func f0(x: Float) -> Float { x * x }\n"
        for level in 1...13 {
            source += "func f\(level)(x: Float) -> Float { f\(level - 1)(x) + f\(level - 1)(x) + f\(level - 1)(x) }\n"
        }
        source += "let df = grad(f13)\n"
        let functions = try CompiledFunctions(source)
        let f13 = try #require(functions.program.functions.first { $0.name == "f13" })
        #expect(f13.body.instructions.count < 50)
        let threeToThe13 = 1_594_323.0
        #expect(try functions("f13", 0.5) == threeToThe13 / 4)  // 3^13 x²
        #expect(try functions("df", 0.5) == threeToThe13)  // 2 · 3^13 x
    }
}

/// The instruction limit counts derivatives too: each order multiplies a function's size, so a
/// derivative of a derivative must not start from an oversized body.
@Suite struct InstructionLimitTests {
    let source = """
        func f(x: Float) -> Float { sin(x) * exp(cos(x)) }
        let df = grad(f)
        let d2f = grad(df)
        let d3f = grad(d2f)
        """

    func compile(limit: Int) -> Compiler.Output {
        var compiler = Compiler()
        compiler.instructionLimit = limit
        return compiler.compile(source: source, path: "limit.tapeless")
    }

    @Test func aDerivativePastTheLimitIsAnErrorAtItsDeclaration() throws {
        let sizes = try CompiledFunctions(source).program.functions.map(\.body.instructions.count)
        try #require(sizes.count == 4 && sizes[2] < sizes[3])
        let output = compile(limit: sizes[2])
        #expect(output.program == nil)
        let error = try #require(output.diagnostics.first)
        #expect(error.severity == .error)
        #expect(error.range.start.line == 4)
        #expect(error.message == "this derivative of 'd2f' is too large: it would exceed \(sizes[2]) operations; each order "
            + "of derivative multiplies the size of the function, so take fewer orders or differentiate a smaller function")
    }

    @Test func aDerivativeAtTheLimitIsAllowed() throws {
        let sizes = try CompiledFunctions(source).program.functions.map(\.body.instructions.count)
        let output = compile(limit: try #require(sizes.max()))
        #expect(output.diagnostics.isEmpty)
        #expect(output.program != nil)
    }

    /// A model's gradient for training and its forward function's pullback are counted too:
    /// nothing in the file names them, so the error is at the function they come from.
    @Test(arguments: [
        ("forward", "func forward(x: [batch, 4]) -> [batch, 4] { tanh(matmul(tanh(matmul(x, w)), w)) }"),
        ("loss", "func loss(x: [batch, 4]) -> Float { mean(tanh(matmul(tanh(matmul(x, w)), w))) }"),
    ])
    func aTrainingDerivativePastTheLimitIsAnErrorAtItsFunction(name: String, function: String) throws {
        let model = "model Net {\n    param w: [4, 4] = glorotUniform\n    \(function)\n}\n"
        let lowered = try #require(try CompiledFunctions(model).program.models[0].functions.first)
        let derived = try #require(lowered.withGradient ?? lowered.pullback)
        try #require(lowered.body.instructions.count < derived.instructions.count - 1)
        var compiler = Compiler()
        compiler.instructionLimit = derived.instructions.count - 1
        let output = compiler.compile(source: model, path: "limit.tapeless")
        #expect(output.program == nil)
        let error = try #require(output.diagnostics.first)
        #expect(error.range.start.line == 3)
        #expect(error.message == "'\(name)' is too large to train: its derivative would exceed "
            + "\(derived.instructions.count - 1) operations; make the function smaller, for example with fewer layers or fewer calls")
        compiler.instructionLimit = derived.instructions.count
        #expect(compiler.compile(source: model, path: "limit.tapeless").program != nil)
    }
}
