import Testing
@testable import TapelessCompiler

/// Loops of scalars, which run as loops (one ``IRLoop``) instead of being unrolled: the same
/// values and derivatives of every order as the computation written out by hand, derivatives
/// that are loops themselves, and a reverse pass that keeps the carried values per step.
@Suite struct RolledLoopTests {
    static let source = """
        // Five steps of a nonlinear recurrence with a branch, reading x one element at a time.
        func recurrence(x: [5], a: Float, b: Float) -> Float {
            var y = a
            var total = 0
            for i in 0..<5 {
                y = y * b + sin(x[i] * y)
                if y > 0.5 {
                    total += y * y
                } else {
                    total -= y
                }
            }
            total
        }
        let dRecurrence = grad(recurrence)
        let recurrenceAlongB = jvp(recurrence, wrt: b)
        let recurrenceCurvature = hvp(recurrence)

        // The same, written out by hand.
        func byHand(x: [5], a: Float, b: Float) -> Float {
            let y0 = a * b + sin(x[0] * a)
            let y1 = y0 * b + sin(x[1] * y0)
            let y2 = y1 * b + sin(x[2] * y1)
            let y3 = y2 * b + sin(x[3] * y2)
            let y4 = y3 * b + sin(x[4] * y3)
            where(y0 > 0.5, y0 * y0, -y0) + where(y1 > 0.5, y1 * y1, -y1) + where(y2 > 0.5, y2 * y2, -y2)
                + where(y3 > 0.5, y3 * y3, -y3) + where(y4 > 0.5, y4 * y4, -y4)
        }
        let dByHand = grad(byHand)
        let byHandAlongB = jvp(byHand, wrt: b)
        let byHandCurvature = hvp(byHand)

        // Third derivatives of a loop of one variable.
        func power(a: Float) -> Float {
            var y = a
            for i in 0..<3 {
                y = y * a + 0.5 * exp(-y)
            }
            y
        }
        let d1 = grad(power)
        let d2 = grad(d1)
        let d3 = grad(d2)
        """

    static let x = IRTensor(shape: [5], values: [0.3, -0.7, 1.1, 0.4, -0.2])
    static let arguments = [x, IRTensor(0.8), IRTensor(0.9)]

    static func function(_ program: LoweredProgram, _ name: String) throws -> IRFunction {
        try #require(program.functions.first { $0.name == name }?.body)
    }

    static func loops(in function: IRFunction) -> [IRLoop] {
        function.instructions.compactMap { if case .loop(let loop) = $0.op { loop } else { nil } }
    }

    static func expectEqual(_ a: [String: IRTensor], _ b: [String: IRTensor], _ names: [String], _ label: String) throws {
        for name in names {
            let (left, right) = (try #require(a[name]).values, try #require(b[name]).values)
            #expect(zip(left, right).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }, "\(label) \(name): \(left) vs \(right)")
        }
    }

    @Test func aLoopOfScalarsGivesWhatTheComputationWrittenOutByHandGivesAtEveryOrder() throws {
        let program = try CompiledFunctions(Self.source).program
        for name in ["recurrence", "dRecurrence", "recurrenceAlongB", "recurrenceCurvature", "power", "d1", "d2", "d3"] {
            #expect(!Self.loops(in: try Self.function(program, name)).isEmpty, "\(name) runs a loop")
        }
        for (looped, written, names, extra) in [
            ("recurrence", "byHand", ["value"], [IRTensor]()),
            ("dRecurrence", "dByHand", ["x", "a", "b"], []),
            ("recurrenceAlongB", "byHandAlongB", ["value", "tangent"], [IRTensor(1)]),
            ("recurrenceCurvature", "byHandCurvature", ["x", "a", "b"], [Self.x, IRTensor(-0.4), IRTensor(0.6)]),
        ] {
            let a = try IRInterpreter.run(try Self.function(program, looped), arguments: Self.arguments + extra)
            let b = try IRInterpreter.run(try Self.function(program, written), arguments: Self.arguments + extra)
            try Self.expectEqual(a, b, names, looped)
        }
        let d2 = try Self.function(program, "d2")
        let d3 = try IRInterpreter.run(try Self.function(program, "d3"), arguments: [IRTensor(0.7)])
        try GradientChecking.expectFiniteDifferences(
            of: d2, result: "a", at: [IRTensor(0.7)], varying: .argument(0),
            equal: try #require(d3["a"]), step: 1e-6, tolerance: 1e-6, "third derivative")
    }

    @Test func theReversePassRunsTheLoopBackwardsFromTheStoredCarriedValues() throws {
        let program = try CompiledFunctions(Self.source).program
        let gradient = try Self.function(program, "dRecurrence")
        let loops = Self.loops(in: gradient)
        #expect(loops.contains { $0.isReversed }, "the reverse pass is a loop counting down")
        let primal = try #require(loops.first { !$0.isReversed })
        // It stores y at each step; total's values are dropped (see below).
        #expect(primal.carried == 2 && primal.count == 5 && primal.outputs == [IRLoop.Output(shape: [5], stride: 1, offset: 0)])
        let storage = try #require(ReverseStorage(Fusion.plan(Simplifier.simplify(gradient, derivativesTaken: true))))
        let kept = try #require(storage.kept.first { if case .loop = $0.op { true } else { false } })
        // The 2 final values and y at each of the 5 steps: the derivative of a running sum
        // does not depend on its value, so total's values are not stored.
        #expect(kept.type.shape == [.fixed(2 + 5)])
    }
}
