import Foundation
import Testing
@testable import TapelessCompiler

/// Gather, argmax and the Embedding layer against PyTorch (`gather.json`, written by `gather.py`
/// beside it), compiled from the language and run in the interpreter: for each gather case,
/// `f = sum(tanh(gather(table, indices)) * c)`, its gradients and a Hessian-vector product (and
/// the same by forward mode: `jvp`, `hvp`); the
/// positions argmax finds; an embedding model's loss and gradients.
@Suite struct GatherReferenceTests {
    static func reference() throws -> [String: Any] { try CompiledFunctions.reference("gather") }

    /// A nested list of numbers as a tensor of `shape`.
    static func tensor(_ value: Any?, shape: [Int]) throws -> IRTensor {
        func flatten(_ value: Any) -> [Double] {
            if let list = value as? [Any] { return list.flatMap(flatten) }
            return [(value as? Double) ?? Double((value as? Int) ?? 0)]
        }
        return IRTensor(shape: shape, values: flatten(try #require(value)))
    }

    static func type(_ shape: [Int], element: String = "") -> String {
        element + "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// The source of a gather case: `f` over the Float arguments (and the indices, when the case
    /// gives them), `c`; `df_<a>`; `s` adding the directions; `ds_<a>`.
    static func source(_ json: [String: Any], floats: [String], shapes: [String: [Int]]) throws -> String {
        let indexShape = Array(shapes["output"]!.dropLast())
        let gathered: String
        var parameters = floats.map { "\($0): \(type(shapes[$0]!))" }
        if json["op"] as? String == "gather_argmax" {
            gathered = "gather(table, argmax(x, axis: \(try #require(json["axis"] as? Int))))"
        } else {
            gathered = "gather(table, indices)"
            parameters.append("indices: \(type(indexShape, element: "Int"))")
        }
        parameters.append("c: \(type(shapes["output"]!))")
        let list = parameters.map { String($0.prefix { $0 != ":" }) }.joined(separator: ", ")
        var source = "func f(\(parameters.joined(separator: ", "))) -> Float { sum(tanh(\(gathered)) * c) }\n"
        for argument in floats { source += "let df_\(argument) = grad(f, wrt: \(argument))\n" }
        let directions = floats.map { "v_\($0): \(type(shapes[$0]!))" }.joined(separator: ", ")
        let products = floats.map { "sum(df_\($0)(\(list)) * v_\($0))" }.joined(separator: " + ")
        source += "func s(\(parameters.joined(separator: ", ")), \(directions)) -> Float { \(products) }\n"
        for argument in floats { source += "let ds_\(argument) = grad(s, wrt: \(argument))\n" }
        let differentiated = floats.joined(separator: ", ")
        source += "let jf = jvp(f, wrt: \(differentiated))\nlet hf = hvp(f, wrt: \(differentiated))\n"
        return source
    }

    @Test func gathersAndTheirDerivativesMatchPyTorch() throws {
        for json in try #require(try Self.reference()["gather"] as? [[String: Any]]) {
            let name = try #require(json["name"] as? String)
            let shapes = try #require(json["shapes"] as? [String: [Int]])
            let inputs = try #require(json["inputs"] as? [String: Any])
            let directions = try #require(json["v"] as? [String: Any])
            let floats = ["table", "x"].filter { inputs[$0] != nil }
            let program = try CompiledFunctions(try Self.source(json, floats: floats, shapes: shapes)).program
            func body(_ name: String) throws -> IRFunction { try #require(program.functions.first { $0.name == name }).body }
            var arguments = try floats.map { try Self.tensor(inputs[$0], shape: shapes[$0]!) }
            if let indices = json["indices"] { arguments.append(try Self.tensor(indices, shape: Array(shapes["output"]!.dropLast()))) }
            arguments.append(try Self.tensor(json["c"], shape: shapes["output"]!))
            let withDirections = try arguments + floats.map { try Self.tensor(directions[$0], shape: shapes[$0]!) }

            let value = try IRInterpreter.run(try body("f"), arguments: arguments)["value"]!.values[0]
            #expect(abs(value - (json["value"] as! Double)) < 1e-12, "\(name): value")
            for (prefix, field, given) in [("df_", "grad", arguments), ("ds_", "second", withDirections)] {
                let expected = try #require(json[field] as? [String: Any])
                for argument in floats {
                    let result = try IRInterpreter.run(try body(prefix + argument), arguments: given)[argument]!
                    let reference = try Self.tensor(expected[argument], shape: shapes[argument]!)
                    let error = zip(result.values, reference.values).map { abs($0 - $1) }.max() ?? 0
                    #expect(result.shape == reference.shape && error < 1e-12, "\(name): \(field) \(argument), error \(error)")
                }
            }
            try ConvolutionReferenceTests.checkForwardMode(
                name, program: program, at: withDirections, arguments: floats, shapes: shapes, json: json)
        }
    }

    @Test func argmaxFindsTheFirstLargestElementAsPyTorch() throws {
        for json in try #require(try Self.reference()["argmax"] as? [[String: Any]]) {
            let shape = try #require(json["shape"] as? [Int])
            let axis = try #require(json["axis"] as? Int)
            // Gathering from a column of positions 0, 1, 2, … returns the positions as Floats.
            let length = shape[axis < 0 ? axis + shape.count : axis]
            var kept = shape
            kept.remove(at: axis < 0 ? axis + shape.count : axis)
            let source = "func a(x: \(Self.type(shape)), positions: [\(length), 1]) -> \(Self.type(kept + [1])) { gather(positions, argmax(x, axis: \(axis))) }"
            let function = try #require(try CompiledFunctions(source).program.functions.first).body
            let positions = IRTensor(shape: [length, 1], values: (0..<length).map(Double.init))
            let found = try IRInterpreter.run(function, arguments: [try Self.tensor(json["x"], shape: shape), positions])["value"]!
            #expect(found.values == (try Self.tensor(json["indices"], shape: kept)).values, "\(json["name"]!)")
        }
    }

    @Test func argmaxTakesTheFirstNaNAsPyTorch() {
        let x = IRTensor(shape: [3, 4], values: [1, .nan, 2, .nan, 3, 3, 1, 0, -.infinity, -.infinity, -.infinity, -.infinity])
        #expect(IRInterpreter.argmax(x, axis: 1).values == [1, 0, 0])
    }

    @Test func embeddingModelLossAndGradientMatchPyTorch() throws {
        let json = try #require(try Self.reference()["embedding_model"] as? [String: Any])
        let source = """
            model EmbeddingClassifier {
                layer emb = Embedding(8 -> 3)
                layer fc = Dense(3 -> 4)
                func loss(tokens: Int[batch, 5], labels: Int[batch]) -> Float {
                    crossEntropy(logits: fc(mean(emb(tokens), axis: 1)), labels: labels)
                }
            }
            """
        let model = try #require(try CompiledFunctions(source).program.models.first)
        let function = try #require(model.functions.first { $0.name == "loss" }?.withGradient)
        let parameterValues = try #require(json["parameters"] as? [String: Any])
        var parameters: [String: IRTensor] = [:]
        for parameter in model.parameters { parameters[parameter.name] = try Self.tensor(parameterValues[parameter.name], shape: parameter.shape) }
        #expect(model.parameters.map(\.name) == ["emb.weight", "fc.weight", "fc.bias"])
        #expect(model.parameters[0].initializer == .normal(0, 1) && !model.parameters[0].isTransposedInPyTorch)
        let labels = try #require(json["labels"] as? [Int])
        let results = try IRInterpreter.run(
            function, arguments: [try Self.tensor(json["tokens"], shape: [2, 5]), try Self.tensor(labels, shape: [2])],
            parameters: parameters)
        #expect(abs(results["value"]!.values[0] - (json["loss"] as! Double)) < 1e-12)
        let expected = try #require(json["grad"] as? [String: Any])
        for parameter in model.parameters {
            let reference = try Self.tensor(expected[parameter.name], shape: parameter.shape)
            let error = zip(results[parameter.name]!.values, reference.values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(error < 1e-12, "gradient of \(parameter.name), error \(error)")
        }
    }

    @Test func anIndexOutOfRangeIsAFailureNamingIt() throws {
        let program = try CompiledFunctions("func f(table: [3, 2], indices: Int[4]) -> Float { sum(gather(table, indices)) }").program
        let function = try #require(program.functions.first).body
        let table = IRTensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
        #expect(try IRInterpreter.run(function, arguments: [table, IRTensor(shape: [4], values: [2, 0, 2, 1])])["value"]!.values == [32])  // 11 + 3 + 11 + 7
        #expect(throws: IRInterpreter.Failure.indexOutOfRange(index: 3, position: 1, rows: 3)) {
            try IRInterpreter.run(function, arguments: [table, IRTensor(shape: [4], values: [0, 3, 1, 1])])
        }
        #expect(throws: IRInterpreter.Failure.indexOutOfRange(index: -1, position: 0, rows: 3)) {
            try IRInterpreter.run(function, arguments: [table, IRTensor(shape: [4], values: [-1, 0, 1, 1])])
        }
    }
}
