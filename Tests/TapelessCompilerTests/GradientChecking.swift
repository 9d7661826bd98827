import Testing
@testable import TapelessCompiler

/// Checks gradients of IR against central finite differences, in Double.
enum GradientChecking {
    /// Differentiates `function`'s `value` result with respect to `inputs` and compares each
    /// gradient element with a central difference of step 1e-6.
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
        for input in inputs {
            let name = switch input {
            case .argument(let index): function.arguments[index].name
            case .parameter(let parameter): parameter
            }
            try expectFiniteDifferences(
                of: function, result: "value", at: arguments, parameters: parameters, varying: input,
                equal: try #require(analytic[name], sourceLocation: sourceLocation), step: 1e-6, tolerance: tolerance,
                "∂value/∂\(name)", sourceLocation: sourceLocation)
        }
    }

    /// Compares each element of `gradient` with a central difference of `function`'s `result`
    /// as `input` moves by `step`: equal within `tolerance`, relative to the difference
    /// (absolute below 1). A tensor result is differentiated through its dot product with
    /// `seed` (what a pullback seeded with `seed` computes).
    ///
    /// With `skippingKinks`, an element whose one-sided differences disagree (a kink or a jump
    /// within `step`, where the derivative is a convention) is not compared. With `atMost`, a
    /// larger tensor has that many elements compared, spread evenly over it.
    static func expectFiniteDifferences(
        of function: IRFunction, result: String, seed: IRTensor? = nil, at arguments: [IRTensor],
        parameters: [String: IRTensor] = [:], varying input: DifferentiableInput, equal gradient: IRTensor,
        step h: Double, tolerance: Double, skippingKinks: Bool = false, atMost: Int? = nil, _ context: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let base: IRTensor
        switch input {
        case .argument(let index): base = arguments[index]
        case .parameter(let name): base = try #require(parameters[name], sourceLocation: sourceLocation)
        }
        #expect(gradient.shape == base.shape, "\(context)", sourceLocation: sourceLocation)
        let count = base.values.count
        let positions = atMost.map { limit in count > limit ? Array(stride(from: 0, to: count, by: count / limit)) : Array(0..<count) }
            ?? Array(0..<count)
        for position in positions {
            func value(shiftedBy offset: Double) throws -> Double {
                var shifted = base
                shifted.values[position] += offset
                var shiftedArguments = arguments, shiftedParameters = parameters
                switch input {
                case .argument(let index): shiftedArguments[index] = shifted
                case .parameter(let name): shiftedParameters[name] = shifted
                }
                let results = try IRInterpreter.run(function, arguments: shiftedArguments, parameters: shiftedParameters)
                let values = try #require(results[result], sourceLocation: sourceLocation).values
                guard let seed else { return values[0] }
                return zip(values, seed.values).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let (above, below) = (try value(shiftedBy: h), try value(shiftedBy: -h))
            let numeric = (above - below) / (2 * h)
            if skippingKinks {
                let center = try value(shiftedBy: 0)
                if abs((above - center) - (center - below)) / h > 1e-3 * max(1, abs(numeric)) { continue }
            }
            let exact = gradient.values[position]
            #expect(
                abs(numeric - exact) <= tolerance * max(1, abs(numeric)),
                "\(context)[\(position)]: derived \(exact), finite difference \(numeric)", sourceLocation: sourceLocation)
        }
    }

    /// Compares each element of `tangent` with the central difference of `function`'s `result`
    /// as the arguments move together along `directions` (one per argument, `nil` for one held
    /// still) by `step`: what `jvp` computes. Kinks are skipped as in ``expectFiniteDifferences``.
    static func expectDirectionalDerivative(
        of function: IRFunction, result: String, at arguments: [IRTensor], parameters: [String: IRTensor] = [:],
        along directions: [IRTensor?], equal tangent: IRTensor, step h: Double, tolerance: Double, _ context: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        func values(shiftedBy offset: Double) throws -> [Double] {
            let shifted = zip(arguments, directions).map { argument, direction in
                guard let direction else { return argument }
                return IRTensor(shape: argument.shape, values: zip(argument.values, direction.values).map { $0 + offset * $1 })
            }
            let results = try IRInterpreter.run(function, arguments: shifted, parameters: parameters)
            return try #require(results[result], sourceLocation: sourceLocation).values
        }
        let (above, center, below) = (try values(shiftedBy: h), try values(shiftedBy: 0), try values(shiftedBy: -h))
        #expect(tangent.values.count == center.count, "\(context): tangent shape", sourceLocation: sourceLocation)
        for position in center.indices where position < tangent.values.count {
            let numeric = (above[position] - below[position]) / (2 * h)
            let bend = (above[position] - center[position]) - (center[position] - below[position])
            if abs(bend) / h > 1e-3 * max(1, abs(numeric)) { continue }
            let exact = tangent.values[position]
            #expect(
                abs(numeric - exact) <= tolerance * max(1, abs(numeric)),
                "\(context)[\(position)]: derived \(exact), finite difference \(numeric)", sourceLocation: sourceLocation)
        }
    }
}
