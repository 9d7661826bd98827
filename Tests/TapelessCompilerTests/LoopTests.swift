import Foundation
import Testing
@testable import TapelessCompiler

/// Loops and variables (`for i in 0..<n`, `var`, assignment) in the interpreter: the same
/// results as the computation written out by hand, derivatives of every kind through them
/// against finite differences, and against PyTorch (`loops.py`).
@Suite struct LoopTests {
    static let source = """
        func run(x: [n, 4, 3], w: [3, 5], u: [5, 5]) -> Float {
            var h = tanh(x[:, 0, :] @ w)
            for t in 0..<3 {
                let input = x[:, t + 1, :] @ w
                h = tanh(input + h @ u)
            }
            var total = 0
            for k in 0..<5 {
                total += sum(h[:, k]) * 0.5
            }
            total
        }
        let dRun = grad(run)

        func runByHand(x: [n, 4, 3], w: [3, 5], u: [5, 5]) -> Float {
            let h0 = tanh(x[:, 0, :] @ w)
            let h1 = tanh(x[:, 1, :] @ w + h0 @ u)
            let h2 = tanh(x[:, 2, :] @ w + h1 @ u)
            let h3 = tanh(x[:, 3, :] @ w + h2 @ u)
            sum(h3[:, 0]) * 0.5 + sum(h3[:, 1]) * 0.5 + sum(h3[:, 2]) * 0.5 + sum(h3[:, 3]) * 0.5 + sum(h3[:, 4]) * 0.5
        }
        let dRunByHand = grad(runByHand)

        let dt: Float = 0.1
        let steps = 8

        // Explicit Euler steps of dv/dt = force[step] - k v³, repeated twice.
        func simulate(v0: [3], k: Float, force: [8, 3]) -> Float {
            var v = v0
            var energy = 0
            for repetition in 0..<2 {
                for step in 0..<steps {
                    v = v + dt * (force[step] - k * v * v * v)
                    energy += sum(v * v)
                }
            }
            energy
        }
        let dSimulate = grad(simulate)
        let hvpSimulate = hvp(simulate, wrt: v0)
        let jvpSimulate = jvp(simulate, wrt: k)

        // Positions from two loop indices, counting down too.
        func reversedPairs(m: [3, 4]) -> Float {
            var total = 0
            for a in 0..<3 {
                for b in 0..<2 {
                    total += m[2 - a, 2 * b + 1] * m[a, 3 - b]
                }
            }
            total
        }
        let dReversedPairs = grad(reversedPairs)
        """

    static func function(_ program: LoweredProgram, _ name: String) throws -> IRFunction {
        try #require(program.functions.first { $0.name == name }?.body)
    }

    static func tensor(_ shape: [Int], _ json: Any?) throws -> IRTensor {
        IRTensor(shape: shape, values: try #require(json as? [Double]))
    }

    @Test func aLoopGivesWhatTheComputationWrittenOutByHandGives() throws {
        let program = try CompiledFunctions(Self.source).program
        let run = try #require(CompiledFunctions.reference("loops")["run"] as? [String: Any])
        let arguments = [try Self.tensor([2, 4, 3], run["x"]), try Self.tensor([3, 5], run["w"]), try Self.tensor([5, 5], run["u"])]
        let looped = try IRInterpreter.run(try Self.function(program, "dRun"), arguments: arguments)
        let byHand = try IRInterpreter.run(try Self.function(program, "dRunByHand"), arguments: arguments)
        for name in ["x", "w", "u"] {
            let (a, b) = (try #require(looped[name]).values, try #require(byHand[name]).values)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-14 }, "∂run/∂\(name)")
        }
    }

    @Test func derivativesThroughLoopsMatchPyTorch() throws {
        let program = try CompiledFunctions(Self.source).program
        let json = try CompiledFunctions.reference("loops")
        func expectClose(_ computed: IRTensor?, _ expected: Any?, _ label: String) throws {
            let values = try #require(computed, "\(label)").values
            let reference = try #require(expected as? [Double] ?? (expected as? Double).map { [$0] })
            #expect(values.count == reference.count && zip(values, reference).allSatisfy { abs($0 - $1) < 1e-10 },
                    "\(label): \(values) vs \(reference)")
        }
        let run = try #require(json["run"] as? [String: Any])
        let runGradient = try #require(run["gradient"] as? [String: Any])
        let runArguments = [try Self.tensor([2, 4, 3], run["x"]), try Self.tensor([3, 5], run["w"]), try Self.tensor([5, 5], run["u"])]
        try expectClose(try IRInterpreter.run(try Self.function(program, "run"), arguments: runArguments)["value"], run["value"], "run")
        let dRun = try IRInterpreter.run(try Self.function(program, "dRun"), arguments: runArguments)
        for name in ["x", "w", "u"] { try expectClose(dRun[name], runGradient[name], "∂run/∂\(name)") }

        let simulate = try #require(json["simulate"] as? [String: Any])
        let simulateGradient = try #require(simulate["gradient"] as? [String: Any])
        let arguments = [
            try Self.tensor([3], simulate["v0"]), IRTensor(try #require(simulate["k"] as? Double)),
            try Self.tensor([8, 3], simulate["force"]),
        ]
        try expectClose(try IRInterpreter.run(try Self.function(program, "simulate"), arguments: arguments)["value"], simulate["value"], "simulate")
        let dSimulate = try IRInterpreter.run(try Self.function(program, "dSimulate"), arguments: arguments)
        for name in ["v0", "k", "force"] { try expectClose(dSimulate[name], simulateGradient[name], "∂simulate/∂\(name)") }
        let direction = try Self.tensor([3], simulate["direction"])
        let hvp = try IRInterpreter.run(try Self.function(program, "hvpSimulate"), arguments: arguments + [direction])
        try expectClose(hvp["v0"], simulate["hvp"], "hvp")
    }

    @Test func forwardModeAndIndexArithmeticAgreeWithFiniteDifferences() throws {
        let program = try CompiledFunctions(Self.source).program
        let simulate = try Self.function(program, "simulate")
        let arguments = [
            IRTensor(shape: [3], values: [0.2, -0.4, 0.9]), IRTensor(0.6),
            IRTensor(shape: [8, 3], values: (0..<24).map { sin(Double($0)) }),
        ]
        let jvp = try IRInterpreter.run(try Self.function(program, "jvpSimulate"), arguments: arguments + [IRTensor(1)])
        try GradientChecking.expectDirectionalDerivative(
            of: simulate, result: "value", at: arguments, along: [nil, IRTensor(1), nil],
            equal: try #require(jvp["tangent"]), step: 1e-6, tolerance: 1e-7, "jvp along k")

        let pairs = try Self.function(program, "reversedPairs")
        let m = IRTensor(shape: [3, 4], values: (0..<12).map { 0.5 + cos(Double($0)) })
        let value = try #require(try IRInterpreter.run(pairs, arguments: [m])["value"]).values[0]
        var byHand = 0.0
        for a in 0..<3 {
            for b in 0..<2 {
                let (first, second): (Int, Int) = ((2 - a) * 4 + 2 * b + 1, a * 4 + 3 - b)
                byHand += m.values[first] * m.values[second]
            }
        }
        #expect(abs(value - byHand) < 1e-14)
        let gradient = try #require(try IRInterpreter.run(try Self.function(program, "dReversedPairs"), arguments: [m])["m"])
        try GradientChecking.expectFiniteDifferences(
            of: pairs, result: "value", at: [m], varying: .argument(0), equal: gradient, step: 1e-6, tolerance: 1e-8, "∂pairs/∂m")
    }
}
