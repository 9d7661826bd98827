import Foundation
import Testing
@testable import TapelessCompiler

/// `while condition, maxIterations: n` loops in the interpreter: against PyTorch's Python
/// `while` (`while_loops.py`), against finite differences at every order, the bound enforced,
/// and derivatives that replay the iterations the loop ran, backwards, from the values it stored.
@Suite struct WhileLoopTests {
    static let source = """
        // Newton's method for the cube root of a, until a step is below 1e-5 of the iterate.
        func cubeRoot(a: Float) -> Float {
            var x = a
            var step = 1
            while abs(step) > 1e-5 * abs(x), maxIterations: 50 {
                step = (x * x * x - a) / (3 * x * x)
                x -= step
            }
            x
        }
        func loss(a: Float, b: Float) -> Float {
            let r = cubeRoot(a * b)
            r * r + b
        }
        let dLoss = grad(loss)
        let lossAlongA = jvp(loss, wrt: a)
        let lossCurvature = hvp(loss)
        let d1 = grad(cubeRoot)
        let d2 = grad(d1)
        let d3 = grad(d2)

        // Gradient descent with each step clipped to ±0.5 by a branch, reading q one element at a time.
        func settle(c: Float, s: Float, q: [2]) -> Float {
            var x = 0
            var step = 1
            while abs(step) > 1e-5, maxIterations: 400 {
                let slope = 2 * s * (x - c) + 4 * q[0] * x * x * x
                step = 0.1 * slope
                if step > 0.5 {
                    step = 0.5
                } else if step < -0.5 {
                    step = -0.5
                }
                x -= step
            }
            x * x + q[1] * x
        }
        let dSettle = grad(settle)

        // At most five halvings.
        func halvings(x: Float) -> Float {
            var y = x
            while y > 1, maxIterations: 5 {
                y = y / 2
            }
            y
        }
        """

    static func function(_ program: LoweredProgram, _ name: String) throws -> IRFunction {
        try #require(program.functions.first { $0.name == name }?.body)
    }

    static func reference(_ name: String) throws -> [String: Any] {
        try #require(CompiledFunctions.reference("while_loops")[name] as? [String: Any])
    }

    static func expectClose(_ computed: IRTensor?, _ expected: [Double], _ label: String) throws {
        let values = try #require(computed, "\(label)").values
        #expect(values.count == expected.count && zip(values, expected).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) },
                "\(label): \(values) vs \(expected)")
    }

    static func loops(in function: IRFunction) -> [IRLoop] {
        function.instructions.compactMap { if case .loop(let loop) = $0.op { loop } else { nil } }
    }

    @Test func whileLoopsMatchPyTorch() throws {
        let program = try CompiledFunctions(Self.source).program
        let loss = try Self.reference("loss")
        let (a, b) = (try #require(loss["a"] as? Double), try #require(loss["b"] as? Double))
        let direction = try #require(loss["direction"] as? [Double])
        let arguments = [IRTensor(a), IRTensor(b)]
        try Self.expectClose(try IRInterpreter.run(try Self.function(program, "loss"), arguments: arguments)["value"],
                             [try #require(loss["value"] as? Double)], "loss")
        let gradient = try IRInterpreter.run(try Self.function(program, "dLoss"), arguments: arguments)
        let expected = try #require(loss["gradient"] as? [Double])
        try Self.expectClose(gradient["a"], [expected[0]], "∂loss/∂a")
        try Self.expectClose(gradient["b"], [expected[1]], "∂loss/∂b")
        let curvature = try IRInterpreter.run(
            try Self.function(program, "lossCurvature"), arguments: arguments + direction.map { IRTensor($0) })
        let hvp = try #require(loss["hvp"] as? [Double])
        try Self.expectClose(curvature["a"], [hvp[0]], "(H v)_a")
        try Self.expectClose(curvature["b"], [hvp[1]], "(H v)_b")

        let settle = try Self.reference("settle")
        let q = try #require(settle["q"] as? [Double])
        let settleArguments = [IRTensor(try #require(settle["c"] as? Double)), IRTensor(try #require(settle["s"] as? Double)),
                               IRTensor(shape: [2], values: q)]
        try Self.expectClose(try IRInterpreter.run(try Self.function(program, "settle"), arguments: settleArguments)["value"],
                             [try #require(settle["value"] as? Double)], "settle")
        let settleGradient = try IRInterpreter.run(try Self.function(program, "dSettle"), arguments: settleArguments)
        let reference = try #require(settle["gradient"] as? [Any])
        try Self.expectClose(settleGradient["c"], [try #require(reference[0] as? Double)], "∂settle/∂c")
        try Self.expectClose(settleGradient["s"], [try #require(reference[1] as? Double)], "∂settle/∂s")
        try Self.expectClose(settleGradient["q"], try #require(reference[2] as? [Double]), "∂settle/∂q")
    }

    @Test func derivativesOfEveryOrderAgreeWithFiniteDifferences() throws {
        let program = try CompiledFunctions(Self.source).program
        let loss = try Self.function(program, "loss")
        let arguments = [IRTensor(5), IRTensor(1.5)]
        let gradient = try IRInterpreter.run(try Self.function(program, "dLoss"), arguments: arguments)
        for (index, name) in ["a", "b"].enumerated() {
            try GradientChecking.expectFiniteDifferences(
                of: loss, result: "value", at: arguments, varying: .argument(index),
                equal: try #require(gradient[name]), step: 1e-6, tolerance: 1e-7, "∂loss/∂\(name)")
        }
        let tangent = try IRInterpreter.run(try Self.function(program, "lossAlongA"), arguments: arguments + [IRTensor(1)])
        try Self.expectClose(tangent["tangent"], try #require(gradient["a"]).values, "jvp along a")
        for (order, (lower, higher)) in [("d1", "d2"), ("d2", "d3")].enumerated() {
            let derivative = try IRInterpreter.run(try Self.function(program, higher), arguments: [IRTensor(0.7)])
            try GradientChecking.expectFiniteDifferences(
                of: try Self.function(program, lower), result: "a", at: [IRTensor(0.7)], varying: .argument(0),
                equal: try #require(derivative["a"]), step: 1e-6, tolerance: 1e-5, "derivative of order \(order + 2)")
        }
    }

    @Test func theConditionHoldingAfterTheBoundIsAnError() throws {
        let program = try CompiledFunctions(Self.source).program
        let halvings = try Self.function(program, "halvings")
        // 20 halves to 0.625 in exactly five iterations; 40 would need a sixth.
        try Self.expectClose(try IRInterpreter.run(halvings, arguments: [IRTensor(20)])["value"], [0.625], "halvings(20)")
        #expect(throws: IRInterpreter.Failure.iterationLimit(5)) { try IRInterpreter.run(halvings, arguments: [IRTensor(40)]) }
    }

    @Test func theReversePassReplaysTheIterationsRunBackwardsFromTheStoredValues() throws {
        let program = try CompiledFunctions(Self.source).program
        let loops = Self.loops(in: try Self.function(program, "dLoss"))
        let primal = try #require(loops.first { $0.extent == .whileCondition })
        // Only x is stored: step is recomputed from it.
        #expect(primal.outputs == [IRLoop.Output(shape: [50], stride: 1, offset: 0)])
        #expect(loops.contains { $0.extent == .tripCount && $0.isReversed }, "the reverse pass counts down from the iterations run")
        #expect(Self.loops(in: try Self.function(program, "lossAlongA")).allSatisfy { $0.extent == .whileCondition })
    }
}
