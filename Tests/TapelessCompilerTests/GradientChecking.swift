import Testing
@testable import TapelessCompiler

/// Checks reverse-mode gradients of IR against central finite differences, in Double.
enum GradientChecking {
    /// Differentiates `function`'s `value` result with respect to `inputs` and compares each
    /// gradient element with a central difference of step `h`.
    static func check(
        _ function: IRFunction,
        arguments: [IRTensor],
        parameters: [String: IRTensor] = [:],
        inputs: [DifferentiableInput],
        tolerance: Double = 1e-6,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let derived = Simplifier.simplify(try ReverseMode.differentiate(function, result: "value", withRespectTo: inputs))
        let analytic = try IRInterpreter.run(derived, arguments: arguments, parameters: parameters)
        let h = 1e-6
        for input in inputs {
            let name: String
            var base: IRTensor
            switch input {
            case .argument(let index): name = function.arguments[index].name; base = arguments[index]
            case .parameter(let parameter): name = parameter; base = parameters[parameter]!
            }
            let gradient = try #require(analytic[name], sourceLocation: sourceLocation)
            #expect(gradient.shape == base.shape, sourceLocation: sourceLocation)
            for position in base.values.indices {
                func value(at offset: Double) throws -> Double {
                    var shifted = base
                    shifted.values[position] += offset
                    var args = arguments, params = parameters
                    switch input {
                    case .argument(let index): args[index] = shifted
                    case .parameter(let parameter): params[parameter] = shifted
                    }
                    return try IRInterpreter.run(function, arguments: args, parameters: params)["value"]!.values[0]
                }
                let numeric = (try value(at: h) - value(at: -h)) / (2 * h)
                let exact = gradient.values[position]
                #expect(
                    abs(numeric - exact) <= tolerance * max(1, abs(numeric)),
                    "∂value/∂\(name)[\(position)]: reverse mode \(exact), finite difference \(numeric)",
                    sourceLocation: sourceLocation)
            }
        }
    }
}
