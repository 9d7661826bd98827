import Foundation
import Testing
@testable import TapelessCompiler

/// Convolution, max pooling and flatten against PyTorch (`convolution.json`, written by
/// `convolution.py` beside it): for each case, `f = sum(tanh(op(args)) * c)`, its gradient with
/// respect to every argument, and the gradient of `s = Σ sum(∂f/∂a · v_a)` (a Hessian-vector
/// product), all compiled from the language and run in the interpreter. Forward mode is checked
/// on the same values: `jvp(f)` along `v` is `Σ sum(∂f/∂a · v_a)`, and `hvp(f)` (forward over
/// reverse) is PyTorch's reverse-over-reverse product.
@Suite struct ConvolutionReferenceTests {
    struct Case {
        let name: String
        let source: String
        let arguments: [String]
        let json: [String: Any]
    }

    static func cases() throws -> [Case] {
        let cases = try #require(try CompiledFunctions.reference("convolution")["cases"] as? [[String: Any]])
        return try cases.map { json in
            let shapes = try #require(json["shapes"] as? [String: [Int]])
            let inputs = try #require(json["inputs"] as? [String: Any])
            let options = try #require(json["options"] as? [String: Any])
            let arguments = ["x", "w", "b"].filter { inputs[$0] != nil }
            let call: String
            switch json["op"] as? String {
            case "conv2d":
                let stride = (options["stride"] as? [Int])?[0] ?? 1
                let padding = (options["padding"] as? [Int]).map { String($0[0]) } ?? "same"
                let dilation = (options["dilation"] as? [Int])?[0] ?? 1
                let bias = arguments.contains("b") ? ", bias: b" : ""
                call = "conv2D(x, w\(bias), stride: \(stride), padding: \(padding), dilation: \(dilation), groups: \(options["groups"]!))"
            case "max_pool2d":
                let kernel = try #require((options["kernel_size"] as? [Int])?[0])
                let stride = (options["stride"] as? [Int])?[0] ?? kernel
                let padding = (options["padding"] as? [Int])?[0] ?? 0
                call = "maxPool2D(x, kernel: \(kernel), stride: \(stride), padding: \(padding))"
            default:
                call = "flatten(x) @ w"
            }
            return Case(name: json["name"] as! String, source: Self.source(call, arguments: arguments, shapes: shapes), arguments: arguments, json: json)
        }
    }

    /// `f = sum(tanh(call) * c)`, its gradients `df_a`, `s = Σ sum(df_a · v_a)` and its gradients `ds_a`.
    static func source(_ call: String, arguments: [String], shapes: [String: [Int]]) -> String {
        func type(_ name: String) -> String { "[" + shapes[name]!.map(String.init).joined(separator: ", ") + "]" }
        let parameters = arguments.map { "\($0): \(type($0))" }.joined(separator: ", ")
        let list = arguments.joined(separator: ", ")
        var source = "func f(\(parameters), c: \(type("output"))) -> Float { sum(tanh(\(call)) * c) }\n"
        for argument in arguments { source += "let df_\(argument) = grad(f, wrt: \(argument))\n" }
        let directions = arguments.map { "v_\($0): \(type($0))" }.joined(separator: ", ")
        let products = arguments.map { "sum(df_\($0)(\(list), c) * v_\($0))" }.joined(separator: " + ")
        source += "func s(\(parameters), c: \(type("output")), \(directions)) -> Float { \(products) }\n"
        for argument in arguments { source += "let ds_\(argument) = grad(s, wrt: \(argument))\n" }
        source += "let jf = jvp(f, wrt: \(list))\nlet hf = hvp(f, wrt: \(list))\n"
        return source
    }

    /// A nested list of numbers as a tensor of `shape`.
    static func tensor(_ value: Any?, shape: [Int]) throws -> IRTensor {
        func flatten(_ value: Any) -> [Double] {
            if let list = value as? [Any] { return list.flatMap(flatten) }
            return [(value as? Double) ?? Double((value as? Int) ?? 0)]
        }
        return IRTensor(shape: shape, values: flatten(try #require(value)))
    }

    @Test func valuesGradientsAndSecondDerivativesMatchPyTorch() throws {
        try Self.check(try Self.cases())
    }

    /// Runs each case's functions in the interpreter against its PyTorch values, to 1e-10.
    static func check(_ cases: [Case]) throws {
        for testCase in cases {
            let program = try CompiledFunctions(testCase.source).program
            func body(_ name: String) throws -> IRFunction { try #require(program.functions.first { $0.name == name }).body }
            let shapes = try #require(testCase.json["shapes"] as? [String: [Int]])
            let inputs = try #require(testCase.json["inputs"] as? [String: Any])
            let directions = try #require(testCase.json["v"] as? [String: Any])
            let arguments = try testCase.arguments.map { try tensor(inputs[$0], shape: shapes[$0]!) }
                + [try tensor(testCase.json["c"], shape: shapes["output"]!)]
            let withDirections = try arguments + testCase.arguments.map { try tensor(directions[$0], shape: shapes[$0]!) }

            let value = try IRInterpreter.run(try body("f"), arguments: arguments)["value"]!.values[0]
            #expect(abs(value - (testCase.json["value"] as! Double)) < 1e-10, "\(testCase.name): value")
            for (prefix, field, given) in [("df_", "grad", arguments), ("ds_", "second", withDirections)] {
                let expected = try #require(testCase.json[field] as? [String: Any])
                for argument in testCase.arguments {
                    let result = try IRInterpreter.run(try body(prefix + argument), arguments: given)[argument]!
                    let reference = try tensor(expected[argument], shape: shapes[argument]!)
                    let error = zip(result.values, reference.values).map { abs($0 - $1) }.max() ?? 0
                    #expect(result.shape == reference.shape && error < 1e-10, "\(testCase.name): \(field) \(argument), error \(error)")
                }
            }
            try checkForwardMode(
                testCase.name, program: program, at: withDirections, arguments: testCase.arguments, shapes: shapes, json: testCase.json)
        }
    }

    /// Checks `jf = jvp(f, wrt: arguments)` and `hf = hvp(f, wrt: arguments)` at `given` (f's
    /// arguments, then a direction per differentiated argument) against the case's PyTorch
    /// value, gradients and Hessian-vector product.
    static func checkForwardMode(
        _ name: String, program: LoweredProgram, at given: [IRTensor], arguments: [String], shapes: [String: [Int]],
        json: [String: Any]
    ) throws {
        func body(_ name: String) throws -> IRFunction { try #require(program.functions.first { $0.name == name }).body }
        let gradients = try #require(json["grad"] as? [String: Any])
        let second = try #require(json["second"] as? [String: Any])
        let directions = try #require(json["v"] as? [String: Any])
        var directional = 0.0
        for argument in arguments {
            let gradient = try tensor(gradients[argument], shape: shapes[argument]!)
            let direction = try tensor(directions[argument], shape: shapes[argument]!)
            directional += zip(gradient.values, direction.values).map(*).reduce(0, +)
        }
        let jvp = try IRInterpreter.run(try body("jf"), arguments: given)
        #expect(abs(jvp["value"]!.values[0] - (json["value"] as! Double)) < 1e-10, "\(name): jvp value")
        #expect(abs(jvp["tangent"]!.values[0] - directional) < 1e-9 * max(1, abs(directional)), "\(name): jvp tangent \(jvp["tangent"]!.values[0]), PyTorch \(directional)")
        let hvp = try IRInterpreter.run(try body("hf"), arguments: given)
        for argument in arguments {
            let reference = try tensor(second[argument], shape: shapes[argument]!)
            let result = try #require(hvp[argument])
            let error = zip(result.values, reference.values).map { abs($0 - $1) }.max() ?? 0
            #expect(result.shape == reference.shape && error < 1e-10, "\(name): hvp \(argument), error \(error)")
        }
    }
}
