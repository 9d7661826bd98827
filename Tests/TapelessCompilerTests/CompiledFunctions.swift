import Foundation
import Testing
@testable import TapelessCompiler

/// Compiles `.tapeless` source in a test and runs its top-level functions in the interpreter.
struct CompiledFunctions {
    let program: LoweredProgram

    init(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let output = Compiler().compile(source: source, path: "test.tapeless")
        let errors = output.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation)
        program = try #require(output.program, sourceLocation: sourceLocation)
    }

    /// The single result of top-level function `name` at the scalar `x`.
    func callAsFunction(_ name: String, _ x: Double) throws -> Double {
        let function = try #require(program.functions.first { $0.name == name }?.body)
        let results = try IRInterpreter.run(function, arguments: [IRTensor(x)])
        return try #require(results[function.results[0].name]).values[0]
    }

    /// Every result of top-level function `name` at `arguments`, by name.
    func run(_ name: String, _ arguments: [IRTensor]) throws -> [String: IRTensor] {
        let function = try #require(program.functions.first { $0.name == name }?.body)
        return try IRInterpreter.run(function, arguments: arguments)
    }

    /// Expects `a` and `b` to hold the same values, up to rounding: the same computation
    /// written two ways.
    static func expectSameValues(_ a: IRTensor?, _ b: IRTensor?, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let (a, b) = (try #require(a, "\(label)", sourceLocation: sourceLocation).values, try #require(b, "\(label)", sourceLocation: sourceLocation).values)
        #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }, "\(label): \(a) vs \(b)",
                sourceLocation: sourceLocation)
    }

    /// A JSON resource of the test bundle.
    static func reference(_ name: String) throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources/reference"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}
