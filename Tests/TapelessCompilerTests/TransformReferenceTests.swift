import Testing
@testable import TapelessCompiler

/// `jvp`, `vjp`, `valueAndGrad`, `hvp`, `jacobian` and `hessian` of composite functions against torch.func
/// (`transforms.json`, written by `transforms.py` beside it), compiled from the language and run
/// in the interpreter; each `jvp` also against central differences of the compiled function.
@Suite struct TransformReferenceTests {
    @Test func derivativeKindsMatchTorchFunc() throws {
        let cases = try #require(try CompiledFunctions.reference("transforms")["cases"] as? [[String: Any]])
        #expect(cases.count >= 6)
        for json in cases {
            let name = try #require(json["name"] as? String)
            let names = try #require(json["arguments"] as? [String])
            let shapes = try #require(json["shapes"] as? [String: [Int]])
            let isScalar = shapes["output"]!.isEmpty
            var source = try #require(json["source"] as? String) + "\nlet j = jvp(\(name))\nlet v = vjp(\(name))\nlet jac = jacobian(\(name))\n"
            if isScalar { source += "let g = valueAndGrad(\(name))\nlet h = hvp(\(name))\nlet hes = hessian(\(name))\n" }
            let program = try CompiledFunctions(source).program
            func run(_ function: String, _ arguments: [IRTensor]) throws -> [String: IRTensor] {
                try IRInterpreter.run(try #require(program.functions.first { $0.name == function }).body, arguments: arguments)
            }
            func tensors(_ field: String) throws -> [IRTensor] {
                let values = try #require(json[field] as? [String: Any])
                return try names.map { try ConvolutionReferenceTests.tensor(values[$0], shape: shapes[$0]!) }
            }
            func expect(_ actual: IRTensor?, _ expected: Any?, shape: [Int], _ what: String) throws {
                let reference = try ConvolutionReferenceTests.tensor(expected, shape: shape)
                let result = try #require(actual, "\(name): no \(what)")
                let error = zip(result.values, reference.values).map { abs($0 - $1) }.max() ?? 0
                #expect(result.shape == reference.shape && error < 1e-10, "\(name): \(what), error \(error)")
            }
            let inputs = try tensors("inputs")
            let tangents = try tensors("tangents")
            let output = shapes["output"]!

            let forward = try run("j", inputs + tangents)
            try expect(forward["value"], json["value"], shape: output, "jvp value")
            try expect(forward["tangent"], json["jvp"], shape: output, "jvp tangent")
            let h = 1e-6
            let plus = try run(name, zip(inputs, tangents).map { x, t in IRTensor(shape: x.shape, values: zip(x.values, t.values).map { $0 + h * $1 }) })
            let minus = try run(name, zip(inputs, tangents).map { x, t in IRTensor(shape: x.shape, values: zip(x.values, t.values).map { $0 - h * $1 }) })
            let difference = zip(plus["value"]!.values, minus["value"]!.values).map { ($0 - $1) / (2 * h) }
            let error = zip(difference, forward["tangent"]!.values).map { abs($0 - $1) }.max() ?? 0
            #expect(error < 1e-6, "\(name): jvp against central differences, error \(error)")

            let pullback = try run("v", inputs + [try ConvolutionReferenceTests.tensor(json["u"], shape: output)])
            try expect(pullback["value"], json["value"], shape: output, "vjp value")
            let vjp = try #require(json["vjp"] as? [String: Any])
            for argument in names { try expect(pullback[argument], vjp[argument], shape: shapes[argument]!, "vjp \(argument)") }

            let jacobians = try run("jac", inputs)
            let expectedJacobians = try #require(json["jacobian"] as? [String: Any])
            for argument in names {
                try expect(jacobians[argument], expectedJacobians[argument], shape: output + shapes[argument]!, "jacobian \(argument)")
            }

            guard isScalar else { continue }
            let hessians = try run("hes", inputs)
            let expectedHessians = try #require(json["hessian"] as? [String: Any])
            for argument in names {
                try expect(hessians[argument], expectedHessians[argument], shape: shapes[argument]! + shapes[argument]!, "hessian \(argument)")
            }
            let valueAndGrad = try run("g", inputs)
            try expect(valueAndGrad["value"], json["value"], shape: [], "valueAndGrad value")
            let gradients = try #require(json["grad"] as? [String: Any])
            let products = try #require(json["hvp"] as? [String: Any])
            let hvp = try run("h", inputs + tangents)
            for argument in names {
                try expect(valueAndGrad[argument], gradients[argument], shape: shapes[argument]!, "gradient of \(argument)")
                try expect(hvp[argument], products[argument], shape: shapes[argument]!, "hvp \(argument)")
            }
        }
    }
}
