import Foundation
import Tapeless
import Testing

/// Reference files of the form `convolution.json` and `shapes.json` write (PyTorch in float64):
/// cases of `f = sum(tanh(op(args)) * c)` with their values, gradients and Hessian-vector
/// products, checked against the generated functions of each case.
enum ReferenceCases {
    /// The generated functions of one case, each taking the arguments, `c`, then the directions.
    struct Functions: Sendable {
        /// The differentiable arguments in the order the functions take them.
        var arguments: [String]
        var value: @Sendable ([Tensor]) -> Float
        var gradients: [String: @Sendable ([Tensor]) -> Tensor]
        var second: [String: @Sendable ([Tensor]) -> Tensor]
    }

    /// A nested JSON list of numbers as a tensor of `shape` (NaN for anything else, so a
    /// malformed file fails the comparison).
    static func tensor(_ value: Any?, shape: [Int]) -> Tensor {
        func flatten(_ value: Any?) -> [Float] {
            if let list = value as? [Any] { return list.flatMap(flatten) }
            return [Float((value as? Double) ?? (value as? Int).map(Double.init) ?? .nan)]
        }
        return Tensor(shape: shape, scalars: flatten(value))
    }

    /// Checks every case of the resource `name` against `functions`, to `tolerance`.
    static func check(_ name: String, _ functions: [String: Functions], tolerance: Float = 1e-4) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(json["cases"] as? [[String: Any]])
        #expect(Set(cases.compactMap { $0["name"] as? String }) == Set(functions.keys), "every case has functions")
        for testCase in cases {
            let name = try #require(testCase["name"] as? String)
            let case_ = try #require(functions[name])
            let shapes = try #require(testCase["shapes"] as? [String: [Int]])
            let inputs = try #require(testCase["inputs"] as? [String: Any])
            let directions = try #require(testCase["v"] as? [String: Any])
            let names = case_.arguments
            #expect(Set(names) == Set(inputs.keys), "\(name): arguments")
            let arguments = names.map { tensor(inputs[$0], shape: shapes[$0]!) } + [tensor(testCase["c"], shape: shapes["output"]!)]
            let withDirections = arguments + names.map { tensor(directions[$0], shape: shapes[$0]!) }
            let value = try #require(testCase["value"] as? Double)
            let computed = Double(case_.value(arguments))
            #expect(abs(computed - value) < Double(tolerance), "\(name): value")
            let passes: [(field: String, forms: [String: @Sendable ([Tensor]) -> Tensor], given: [Tensor])] = [
                ("grad", case_.gradients, arguments), ("second", case_.second, withDirections),
            ]
            for (field, forms, given) in passes {
                let expected = try #require(testCase[field] as? [String: Any])
                for argument in names {
                    guard let form = forms[argument] else {
                        Issue.record("\(name): no generated \(field) for \(argument)")
                        continue
                    }
                    let result: Tensor = form(given)
                    let reference = tensor(expected[argument], shape: shapes[argument]!)
                    let error = zip(result.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
                    #expect(result.shape == reference.shape && error < tolerance, "\(name): \(field) \(argument), error \(error)")
                }
            }
        }
    }
}
