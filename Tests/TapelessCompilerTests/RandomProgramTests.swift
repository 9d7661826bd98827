import Foundation
import Testing
@testable import TapelessCompiler

/// Random well-typed programs through the whole compiler. For each seed: the program compiles
/// without diagnostics, every plan of every function is a valid schedule, every stage prints
/// (the Swift included) and so does the summary, and every derivative agrees with central
/// differences of what it differentiates (in the interpreter, in Double): `grad` definitions up
/// to the third order, `jvp`, `hvp`, `vjp`, `jacobian` and `hessian` of a Float and a tensor function, derivatives through a `while` loop, each model loss's gradient with respect to every parameter (in both
/// modes for a model with dropout or batch normalization; at most 8 elements per tensor), and
/// the forward function's pullback. Besides a model over matrices, each program has a random
/// stack of image layers and an attention model over sequences with token embeddings.
///
/// The programs mix smooth operations with kinks and jumps (`relu`, `abs`, `max`, `min`,
/// `clamp`, `where`); an element whose one-sided differences disagree, where the derivative is
/// a convention, is not compared. (A fuzzing campaign over about 2,300 such programs found the
/// bugs that the tests of `LaneConditions`, `LoweringTests`, `ClampTests` and the fusion plans
/// now cover.)
@Suite struct RandomProgramTests {
    /// The seeds every test of random programs runs: 40, or the first
    /// `TAPELESS_RANDOM_PROGRAM_SEEDS` of them. `.ci/run` asks for fewer under the sanitizers,
    /// which watch memory and threads (not arithmetic) and run the interpreter 20–30× slower.
    static let seeds: Range<UInt64> = {
        let count = ProcessInfo.processInfo.environment["TAPELESS_RANDOM_PROGRAM_SEEDS"].flatMap { UInt64($0) }
        return 0..<min(count ?? allSeeds.upperBound, allSeeds.upperBound)
    }()

    /// The seeds whose programs together must use every construct (generating is cheap).
    static let allSeeds: Range<UInt64> = 0..<40

    @Test(arguments: seeds)
    func randomProgramCompilesAndDifferentiatesCorrectly(seed: UInt64) throws {
        var generator = ProgramGenerator(seed: seed)
        let source = generator.program()
        let output = Compiler().compile(source: source, path: "random-\(seed).tapeless")
        #expect(output.diagnostics.isEmpty, "seed \(seed): \(output.diagnostics)\n\(source)")
        let program = try #require(output.program)
        FusionTests.validateEveryPlan(of: program)
        // Everything the command-line tool prints for it.
        for stage in Compiler.Stage.allCases {
            let (text, diagnostics) = Compiler().explain(source: source, path: "random.tapeless", stage: stage)
            #expect(text?.isEmpty == false && diagnostics.isEmpty, "seed \(seed): stage \(stage)")
        }
        #expect(!ModelSummary(program: program).render().isEmpty)

        var random = ParserRobustnessTests.Generator(state: seed &+ 1000)
        var parametersByModel: [String: [String: IRTensor]] = [:]
        for model in program.models {
            for parameter in model.parameters {
                var value = Self.randomTensor(IRType(.float, parameter.shape.map(IRDimension.fixed)), using: &random)
                // State as training leaves it: running variances (and counts) positive.
                if parameter.isState { value.values = value.values.map { 0.5 + abs($0) } }
                parametersByModel[model.name, default: [:]][parameter.name] = value
            }
        }
        for derivative in generator.derivatives {
            let scope = derivative.model.map { name in program.models.first { $0.name == name }?.functions ?? [] } ?? program.functions
            let functions = Dictionary(uniqueKeysWithValues: scope.map { ($0.name, $0.body) })
            let modelParameters = derivative.model.flatMap { parametersByModel[$0] } ?? [:]
            let base = try #require(functions[derivative.function])
            let derived = try #require(functions[derivative.name])
            let arguments = base.arguments.map { Self.randomTensor($0.type, using: &random) }
            guard derivative.kind == .grad else {
                try Self.checkForwardModeOrPullback(
                    derivative, of: base, derived: derived, at: arguments, using: &random, "seed \(seed): \(derivative.name)\n\(source)\n")
                continue
            }
            let results = try IRInterpreter.run(derived, arguments: arguments, parameters: modelParameters)
            for (index, argument) in base.arguments.enumerated()
            where argument.type.element == .float && (derivative.withRespectTo ?? argument.name) == argument.name {
                let gradient = try #require(results[argument.name], "seed \(seed): \(derivative.name) has no \(argument.name)")
                try GradientChecking.expectFiniteDifferences(
                    of: base, result: base.results[0].name, at: arguments, parameters: modelParameters, varying: .argument(index),
                    equal: gradient, step: 1e-5, tolerance: 1e-5, skippingKinks: true, atMost: 8,
                    "seed \(seed): \(derivative.name) wrt \(argument.name)\n\(source)\n")
            }
        }
        for model in program.models {
            let parameters = parametersByModel[model.name] ?? [:]
            for function in model.functions {
                guard let withGradient = function.withGradient else { continue }
                let arguments = function.body.arguments.map { Self.randomTensor($0.type, using: &random) }
                let results = try IRInterpreter.run(withGradient, arguments: arguments, parameters: parameters)
                for result in withGradient.results {
                    guard case .gradient(.parameter(let name)) = result.role else { continue }
                    try GradientChecking.expectFiniteDifferences(
                        of: function.body, result: function.body.results[0].name, at: arguments, parameters: parameters,
                        varying: .parameter(name), equal: try #require(results[result.name]), step: 1e-5, tolerance: 1e-5, skippingKinks: true, atMost: 8,
                        "seed \(seed): \(model.name).\(function.name) wrt \(name)\n\(source)\n")
                }
            }
            let forward = try #require(model.functions.first { $0.name == "forward" }, "seed \(seed): no forward function")
            let pullback = try #require(forward.pullback)
            let input = Self.randomTensor(forward.body.arguments[0].type, using: &random)
            let outputGradient = Self.randomTensor(forward.body.definitions()[forward.body.results[0].value]!.type, using: &random)
            let results = try IRInterpreter.run(pullback, arguments: [input, outputGradient], parameters: parameters)
            for result in pullback.results {
                guard case .gradient(.parameter(let name)) = result.role else { continue }
                try GradientChecking.expectFiniteDifferences(
                    of: forward.body, result: forward.body.results[0].name, seed: outputGradient, at: [input],
                    parameters: parameters, varying: .parameter(name), equal: try #require(results[result.name]),
                    step: 1e-5, tolerance: 1e-5, skippingKinks: true, atMost: 8, "seed \(seed): \(model.name).forward's pullback wrt \(name)\n\(source)\n")
            }
        }
    }

    /// The programs of the seeds above, together, use every construct the generator knows.
    /// Every top-level function, derivatives included, vectorized over its Float arguments
    /// (``Vectorization``, which `jacobian` and `hessian` run on) computes for each member of
    /// a batch of 3 what the function computes for that member alone: each operation's batching
    /// rule, checked on every operation the programs use and on their reverse-mode forms.
    @Test(arguments: seeds)
    func vectorizedFunctionsComputeEachMemberAlone(seed: UInt64) throws {
        var generator = ProgramGenerator(seed: seed)
        let source = generator.program()
        let program = try #require(Compiler().compile(source: source, path: "random-\(seed).tapeless").program)
        var random = ParserRobustnessTests.Generator(state: seed &+ 2000)
        let members = 3
        for function in program.functions.map(\.body) {
            let floats = Set(function.arguments.indices.filter { function.arguments[$0].type.element == .float })
            guard !floats.isEmpty else { continue }
            let hasWhileLoop = function.instructions.contains { if case .loop(let loop) = $0.op { loop.extent != .counted } else { false } }
            guard !hasWhileLoop else {
                // Its members could need different numbers of iterations.
                #expect(throws: Vectorization.Failure.self) { try Vectorization.vectorize(function, batched: floats, batch: [.fixed(members)]) }
                continue
            }
            let batched = try Vectorization.vectorize(function, batched: floats, batch: [.fixed(members)])
            let arguments = batched.arguments.map { Self.randomTensor($0.type, using: &random) }
            let together = try IRInterpreter.run(batched, arguments: arguments)
            for member in 0..<members {
                let alone = try IRInterpreter.run(function, arguments: arguments.enumerated().map { index, argument in
                    guard floats.contains(index) else { return argument }
                    let size = argument.values.count / members
                    return IRTensor(shape: Array(argument.shape.dropFirst()), values: Array(argument.values[(member * size)..<((member + 1) * size)]))
                })
                for result in function.results {
                    let expected = try #require(alone[result.name]).values
                    let all = try #require(together[result.name]).values
                    let slice = Array(all[(member * expected.count)..<((member + 1) * expected.count)])
                    let error = zip(slice, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
                    #expect(all.count == members * expected.count && error < 1e-9,
                            "seed \(seed): \(function.name) result \(result.name), member \(member), error \(error)\n\(source)")
                }
            }
        }
    }

    @Test func theSeedsCoverEveryConstruct() {
        let sources = Self.allSeeds.map { seed in
            var generator = ProgramGenerator(seed: seed)
            return generator.program()
        }.joined()
        let constructs = [
            "reshape(", "permute(", "concat(", "stack(", "variance(", "min(", " @ reshape(", "softmax(", "logSumExp(", "where(",
            "Conv2D(", "groups: 2", "stride: 2", "MaxPool2D(", "AvgPool2D(", "BatchNorm2D(", "GroupNorm(", "Dropout(",
            "ConvTranspose2D(", "GlobalAvgPool2D(", "Flatten(", "causal: true", "causal: false", "padding: concat(",
            "= jvp(", "= hvp(", "= vjp(", "= jacobian(", "= hessian(", "@vjp(of: ruled", "ruled(tanh(", "* k0", "+ k0",
            "    for it", " += ", "[2 - it", "[:, it", "maxIterations: 3", "Count < 2 && ", "checkpointEvery: ", "LSTM(4 -> 2", "LSTM(4 -> 4", "GRU(4 -> 2", "GRU(4 -> 4", "RNN(4 -> 4", "checkpointEvery: 3)", "dropout: 0.25",
            "let (p, q) = pair(", "(r, s) = (r * ", "struct Pair", "= jvp(pair)", "= vjp(paired)", "r.first += ", "let (r, hN, _) = recur(", "let (r, hN) = recur(",
        ]
        for construct in constructs {
            #expect(sources.contains(construct), "no program uses \(construct)")
        }
    }

    /// Checks a top-level `jvp`, `hvp` or `vjp` of `base` (over every Float argument) at
    /// `arguments`, with random tangents or output gradient, against central differences: of
    /// `base` along the tangents, of its gradient along them, of its value seeded by the output
    /// gradient. For a `base` returning several values (a tuple or a record), `jvp` gives each
    /// value's tangent after the values, and `vjp`, given one value's output gradient and zeros
    /// for the others, that value's pullback.
    static func checkForwardModeOrPullback(
        _ derivative: ProgramGenerator.Derivative, of base: IRFunction, derived: IRFunction, at arguments: [IRTensor],
        using random: inout ParserRobustnessTests.Generator, _ context: String
    ) throws {
        let floats = base.arguments.indices.filter { base.arguments[$0].type.element == .float }
        let directions = base.arguments.map { $0.type.element == .float ? randomTensor($0.type, using: &random) : nil }
        let tangents = floats.map { directions[$0]! }
        let result = base.results[0].name
        switch derivative.kind {
        case .jvp:
            let computed = try IRInterpreter.run(derived, arguments: arguments + tangents)
            for (index, value) in base.results.enumerated() {
                let tangent = try #require(computed[derived.results[base.results.count + index].name])
                try GradientChecking.expectDirectionalDerivative(
                    of: base, result: value.name, at: arguments, along: directions, equal: tangent, step: 1e-5, tolerance: 1e-5,
                    "\(context) jvp \(value.name)")
            }
        case .hvp:
            let products = try IRInterpreter.run(derived, arguments: arguments + tangents)
            let gradient = Simplifier.simplify(
                try ReverseMode.differentiate(base, result: result, withRespectTo: floats.map(DifferentiableInput.argument)))
            for index in floats {
                let name = base.arguments[index].name
                try GradientChecking.expectDirectionalDerivative(
                    of: gradient, result: name, at: arguments, along: directions, equal: try #require(products[name]),
                    step: 1e-5, tolerance: 1e-4, "\(context) hvp \(name)")
            }
        case .vjp:
            let seeds = try base.results.map { randomTensor(try #require(base.definitions()[$0.value]).type, using: &random) }
            for (pulled, value) in base.results.enumerated() {
                let seed = seeds[pulled]
                let only = seeds.indices.map { $0 == pulled ? seed : IRTensor(shape: seeds[$0].shape, values: seeds[$0].values.map { _ in 0 }) }
                let gradients = try IRInterpreter.run(derived, arguments: arguments + only)
                for index in floats {
                    // The gradients follow the values, in the arguments' order.
                    let name = derived.results[base.results.count + floats.firstIndex(of: index)!].name
                    try GradientChecking.expectFiniteDifferences(
                        of: base, result: value.name, seed: seed, at: arguments, varying: .argument(index), equal: try #require(gradients[name]),
                        step: 1e-5, tolerance: 1e-5, skippingKinks: true, atMost: 8, "\(context) vjp \(value.name) \(name)")
                }
            }
        case .jacobian, .hessian:
            // Each matrix times a tangent of its argument alone is a directional derivative: of
            // the function for a Jacobian, of its gradient for a Hessian.
            let matrices = try IRInterpreter.run(derived, arguments: arguments)
            let differentiated = derivative.kind == .jacobian ? base : Simplifier.simplify(
                try ReverseMode.differentiate(base, result: result, withRespectTo: floats.map(DifferentiableInput.argument)))
            for index in floats {
                let name = base.arguments[index].name
                guard let matrix = matrices[name] else { continue }
                let direction = directions[index]!
                let rows = matrix.values.count / direction.values.count
                let product = (0..<rows).map { row in
                    zip(matrix.values[(row * direction.values.count)...], direction.values).map(*).reduce(0, +)
                }
                var along = base.arguments.map { _ -> IRTensor? in nil }
                along[index] = direction
                let output = derivative.kind == .jacobian ? result : name
                let shape = Array(matrix.shape.prefix(matrix.shape.count - direction.shape.count))
                try GradientChecking.expectDirectionalDerivative(
                    of: differentiated, result: output, at: arguments, along: along, equal: IRTensor(shape: shape, values: product),
                    step: 1e-5, tolerance: 1e-4, "\(context) \(derivative.kind) \(name)")
            }
        case .grad, .valueAndGrad:
            Issue.record("\(context): \(derivative.kind) is checked with the gradients")
        }
    }

    /// A tensor of `type` with every size variable bound to 2, filled with values in [-1, 1],
    /// or for `Int[…]` with labels of the generator's 3 classes.
    static func randomTensor(_ type: IRType, using random: inout ParserRobustnessTests.Generator) -> IRTensor {
        let shape = type.shape.map { dimension -> Int in
            if case .fixed(let size) = dimension { size } else { 2 }
        }
        let count = shape.reduce(1, *)
        let values = (0..<count).map { _ in
            type.element == .int ? Double(Int.random(in: 0..<3, using: &random)) : Double.random(in: -1...1, using: &random)
        }
        return IRTensor(shape: shape, values: values)
    }
}

/// Writes random programs over scalars, vectors `[n]`, matrices `[n, 3]`
/// and rows `[3]` (passing through ranks 3 and 4 in shape operations and batched products):
/// top-level functions with their derivatives (up to the third order for
/// functions of one scalar), and a model with a forward function (parameters, a layer, calls)
/// and a loss that calls it. Between them the functions have every signature shape the
/// language allows: no arguments, scalars only, tensors, `Int[…]` labels (read or not), and
/// Float or tensor results; derivatives with and without `wrt:`, at the top level and in the model.
struct ProgramGenerator {
    enum Kind: CaseIterable {
        case scalar, vector, matrix, row

        var spelling: String {
            switch self {
            case .scalar: "Float"
            case .vector: "[n]"
            case .matrix: "[n, 3]"
            case .row: "[3]"
            }
        }
    }

    /// A `grad` definition and the function it differentiates.
    struct Derivative {
        var name: String
        var function: String
        /// The argument named after `wrt:`; `nil` for every Float argument.
        var withRespectTo: String?
        /// The model whose function is differentiated; `nil` at the top level.
        var model: String?
        /// `grad`, or for a top-level function over every Float argument, `jvp`, `hvp` or `vjp`.
        var kind: DerivativeKind = .grad
    }

    private var random: ParserRobustnessTests.Generator
    private(set) var derivatives: [Derivative] = []
    /// The top-level functions written so far that other functions may call, with their
    /// argument kinds and their result kind.
    private var functions: [(name: String, arguments: [Kind], result: Kind)] = []

    init(seed: UInt64) {
        random = ParserRobustnessTests.Generator(state: seed)
    }

    mutating func program() -> String {
        // A named constant, which `constant(_:_:)` may use in place of a literal.
        var text = "let k0: Float = sqrt(2) / 4\n"
        for index in 0..<3 {
            let arguments: [Kind] = index == 0 ? [.scalar] : [.scalar] + (0..<Int.random(in: 1...2, using: &random)).map { _ in pick([.vector, .matrix, .row]) }
            let names = arguments.indices.map { "a\($0)" }
            let signature = zip(names, arguments).map { "\($0): \($1.spelling)" }.joined(separator: ", ")
            let name = "f\(index)"
            text += "func \(name)(\(signature)) -> Float {\n\(body(variables: Array(zip(names, arguments))))}\n"
            text += "let d\(name) = grad(\(name))\n"
            derivatives.append(Derivative(name: "d\(name)", function: name))
            if index == 0 {
                // One scalar argument: each derivative returns one value, so it can be differentiated again.
                text += "let d2\(name) = grad(d\(name))\nlet d3\(name) = grad(d2\(name))\n"
                derivatives += [Derivative(name: "d2\(name)", function: "d\(name)"), Derivative(name: "d3\(name)", function: "d2\(name)")]
            }
            functions.append((name, arguments, .scalar))
        }
        text += otherSignatures()
        text += iteration()
        text += """
            model M {
                param w: [3] = uniform(-1, 1)
                param s: Float = 0.5
                layer fc = Dense(3 -> 3, activation: tanh)
                layer norm = LayerNorm(3)
                func forward(a0: [n, 3]) -> [n, 3] {
                    let a1 = norm(fc(a0)) * w + s

            """
        text += body(variables: [("a0", .matrix), ("a1", .matrix), ("s", .scalar), ("w", .row)], result: .matrix, indent: "    ")
        text += """
                }
                func loss(a0: [n, 3], a1: [n]) -> Float {
                    let a2 = forward(a0)
                    let a3 = s * a1 + penalty()

            """
        text += body(variables: [("a0", .matrix), ("a1", .vector), ("a2", .matrix), ("a3", .vector), ("s", .scalar), ("w", .row)], indent: "    ")
        text += "    }\n"
        text += otherModelSignatures()
        text += "}\n"
        text += imageModel() + sequenceModel()
        return text
    }

    /// A model over images `[n, 2, 6, 6]`: a random stack of the image layers (convolutions
    /// with random options, poolings, normalizations in both modes, dropout), then a head.
    private mutating func imageModel() -> String {
        var layers: [String] = []
        var channels = 2, size = 6
        var applied = "x"
        for index in 0..<Int.random(in: 2...4, using: &random) {
            let name = "l\(index)"
            let choice = pick(Array(0..<7))
            switch choice {
            case 0, 1:
                let out = pick([2, 4])
                let (kernel, padding, stride) = (size >= 3 ? pick([1, 3]) : 1, pick([0, 1]), size >= 4 ? pick([1, 2]) : 1)
                let groups = channels % 2 == 0 && out % 2 == 0 ? pick([1, 2]) : 1
                layers.append("layer \(name) = Conv2D(\(channels) -> \(out), kernel: \(kernel), stride: \(stride), padding: \(padding), groups: \(groups), activation: \(pick(["tanh", "relu", "sigmoid"])))")
                (channels, size) = (out, (size + 2 * padding - kernel) / stride + 1)
            case 2 where size >= 4:
                layers.append("layer \(name) = \(pick(["MaxPool2D", "AvgPool2D"]))(kernel: 2)")
                size /= 2
            case 3:
                layers.append("layer \(name) = BatchNorm2D(\(channels))")
            case 4 where channels % 2 == 0:
                layers.append("layer \(name) = GroupNorm(\(channels), groups: 2)")
            case 5:
                layers.append("layer \(name) = Dropout(\(pick(["0.25", "0.5"])))")
            default:
                layers.append("layer \(name) = ConvTranspose2D(\(channels) -> 2, kernel: 2, stride: \(pick([1, 2])))")
                let stride = layers.last!.contains("stride: 2") ? 2 : 1
                (channels, size) = (2, (size - 1) * stride + 2)
            }
            applied = "\(name)(\(applied))"
        }
        let features = channels * size * size
        let head = pick([
            ("layer pool = GlobalAvgPool2D()\n    layer out = Dense(\(channels) -> 3)", "out(pool(\(applied)))"),
            ("layer flat = Flatten()\n    layer out = Dense(\(features) -> 3)", "out(flat(\(applied)))"),
        ])
        return "model Images {\n" + (layers + [head.0]).map { "    \($0)\n" }.joined()
            + "    func forward(x: [n, 2, 6, 6]) -> [n, 3] { \(head.1) }\n"
            + "    func loss(x: [n, 2, 6, 6], labels: Int[n]) -> Float { crossEntropy(logits: forward(x), labels: labels) }\n}\n"
    }

    /// A model over sequences `[n, 4, 4]`: self-attention (causal or not, with or without a
    /// padding mask), layer norm, a recurrent layer and batched products; its loss embeds token indices `Int[n, 4]`
    /// and adds rows that an argmax gathers.
    private mutating func sequenceModel() -> String {
        // The last position padded: every query keeps at least the first key.
        let mask = "concat(x[:, 0..<3, 0] * 0, x[:, 3..<4, 0] * 0 + 1, axis: 1)"
        let attended = pick(["attn(x)", "attn(x, padding: \(mask))"])
        let recurrent = pick([
            "LSTM(4 -> 2, bidirectional: true, batchFirst: true)", "LSTM(4 -> 4, batchFirst: true, checkpointEvery: 2)",
            "GRU(4 -> 2, bidirectional: true, batchFirst: true, checkpointEvery: 3)", "GRU(4 -> 4, batchFirst: true)",
            "RNN(4 -> 4, layers: 2, batchFirst: true, dropout: 0.25)",
        ])
        // The output and the final hidden state, taken apart (an LSTM's cell state dropped).
        let finals = recurrent.hasPrefix("LSTM") ? "(r, hN, _)" : "(r, hN)"
        return """
            model Sequence {
                layer embed = Embedding(3 -> 4)
                layer attn = MultiHeadAttention(4, heads: 2, causal: \(pick(["true", "false"])))
                layer norm = LayerNorm(4)
                layer out = Dense(4 -> 3)
                layer recur = \(recurrent)
                param table: [4, 2] = uniform(-1, 1)
                func forward(x: [n, 4, 4]) -> [n, 4, 3] {
                    let a = norm(x + \(attended))
                    let \(finals) = recur(a)
                    out(a @ permute(a, 0, 2, 1) @ a * 0.25 + r) + mean(hN)
                }
                func loss(tokens: Int[n, 4]) -> Float { mean(square(forward(embed(tokens)))) + max(picked(tokens)) }
                func picked(tokens: Int[n, 4]) -> [n, 4] { gather(table, argmax(embed(tokens), axis: 2))[:, :, 0] }
            }

            """
    }

    /// Top-level functions of the signature shapes the first three lack: no arguments, an
    /// `Int[…]` argument, a tensor result; and a derivative with `wrt:`.
    private mutating func otherSignatures() -> String {
        var text = "func constant() -> Float {\n\(body(variables: []))}\n"
        functions.append(("constant", [], .scalar))
        text += "func classify(a0: [n, 3], a1: Int[n]) -> Float {\n"
        text += "    let t = crossEntropy(logits: \(expression(.matrix, [("a0", .matrix)], depth: 2)), labels: a1)\n"
        text += body(variables: [("a0", .matrix), ("t", .scalar)]) + "}\n"
        text += "let dclassify = grad(classify)\n"
        derivatives.append(Derivative(name: "dclassify", function: "classify"))
        text += "func spread(a0: [n]) -> [n] {\n\(body(variables: [("a0", .vector)], result: .vector))}\n"
        functions.append(("spread", [.vector], .vector))
        // A custom reverse rule, right by construction: the gradient of a twin with the same
        // body. Every derivative through `ruled` (here and in later callers) goes through it.
        let ruledBody = body(variables: [("a0", .vector)])
        text += "func ruled(a0: [n]) -> Float {\n\(ruledBody)}\nfunc ruledTwin(a0: [n]) -> Float {\n\(ruledBody)}\n"
        text += "let dRuledTwin = grad(ruledTwin)\n"
        text += "@vjp(of: ruled, wrt: a0)\nfunc ruledPullback(a0: [n], outputGradient: Float) -> [n] { dRuledTwin(a0) * outputGradient }\n"
        text += "let druled = grad(ruled)\nlet hruled = hvp(ruled)\n"
        derivatives += [Derivative(name: "druled", function: "ruled"), Derivative(name: "hruled", function: "ruled", kind: .hvp)]
        functions.append(("ruled", [.vector], .scalar))
        text += tuples()
        // f1 has a scalar and one or two tensors: the derivative with respect to the scalar alone.
        text += "let df1a0 = grad(f1, wrt: a0)\n"
        derivatives.append(Derivative(name: "df1a0", function: "f1", withRespectTo: "a0"))
        // Forward mode of a Float and of a tensor function, forward over reverse, a pullback.
        for (name, kind, function) in [("jf1", DerivativeKind.jvp, "f1"), ("jspread", .jvp, "spread"), ("hf1", .hvp, "f1"),
                                       ("vspread", .vjp, "spread"), ("jacobianOfSpread", .jacobian, "spread")] {
            text += "let \(name) = \(kind)(\(function))\n"
            derivatives.append(Derivative(name: name, function: function, kind: kind))
        }
        // Matrices over the arguments whose element count the IR can write ([n, 3] has 3n).
        let f2 = functions.first { $0.name == "f2" }!
        let listed = f2.arguments.indices.filter { f2.arguments[$0] != .matrix }.map { "a\($0)" }.joined(separator: ", ")
        for (name, kind) in [("jacobianOfF2", DerivativeKind.jacobian), ("hessianOfF2", .hessian)] {
            text += "let \(name) = \(kind)(f2, wrt: \(listed))\n"
            derivatives.append(Derivative(name: name, function: "f2", kind: kind))
        }
        return text
    }

    /// `pair`, which returns a tuple, with its `jvp` and `vjp`, and `unpaired`, which takes it
    /// apart with `let`, binds a tuple written out with `var` and assigns one, then goes on as a
    /// random body, with its gradient and forward mode. Later functions may call `unpaired`.
    private mutating func tuples() -> String {
        let arguments: [(String, Kind)] = [("a0", .scalar), ("a1", .vector)]
        var text = "func pair(a0: Float, a1: [n]) -> (first: Float, second: [n]) {\n"
        text += "    return (\(expression(.scalar, arguments, depth: 3)), \(expression(.vector, arguments, depth: 3)))\n}\n"
        text += "func unpaired(a0: Float, a1: [n]) -> Float {\n    let (p, q) = pair(a0, \(expression(.vector, arguments, depth: 2)))\n"
        text += "    var (r, s) = (q, p)\n    (r, s) = (r * \(expression(.scalar, arguments, depth: 1)), s + \(expression(.scalar, arguments, depth: 1)))\n"
        text += body(variables: arguments + [("p", .scalar), ("q", .vector), ("r", .vector), ("s", .scalar)]) + "}\n"
        text += "let dunpaired = grad(unpaired)\nlet junpaired = jvp(unpaired)\nlet jpair = jvp(pair)\nlet vpair = vjp(pair)\n"
        derivatives += [
            Derivative(name: "dunpaired", function: "unpaired"), Derivative(name: "junpaired", function: "unpaired", kind: .jvp),
            Derivative(name: "jpair", function: "pair", kind: .jvp), Derivative(name: "vpair", function: "pair", kind: .vjp),
        ]
        functions.append(("unpaired", [.scalar, .vector], .scalar))
        return text + records()
    }

    /// The same with a record: `paired` builds a `Pair` (with its `jvp` and `vjp`), and
    /// `unrecorded` binds one, assigns a field and the whole record, then goes on as a random
    /// body over its fields.
    private mutating func records() -> String {
        let arguments: [(String, Kind)] = [("a0", .scalar), ("a1", .vector)]
        var text = "struct Pair {\n    var first: Float\n    var second: [n]\n}\n"
        text += "func paired(a0: Float, a1: [n]) -> Pair {\n"
        text += "    Pair(first: \(expression(.scalar, arguments, depth: 3)), second: \(expression(.vector, arguments, depth: 3)))\n}\n"
        text += "func unrecorded(a0: Float, a1: [n]) -> Float {\n    var r = paired(a0, \(expression(.vector, arguments, depth: 2)))\n"
        text += "    r.first += \(expression(.scalar, arguments, depth: 1))\n"
        text += "    r = Pair(first: r.first * 0.5, second: r.second * \(expression(.scalar, arguments, depth: 1)))\n"
        text += body(variables: arguments + [("r.first", .scalar), ("r.second", .vector)]) + "}\n"
        text += "let dunrecorded = grad(unrecorded)\nlet jpaired = jvp(paired)\nlet vpaired = vjp(paired)\n"
        derivatives += [
            Derivative(name: "dunrecorded", function: "unrecorded"), Derivative(name: "jpaired", function: "paired", kind: .jvp),
            Derivative(name: "vpaired", function: "paired", kind: .vjp),
        ]
        functions.append(("unrecorded", [.scalar, .vector], .scalar))
        return text
    }

    /// `iterate`, whose body starts with a `while` loop, with its gradient, a derivative of the
    /// gradient, `jvp` and `vjp`. No function before it calls it: the ones vectorized for
    /// `jacobian` and `hessian` can't hold a `while` loop.
    private mutating func iteration() -> String {
        let variables: [(String, Kind)] = [("a0", .scalar), ("a1", .row)]
        let loop = whileLoop(updating: "w0", variables)
        var text = "func iterate(a0: Float, a1: [3]) -> Float {\n\(loop)\(body(variables: variables + [("w0", .scalar)]))}\n"
        text += "let diterate = grad(iterate)\nlet diterateA0 = grad(iterate, wrt: a0)\nlet d2iterate = grad(diterateA0)\n"
        text += "let jiterate = jvp(iterate)\nlet viterate = vjp(iterate)\n"
        derivatives += [
            Derivative(name: "diterate", function: "iterate"), Derivative(name: "diterateA0", function: "iterate", withRespectTo: "a0"),
            Derivative(name: "d2iterate", function: "diterateA0"), Derivative(name: "jiterate", function: "iterate", kind: .jvp),
            Derivative(name: "viterate", function: "iterate", kind: .vjp),
        ]
        functions.append(("iterate", [.scalar, .row], .scalar))
        return text
    }

    /// `var name = …` updated by a `while` loop of scalars, reading the scalar variables and
    /// elements of the rows: a counter bounds it to 1 to 3 iterations (its `maxIterations`), and
    /// a random comparison may end it sooner (a number of iterations that changes near the
    /// evaluation point makes a jump, skipped like a kink).
    private mutating func whileLoop(updating name: String, _ variables: [(String, Kind)]) -> String {
        let count = Int.random(in: 1...3, using: &random)
        var text = "    var \(name) = \(expression(.scalar, variables, depth: 3))\n    var \(name)Count = 0\n"
        var leaves = variables.filter { $0.1 == .scalar } + [(name, .scalar)]
        for (variable, kind) in variables where kind == .row { leaves.append(("\(variable)[\(pick([0, 1, 2]))]", .scalar)) }
        // Calls are not scalar computations: a loop of scalars can't hold one.
        let callable = functions
        functions = []
        defer { functions = callable }
        var condition = "\(name)Count < \(count)"
        if Bool.random(using: &random) {
            condition += " && \(expression(.scalar, leaves, depth: 2)) \(pick([">", "<"])) \(expression(.scalar, leaves, depth: 1))"
        }
        let update = Bool.random(using: &random)
            ? "\(name) += \(expression(.scalar, leaves, depth: 2))" : "\(name) = \(expression(.scalar, leaves, depth: 3))"
        // Sometimes with checkpoints: the reverse pass computes the states between them again.
        let checkpoints = Bool.random(using: &random) ? ", checkpointEvery: \(Int.random(in: 1...count, using: &random))" : ""
        text += "    while \(condition), maxIterations: \(count)\(checkpoints) {\n        \(update)\n        \(name)Count += 1\n    }\n"
        return text
    }

    /// Model functions of the signature shapes `forward` and `loss` lack: no arguments (with
    /// a scalar and with a tensor result), only a scalar, only an unread `Int[…]`; and a
    /// derivative with respect to an input.
    private mutating func otherModelSignatures() -> String {
        let parameters: [(String, Kind)] = [("s", .scalar), ("w", .row)]
        var text = "    func penalty() -> Float {\n\(body(variables: parameters, indent: "    "))    }\n"
        text += "    func weights() -> [3] {\n\(body(variables: parameters, result: .row, indent: "    "))    }\n"
        text += "    func scale(k: Float) -> Float {\n\(body(variables: parameters + [("k", .scalar)], indent: "    "))    }\n"
        text += "    func ignoresLabels(l: Int[n]) -> Float { penalty() * s }\n"
        text += "    let dInput = grad(loss, wrt: a0)\n"
        derivatives.append(Derivative(name: "dInput", function: "loss", withRespectTo: "a0", model: "M"))
        return text
    }

    /// A few `let`s and a result of kind `result` over `variables`, using every variable so
    /// that every derivative is non-trivial.
    private mutating func body(variables: [(String, Kind)], result: Kind = .scalar, indent: String = "") -> String {
        var variables = variables
        var text = ""
        for index in 0..<Int.random(in: 2...4, using: &random) {
            let kind = pick(Self.kinds(in: variables))
            let name = "t\(index)"
            switch Int.random(in: 0..<8, using: &random) {
            case 0, 1:
                text += loop(updating: name, kind, variables, indent: indent)
            case 2:
                text += branch(choosing: name, kind, variables, indent: indent)
            default:
                text += "\(indent)    let \(name) = \(expression(kind, variables, depth: 4))\n"
            }
            variables.append((name, kind))
        }
        let uses = variables.map { $0.1 == .scalar ? $0.0 : "mean(\($0.0))" }
        return text + "\(indent)    " + ([expression(result, variables, depth: 3)] + uses).joined(separator: " + ") + "\n"
    }

    /// `var name = …` given another value by `if`, and sometimes `else if` and `else`, on
    /// comparisons of scalars over the variables (which may flip near the evaluation point,
    /// skipped like kinks). A side may also bind a `let` of its own.
    private mutating func branch(choosing name: String, _ kind: Kind, _ variables: [(String, Kind)], indent: String) -> String {
        let inside = indent + "        "
        func comparison(_ generator: inout ProgramGenerator) -> String {
            let comparison = generator.pick([">", "<", ">=", "<="])
            return "\(generator.expression(.scalar, variables, depth: 2)) \(comparison) \(generator.expression(.scalar, variables, depth: 1))"
        }
        func condition(_ generator: inout ProgramGenerator) -> String {
            switch Int.random(in: 0..<4, using: &generator.random) {
            case 0: return "\(comparison(&generator)) && \(comparison(&generator))"
            case 1: return "!(\(comparison(&generator))) || \(comparison(&generator))"
            default: return comparison(&generator)
            }
        }
        func side(_ generator: inout ProgramGenerator) -> String {
            let leaves = variables + [(name, kind)]
            if Int.random(in: 0..<3, using: &generator.random) == 0 {
                // Every side may bind the same name: each is a scope of its own.
                let local = "\(name)Side"
                return "\(inside)let \(local) = \(generator.expression(kind, leaves, depth: 2))\n"
                    + "\(inside)\(name) = \(local) * \(generator.expression(.scalar, leaves, depth: 1))\n"
            }
            return "\(inside)\(name) = \(generator.expression(kind, leaves, depth: 3))\n"
        }
        var text = "\(indent)    var \(name) = \(expression(kind, variables, depth: 3))\n"
        text += "\(indent)    if \(condition(&self)) {\n" + side(&self)
        if Bool.random(using: &random) { text += "\(indent)    } else if \(condition(&self)) {\n" + side(&self) }
        if Bool.random(using: &random) { text += "\(indent)    } else {\n" + side(&self) }
        return text + "\(indent)    }\n"
    }

    /// `var name = …` updated by a loop of 1 to 3 iterations whose body reads `name`, the
    /// variables, and positions picked by the loop index from rows and matrices; sometimes with
    /// checkpoints.
    private mutating func loop(updating name: String, _ kind: Kind, _ variables: [(String, Kind)], indent: String) -> String {
        let count = Int.random(in: 1...3, using: &random)
        let index = "i\(name)"
        var leaves = variables + [(name, kind)]
        for (variable, variableKind) in variables {
            switch variableKind {
            case .row: leaves.append(("\(variable)[\(pick([index, "2 - \(index)"]))]", .scalar))
            case .matrix: leaves.append(("\(variable)[:, \(index)]", .vector))
            case .scalar, .vector: break
            }
        }
        let update = Int.random(in: 0..<2, using: &random) == 0
            ? "\(name) += \(expression(kind, leaves, depth: 2))"
            : "\(name) = \(expression(kind, leaves, depth: 3))"
        // Sometimes with checkpoints: the reverse pass computes each segment's values again.
        let checkpoints = Int.random(in: 0..<3, using: &random) == 0 ? ", checkpointEvery: \(Int.random(in: 1...count, using: &random))" : ""
        return "\(indent)    var \(name) = \(expression(kind, variables, depth: 3))\n"
            + "\(indent)    for \(index) in 0..<\(count)\(checkpoints) {\n\(indent)        \(update)\n\(indent)    }\n"
    }

    /// The kinds of the variables: the only kinds an expression over them can have (a scalar
    /// result can always be had).
    private static func kinds(in variables: [(String, Kind)]) -> [Kind] {
        Kind.allCases.filter { kind in kind == .scalar || variables.contains { $0.1 == kind } }
    }

    /// An expression of `kind` (one of the variables' kinds), at most `depth` operations deep.
    private mutating func expression(_ kind: Kind, _ variables: [(String, Kind)], depth: Int) -> String {
        let leaves = variables.filter { $0.1 == kind }.map(\.0)
        if depth == 0 || Int.random(in: 0..<6, using: &random) == 0 {
            if leaves.isEmpty || Int.random(in: 0..<6, using: &random) == 0 { return constant(kind, variables) }
            return pick(leaves)
        }
        let operand = { (generator: inout ProgramGenerator, kind: Kind) in generator.expression(kind, variables, depth: depth - 1) }
        switch Int.random(in: 0..<7, using: &random) {
        case 0, 1:
            let argument = operand(&self, kind)
            switch pick(Array(0..<21)) {
            case 12: return "atan(\(argument))"
            case 13: return "asin(0.9 * tanh(\(argument)))"
            case 14: return "acos(0.9 * tanh(\(argument)))"
            case 15: return "sinh(tanh(\(argument)))"
            case 16: return "cosh(tanh(\(argument)))"
            case 17: return "log1p(square(\(argument)))"
            case 18: return "expm1(tanh(\(argument)))"
            case 19: return "erf(\(argument))"
            case 20: return "sign(\(argument))"
            case 0: return "sin(\(argument))"
            case 1: return "cos(\(argument))"
            case 2: return "tanh(\(argument))"
            case 3: return "sigmoid(\(argument))"
            case 4: return "softplus(\(argument))"
            case 5: return "exp(tanh(\(argument)))"
            case 6: return "log(1 + square(\(argument)))"
            case 7: return "sqrt(1 + square(\(argument)))"
            case 8: return "relu(\(argument))"
            case 9: return "abs(\(argument))"
            case 10: return "leakyRelu(\(argument))"
            default: return "clamp(\(argument), \(operand(&self, .scalar)), 0.75)"
            }
        case 2, 3:
            // Either side may be a scalar, broadcast over the other.
            let left = operand(&self, kind), right = operand(&self, pick([kind, .scalar]))
            switch pick(Array(0..<6)) {
            case 0: return "(\(left) + \(right))"
            case 1: return "(\(left) - \(right))"
            case 2: return "(\(left) * \(right))"
            case 3: return "max(\(left), \(right))"
            case 4: return "min(\(left), \(right))"
            default: return "(\(left) / (2 + sin(\(right))))"
            }
        case 4:
            return reduction(to: kind, variables, depth: depth)
        case 5:
            let condition = "\(operand(&self, pick([kind, .scalar]))) \(pick([">", "<", ">=", "<="])) \(operand(&self, pick([kind, .scalar])))"
            return "where(\(condition), \(operand(&self, kind)), \(operand(&self, pick([kind, .scalar]))))"
        default:
            if kind == .matrix, Int.random(in: 0..<2, using: &random) == 0 { return reshaped(operand(&self, .matrix), operand(&self, .matrix)) }
            return callOrConstant(kind, variables, depth: depth)
        }
    }

    /// An `[n, 3]` expression of `m` and `other` (both `[n, 3]`) through a shape operation:
    /// softmax, reshape and permute, concat of slices, stack, or a batched product.
    private mutating func reshaped(_ m: String, _ other: String) -> String {
        switch pick(Array(0..<5)) {
        case 0: return "softmax(\(m), axis: 1)"
        case 1: return "reshape(permute(reshape(\(m), n, 3, 1), 0, 2, 1), n, -1)"
        case 2: return "concat(\(m)[:, 0..<1], \(other)[:, 1..<3], axis: 1)"
        case 3:
            let axis = pick([0, 1, 2])
            return "sum(stack(\(m), \(other), axis: \(axis)), axis: \(axis))"
        default: return "sum(reshape(\(m), n, 3, 1) @ reshape(tanh(\(other)), n, 1, 3), axis: 2)"
        }
    }

    /// An expression of `kind` that reduces a larger one, when the variables have one.
    private mutating func reduction(to kind: Kind, _ variables: [(String, Kind)], depth: Int) -> String {
        let kinds = Self.kinds(in: variables)
        switch kind {
        case .scalar:
            guard let source = kinds.filter({ $0 != .scalar }).randomElement(using: &random) else { return constant(kind, variables) }
            let argument = expression(source, variables, depth: depth - 1)
            return pick(["sum(\(argument))", "mean(\(argument))", "max(\(argument))", "min(\(argument))", "variance(\(argument))"])
        case .vector where kinds.contains(.matrix):
            let matrix = expression(.matrix, variables, depth: depth - 1)
            return pick([
                "sum(\(matrix), axis: 1)", "mean(\(matrix), axis: 1)", "logSumExp(\(matrix), axis: 1)", "min(\(matrix), axis: 1)",
                "variance(\(matrix), axis: 1, correction: 0)",
            ])
        case .row where kinds.contains(.matrix):
            return "\(pick(["sum", "mean", "min", "variance"]))(\(expression(.matrix, variables, depth: depth - 1)), axis: 0)"
        case .matrix where kinds.contains(.row):
            // A row broadcast down the matrix's rows.
            return "(\(expression(.matrix, variables, depth: depth - 1)) * \(expression(.row, variables, depth: depth - 1)))"
        default:
            return expression(kind, variables, depth: depth - 1)
        }
    }

    /// A call of an earlier function that returns `kind`, or a constant.
    private mutating func callOrConstant(_ kind: Kind, _ variables: [(String, Kind)], depth: Int) -> String {
        let kinds = Self.kinds(in: variables)
        let callees = functions.filter { $0.result == kind && $0.arguments.allSatisfy(kinds.contains) }
        guard let callee = callees.randomElement(using: &random) else { return constant(kind, variables) }
        // Squashed, so that calls of calls stay in a range where finite differences are exact.
        let arguments = callee.arguments.map { "tanh(\(expression($0, variables, depth: min(depth - 1, 1))))" }
        return "\(callee.name)(\(arguments.joined(separator: ", ")))"
    }

    /// A constant of `kind`: a literal scalar, broadcast where a tensor is needed.
    private mutating func constant(_ kind: Kind, _ variables: [(String, Kind)]) -> String {
        let literal = pick(["0.5", "1.5", "2", "0.25", "k0"])
        guard kind != .scalar, let sameKind = variables.first(where: { $0.1 == kind }) else { return literal }
        return "(\(sameKind.0) * 0 + \(literal))"
    }

    private mutating func pick<Element>(_ choices: [Element]) -> Element {
        choices[Int.random(in: 0..<choices.count, using: &random)]
    }
}
