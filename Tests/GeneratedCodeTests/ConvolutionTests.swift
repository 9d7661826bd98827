import Foundation
import Tapeless
import Testing

/// Convolution, max pooling and flatten as the plugin compiles them (Convolution.tapeless),
/// running the runtime's kernels in Float, against PyTorch's float64 values, gradients and
/// Hessian-vector products (`convolution.json`).
@Suite struct ConvolutionTests {
    /// The generated functions of one case, each taking the arguments, `c`, then the directions.
    struct Functions: Sendable {
        var value: @Sendable ([Tensor]) -> Float
        var gradients: [String: @Sendable ([Tensor]) -> Tensor]
        var second: [String: @Sendable ([Tensor]) -> Tensor]
    }

    static let functions: [String: Functions] = [
        "conv2d_1to2_3x3": Functions(
            value: { c0(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) },
            gradients: ["x": { c0_dx(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "w": { c0_dw(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "b": { c0_db(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }],
            second: ["x": { c0_sx(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "w": { c0_sw(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "b": { c0_sb(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }]),
        "conv2d_stride2_pad1": Functions(
            value: { c1(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) },
            gradients: ["x": { c1_dx(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "w": { c1_dw(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "b": { c1_db(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }],
            second: ["x": { c1_sx(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "w": { c1_sw(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "b": { c1_sb(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }]),
        "conv2d_groups2_dilation2": Functions(
            value: { c2(x: $0[0], w: $0[1], c: $0[2]) },
            gradients: ["x": { c2_dx(x: $0[0], w: $0[1], c: $0[2]) }, "w": { c2_dw(x: $0[0], w: $0[1], c: $0[2]) }],
            second: ["x": { c2_sx(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }, "w": { c2_sw(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }]),
        "conv2d_same_4x4": Functions(
            value: { c3(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) },
            gradients: ["x": { c3_dx(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "w": { c3_dw(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "b": { c3_db(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }],
            second: ["x": { c3_sx(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "w": { c3_sw(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "b": { c3_sb(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }]),
        "max_pool2d_2x2_stride2": Functions(
            value: { c4(x: $0[0], c: $0[1]) },
            gradients: ["x": { c4_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { c4_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "max_pool2d_3x3_stride2_pad1": Functions(
            value: { c5(x: $0[0], c: $0[1]) },
            gradients: ["x": { c5_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { c5_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "max_pool2d_2x2_stride1_ties": Functions(
            value: { c6(x: $0[0], c: $0[1]) },
            gradients: ["x": { c6_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { c6_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "flatten_matmul": Functions(
            value: { c7(x: $0[0], w: $0[1], c: $0[2]) },
            gradients: ["x": { c7_dx(x: $0[0], w: $0[1], c: $0[2]) }, "w": { c7_dw(x: $0[0], w: $0[1], c: $0[2]) }],
            second: ["x": { c7_sx(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }, "w": { c7_sw(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }]),
    ]

    static func reference() throws -> [[String: Any]] {
        let url = try #require(Bundle.module.url(forResource: "convolution", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(json["cases"] as? [[String: Any]])
    }

    static func tensor(_ value: Any?, shape: [Int]) -> Tensor {
        func flatten(_ value: Any?) -> [Float] {
            if let list = value as? [Any] { return list.flatMap(flatten) }
            return [Float((value as? Double) ?? 0)]
        }
        return Tensor(shape: shape, scalars: flatten(value))
    }

    @Test func generatedCodeMatchesPyTorch() throws {
        for testCase in try Self.reference() {
            let name = try #require(testCase["name"] as? String)
            let functions = try #require(Self.functions[name])
            let shapes = try #require(testCase["shapes"] as? [String: [Int]])
            let inputs = try #require(testCase["inputs"] as? [String: Any])
            let directions = try #require(testCase["v"] as? [String: Any])
            let names = ["x", "w", "b"].filter { inputs[$0] != nil }
            let arguments = names.map { Self.tensor(inputs[$0], shape: shapes[$0]!) } + [Self.tensor(testCase["c"], shape: shapes["output"]!)]
            let withDirections = arguments + names.map { Self.tensor(directions[$0], shape: shapes[$0]!) }
            let value = try #require(testCase["value"] as? Double)
            let computed = Double(functions.value(arguments))
            #expect(abs(computed - value) < 1e-4, "\(name): value")
            let passes: [(field: String, forms: [String: @Sendable ([Tensor]) -> Tensor], given: [Tensor])] = [
                ("grad", functions.gradients, arguments), ("second", functions.second, withDirections),
            ]
            for (field, forms, given) in passes {
                let expected = try #require(testCase[field] as? [String: Any])
                for argument in names {
                    guard let form = forms[argument] else {
                        Issue.record("\(name): no generated \(field) for \(argument)")
                        continue
                    }
                    let result: Tensor = form(given)
                    let reference = Self.tensor(expected[argument], shape: shapes[argument]!)
                    let error = zip(result.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
                    #expect(result.shape == reference.shape && error < 1e-4, "\(name): \(field) \(argument), error \(error)")
                }
            }
        }
    }
}
