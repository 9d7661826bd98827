import Testing
@testable import TapelessCompiler

/// `checkpointEvery: k` on loops that run as loops: the reverse pass keeps the states of
/// iterations 0, k, 2k, … only and computes the others again, one segment at a time. Every
/// derivative, of every order and in both modes, must equal the one of the same loop without
/// checkpoints, to the last bit.
@Suite struct CheckpointTests {
    /// Loops with `CHECKPOINTS` where the clause goes: seven iterations (a last segment shorter
    /// than the others for k = 3 or 5), three carried variables (one the derivative does not
    /// read, a running sum), a branch, element reads, and a `while` loop.
    static let template = """
        func recurrence(x: [7], a: Float, b: Float) -> Float {
            var y = a
            var z = b
            var total = 0
            for i in 0..<7CHECKPOINTS {
                let previous = y
                y = y * b + sin(x[i] * z)
                z = 0.5 * z + 0.25 * previous
                if y > 0.5 {
                    total += y * z
                } else {
                    total -= z
                }
            }
            total
        }
        let dRecurrence = grad(recurrence)
        let recurrenceAlongB = jvp(recurrence, wrt: b)
        let recurrencePulled = vjp(recurrence)
        let recurrenceCurvature = hvp(recurrence)
        let recurrenceHessian = hessian(recurrence, wrt: a, b)

        func power(a: Float) -> Float {
            var y = a
            for i in 0..<5CHECKPOINTS {
                y = y * a + 0.5 * exp(-y)
            }
            y
        }
        let d1 = grad(power)
        let d2 = grad(d1)
        let d3 = grad(d2)

        func cubeRoot(a: Float) -> Float {
            var x = a
            var step = 1
            while abs(step) > 1e-5 * abs(x), maxIterations: 50CHECKPOINTS {
                step = (x * x * x - a) / (3 * x * x)
                x -= step
            }
            x
        }
        let dCubeRoot = grad(cubeRoot)
        let cubeRootAlongA = jvp(cubeRoot, wrt: a)
        let dCubeRoot2 = grad(dCubeRoot)
        """

    static func program(checkpointEvery interval: Int?) throws -> LoweredProgram {
        try CompiledFunctions(template.replacingOccurrences(of: "CHECKPOINTS", with: interval.map { ", checkpointEvery: \($0)" } ?? "")).program
    }

    static func function(_ program: LoweredProgram, _ name: String) throws -> IRFunction {
        try #require(program.functions.first { $0.name == name }?.body)
    }

    static func loops(in function: IRFunction) -> [IRLoop] {
        function.instructions.compactMap { if case .loop(let loop) = $0.op { loop } else { nil } }
    }

    static let x = IRTensor(shape: [7], values: [0.3, -0.7, 1.1, 0.4, -0.2, 0.9, -1.3])
    static let cases: [(name: String, arguments: [IRTensor])] = [
        ("recurrence", [x, IRTensor(0.8), IRTensor(0.9)]),
        ("dRecurrence", [x, IRTensor(0.8), IRTensor(0.9)]),
        ("recurrenceAlongB", [x, IRTensor(0.8), IRTensor(0.9), IRTensor(1)]),
        ("recurrencePulled", [x, IRTensor(0.8), IRTensor(0.9), IRTensor(-1.5)]),
        ("recurrenceCurvature", [x, IRTensor(0.8), IRTensor(0.9), x, IRTensor(-0.4), IRTensor(0.6)]),
        ("recurrenceHessian", [x, IRTensor(0.8), IRTensor(0.9)]),
        ("d1", [IRTensor(0.7)]), ("d2", [IRTensor(0.7)]), ("d3", [IRTensor(0.7)]),
        ("dCubeRoot", [IRTensor(5)]), ("cubeRootAlongA", [IRTensor(5), IRTensor(1)]), ("dCubeRoot2", [IRTensor(5)]),
    ]

    @Test func everyDerivativeEqualsTheOneWithoutCheckpoints() throws {
        let plain = try Self.program(checkpointEvery: nil)
        let expected = try Self.cases.map { try IRInterpreter.run(try Self.function(plain, $0.name), arguments: $0.arguments) }
        for interval in [1, 2, 3, 5, 7, 50] {
            try Self.expectEqualDerivatives(expected, checkpointEvery: interval)
        }
    }

    /// Every case of the template with `checkpointEvery: interval`, against `expected`.
    static func expectEqualDerivatives(_ expected: [[String: IRTensor]], checkpointEvery interval: Int) throws {
        let checkpointed = try program(checkpointEvery: interval)
        for ((name, arguments), expected) in zip(cases, expected) {
            let computed = try IRInterpreter.run(try function(checkpointed, name), arguments: arguments)
            guard name == "d3" else {
                #expect(computed == expected, "\(name) with checkpointEvery: \(interval)")
                continue
            }
            // The third derivative differentiates d2, which differentiated d1's replay written out
            // as a loop (see below): its adjoints add the same terms, in another order.
            let (left, right) = (try #require(computed["a"]).values[0], try #require(expected["a"]).values[0])
            #expect(abs(left - right) <= 1e-14 * abs(right), "d3 with checkpointEvery: \(interval): \(left) vs \(right)")
        }
    }

    @Test func theReversePassKeepsEveryKthStateAndComputesTheOthersAgain() throws {
        let gradient = try Self.function(try Self.program(checkpointEvery: 3), "dRecurrence")
        let loops = Self.loops(in: gradient)
        let primal = try #require(loops.first { !$0.isReversed })
        // y and z at iterations 0, 3 and 6; total's values are not needed.
        #expect(primal.checkpointInterval == 3)
        #expect(primal.outputs == [IRLoop.Output(shape: [3], stride: 1, offset: 0, interval: 3), IRLoop.Output(shape: [3], stride: 1, offset: 0, interval: 3)])
        let reverse = try #require(loops.first { $0.isReversed })
        let replay = try #require(reverse.replay)
        #expect(replay.interval == 3 && replay.stateCount == 2)
        // The scratch of one segment, 3 Floats per state, ends the reverse loop's result.
        #expect(reverse.resultLength == reverse.replayStart + 2 * 3)

        // 3 final values with 7 states each of y and z, against 3 with 3 each.
        #expect(try Self.storage(checkpointEvery: nil).bytesPerExample == 4 * (3 + 2 * 7))
        #expect(try Self.storage(checkpointEvery: 3).bytesPerExample == 4 * (3 + 2 * 3))
    }

    static func plan(checkpointEvery interval: Int?) throws -> FusionPlan {
        let program = try Self.program(checkpointEvery: interval)
        let function = try #require(program.functions.first { $0.name == "dRecurrence" })
        return FunctionPlans(function, in: nil).body
    }

    static func storage(checkpointEvery interval: Int?) throws -> ReverseStorage {
        try #require(ReverseStorage(try plan(checkpointEvery: interval)))
    }

    @Test func aDerivativeOfADerivativeKeepsEveryStateOfTheReplayedLoop() throws {
        // d2 differentiates d1's reverse pass: its replay is written out as a loop keeping every
        // state (the values are the same, see above); d1 itself keeps checkpoints only.
        let program = try Self.program(checkpointEvery: 2)
        #expect(Self.loops(in: try Self.function(program, "d1")).contains { $0.replay != nil })
        let d2 = try Self.function(program, "d2")
        #expect(!Self.loops(in: d2).isEmpty)
    }

    @Test func explainShowsTheCheckpoints() throws {
        let text = FusionPrinter.render(try Self.plan(checkpointEvery: 3))
        #expect(text.contains("replaying 2 states every 3 iterations"), "\(text)")
        #expect(text.contains("(checkpointEvery: 3: the states iterations 0, 3, 6, … start from"), "\(text)")
    }

    /// A recurrent cell over 16 steps, unrolled, with `CHECKPOINTS` where the clause goes.
    static let recurrent = """
        func encode(x: [n, 16, 8], w: [8, 32], u: [32, 32], v: [32, 1]) -> Float {
            var h = tanh(x[:, 0, :] @ w)
            for t in 0..<15CHECKPOINTS {
                h = tanh(x[:, t + 1, :] @ w + h @ u)
            }
            mean(h @ v)
        }
        let dEncode = grad(encode, wrt: w, u, v)
        """

    static func recurrentStorage(checkpointEvery interval: Int?) throws -> (storage: ReverseStorage, plan: FusionPlan) {
        let source = recurrent.replacingOccurrences(of: "CHECKPOINTS", with: interval.map { ", checkpointEvery: \($0)" } ?? "")
        let program = try CompiledFunctions(source).program
        let plan = FunctionPlans(try #require(program.functions.first { $0.name == "dEncode" }), in: nil).body
        return (try #require(ReverseStorage(plan)), plan)
    }

    @Test func anUnrolledLoopKeepsItsCheckpointsAndComputesEachSegmentAgain() throws {
        let plain = try Self.recurrentStorage(checkpointEvery: nil)
        let checkpointed = try Self.recurrentStorage(checkpointEvery: 4)
        // Without checkpoints, every step's product, sum and tanh (and each x slice) are kept;
        // with them, the hidden state entering each segment (steps 3, 7 and 11) and what comes
        // before the loop.
        #expect(plain.storage.formula == "16·(n·8) + 47·(n·32)")
        #expect(checkpointed.storage.formula == "n·8 + 5·(n·32)")
        #expect(checkpointed.storage.recomputed.allSatisfy { $0.origin?.isRecomputed == true || $0.op.operationClass == .elementwise })
        #expect(checkpointed.plan.function.instructions.contains { $0.origin?.isRecomputed == true && $0.op == .matmul(transposeLeft: false, transposeRight: false) })
        // The copies are never fused with the forward pass, which would keep its values alive.
        for case .loop(let loop) in checkpointed.plan.steps {
            let kinds = Set(loop.instructions.compactMap { $0.origin.map { $0.isDerivative ? nil : $0.isRecomputed } ?? nil })
            #expect(kinds.count < 2, "a loop mixes the forward pass with values computed again")
        }
    }

    @Test func theSummaryCountsWhatARecurrentLayerComputesAgainAndKeepsLess() throws {
        func row(checkpointEvery interval: Int?) throws -> [String] {
            let option = interval.map { ", checkpointEvery: \($0)" } ?? ""
            let source = """
                model Reader {
                    layer lstm = LSTM(4 -> 16, batchFirst: true\(option))
                    layer head = Dense(16 -> 3)
                    func loss(x: [n, 12, 4], labels: Int[n]) -> Float {
                        crossEntropy(logits: head(lstm(x)[:, 11, :]), labels: labels)
                    }
                }
                """
            let text = ModelSummary(program: try CompiledFunctions(source).program).render()
            let rows = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            return try #require(rows.first { $0.first == "loss" })
        }
        let (plain, checkpointed) = (try row(checkpointEvery: nil), try row(checkpointEvery: 4))
        // loss, forward FLOPs, backward FLOPs, activations (value, unit), kept (value, unit).
        #expect(plain[1] == checkpointed[1])
        #expect(Int(checkpointed[2])! > Int(plain[2])!, "the backward pass computes the steps again")
        #expect(plain.suffix(2) == ["8.3", "KiB"] && checkpointed.suffix(2) == ["340", "B"])
    }
}
