import Foundation
import Testing
@testable import TapelessCompiler

/// Data-dependent branches (`if / else if / else`) in the interpreter: against PyTorch's Python
/// `if` (`branches.py`), against finite differences, and finite where the side not taken is
/// not (where `where(…)` gives NaN).
@Suite struct BranchTests {
    static let source = """
        let dt: Float = 0.1

        // Benchmark B6's room and heater, over 200 steps.
        func thermostat(c: Float, u: Float, p: Float, k: Float, s: Float, t0: Float, outside: [200], target: [200]) -> Float {
            var temperature = t0
            var loss = 0
            for i in 0..<200 {
                let e = s - temperature
                var h = 0
                if e > 0 {
                    h = p * min(1, k * e)
                }
                temperature = temperature + dt * (h - u * (temperature - outside[i])) / c
                loss += abs(temperature - target[i])
            }
            loss / 200
        }
        let dThermostat = grad(thermostat, wrt: c, u, p, k, s, t0)
        let jvpThermostat = jvp(thermostat, wrt: k)

        // One of three pieces per element; each piece is NaN or infinite where it is not chosen.
        func pieces(x: [6]) -> Float {
            var total = 0
            for i in 0..<6 {
                let v = x[i]
                if v > 0 {
                    total += sqrt(v)
                } else if v > -1 {
                    total += v * v
                } else {
                    total += log(-v)
                }
            }
            total
        }
        let dPieces = grad(pieces)
        let hvpPieces = hvp(pieces, wrt: x)

        // The same choice made by where(…), which differentiates both pieces everywhere.
        func piecesByWhere(x: [6]) -> Float {
            sum(where(x > 0, sqrt(x), where(x > -1, x * x, log(-x))))
        }
        let dPiecesByWhere = grad(piecesByWhere)

        // Elements inside (lo, hi) or equal to 2 count twice, by a branch and by where(…).
        func band(x: [6], lo: Float, hi: Float) -> Float {
            var total = 0
            for i in 0..<6 {
                let v = x[i]
                if v > lo && v < hi || !(v != 2) {
                    total += v * v
                }
            }
            total + sum(where(x > lo && !(x >= hi), x * x, 0))
        }
        let dBand = grad(band)
        """

    static func function(_ program: LoweredProgram, _ name: String) throws -> IRFunction {
        try #require(program.functions.first { $0.name == name }?.body)
    }

    static func values(_ json: Any?) throws -> [Double] {
        try #require(json as? [Double] ?? (json as? Double).map { [$0] })
    }

    static func expectClose(_ computed: IRTensor?, _ expected: Any?, _ label: String, tolerance: Double = 1e-10) throws {
        let values = try #require(computed, "\(label)").values
        let reference = try Self.values(expected)
        #expect(values.count == reference.count && zip(values, reference).allSatisfy { abs($0 - $1) <= tolerance },
                "\(label): \(values) vs \(reference)")
    }

    static let parameterNames = ["c", "u", "p", "k", "s", "t0"]
    static let theta = [2.0, 0.1, 3.0, 0.5, 21.0, 15.0]

    static func thermostatArguments() throws -> [IRTensor] {
        let json = try #require(CompiledFunctions.reference("branches")["thermostat"] as? [String: Any])
        return theta.map { IRTensor($0) } + [
            IRTensor(shape: [200], values: try values(json["outside"])),
            IRTensor(shape: [200], values: try values(json["target"])),
        ]
    }

    @Test func aSimulationWithABranchMatchesPyTorch() throws {
        let program = try CompiledFunctions(Self.source).program
        let json = try #require(CompiledFunctions.reference("branches")["thermostat"] as? [String: Any])
        let arguments = try Self.thermostatArguments()
        let value = try IRInterpreter.run(try Self.function(program, "thermostat"), arguments: arguments)
        try Self.expectClose(value["value"], json["value"], "thermostat")
        let gradient = try IRInterpreter.run(try Self.function(program, "dThermostat"), arguments: arguments)
        let expected = try Self.values(json["gradient"])
        for (name, reference) in zip(Self.parameterNames, expected) {
            try Self.expectClose(gradient[name], reference, "∂thermostat/∂\(name)")
        }
    }

    @Test func forwardAndReverseModeThroughABranchAgreeWithFiniteDifferences() throws {
        let program = try CompiledFunctions(Self.source).program
        let thermostat = try Self.function(program, "thermostat")
        let arguments = try Self.thermostatArguments()
        let gradient = try IRInterpreter.run(try Self.function(program, "dThermostat"), arguments: arguments)
        for (index, name) in Self.parameterNames.enumerated() {
            try GradientChecking.expectFiniteDifferences(
                of: thermostat, result: "value", at: arguments, varying: .argument(index),
                equal: try #require(gradient[name]), step: 1e-6, tolerance: 1e-7, "∂thermostat/∂\(name)")
        }
        let along = arguments.indices.map { $0 == 3 ? IRTensor(1) : nil }
        let tangent = try IRInterpreter.run(try Self.function(program, "jvpThermostat"), arguments: arguments + [IRTensor(1)])
        try GradientChecking.expectDirectionalDerivative(
            of: thermostat, result: "value", at: arguments, along: along,
            equal: try #require(tangent["tangent"]), step: 1e-6, tolerance: 1e-7, "jvp along k")
    }

    @Test func theSideNotTakenLeavesNoNaNInDerivativesOfAnyOrder() throws {
        let program = try CompiledFunctions(Self.source).program
        let json = try #require(CompiledFunctions.reference("branches")["pieces"] as? [String: Any])
        let x = IRTensor(shape: [6], values: try Self.values(json["x"]))
        let direction = IRTensor(shape: [6], values: try Self.values(json["direction"]))
        let pieces = try Self.function(program, "pieces")
        try Self.expectClose(try IRInterpreter.run(pieces, arguments: [x])["value"], json["value"], "pieces")
        let gradient = try IRInterpreter.run(try Self.function(program, "dPieces"), arguments: [x])["x"]
        try Self.expectClose(gradient, json["gradient"], "∂pieces/∂x")
        let hvp = try IRInterpreter.run(try Self.function(program, "hvpPieces"), arguments: [x, direction])["x"]
        try Self.expectClose(hvp, json["hvp"], "hvp of pieces")
        try GradientChecking.expectFiniteDifferences(
            of: pieces, result: "value", at: [x], varying: .argument(0), equal: try #require(gradient),
            step: 1e-7, tolerance: 1e-6, "∂pieces/∂x")

        // where(…) computes every piece's derivative everywhere, and 0 · NaN is NaN: the reason
        // a branch guards what its sides read.
        let byWhere = try #require(try IRInterpreter.run(try Self.function(program, "dPiecesByWhere"), arguments: [x])["x"])
        #expect(byWhere.values.contains { $0.isNaN })
    }

    @Test func logicalOperatorsCombineConditions() throws {
        let program = try CompiledFunctions(Self.source).program
        let values = [0.5, -1.0, 2.0, 3.5, 1.5, 2.9]
        let (lo, hi) = (0.0, 3.0)
        let arguments = [IRTensor(shape: [6], values: values), IRTensor(lo), IRTensor(hi)]
        let value = try #require(try IRInterpreter.run(try Self.function(program, "band"), arguments: arguments)["value"])
        let inside = values.map { ($0 > lo && $0 < hi) || $0 == 2 }
        let expected = zip(values, inside).reduce(0) { $0 + ($1.1 ? 2 * $1.0 * $1.0 : 0) }
        #expect(abs(value.values[0] - expected) < 1e-12, "\(value.values[0]) vs \(expected)")
        let gradient = try #require(try IRInterpreter.run(try Self.function(program, "dBand"), arguments: arguments)["x"])
        #expect(gradient.values == zip(values, inside).map { $1 ? 4 * $0 : 0 })
    }

    @Test func aSideReadsOuterValuesThroughGuardsThatSimplifyAwayOnceDerivativesAreTaken() throws {
        let compilation = Compiler().run(source: """
            func f(x: Float, y: Float) -> Float {
                var a = x
                var b = y
                if x > y {
                    a = sqrt(x - y)
                } else {
                    b = b * 2
                }
                a + b
            }
            """, path: "branch.tapeless")
        try #require(!compilation.hasErrors, "\(compilation.diagnostics)")
        func count(_ op: IROp, in program: LoweredProgram?) throws -> Int {
            try #require(program?.functions.first { $0.name == "f" }).body.instructions.filter { $0.op == op }.count
        }
        // x and y guarded in the `then` side, y in the `else` side; a and b each chosen after it.
        #expect(try count(.stopGradient, in: compilation.lowered) == 3)
        #expect(try count(.select, in: compilation.lowered) == 5)
        #expect(try count(.stopGradient, in: compilation.simplified) == 0)
        #expect(try count(.select, in: compilation.simplified) == 2)
    }
}
