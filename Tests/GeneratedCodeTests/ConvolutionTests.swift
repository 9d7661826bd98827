import Foundation
import Tapeless
import Testing

/// Convolution, max pooling and flatten as the plugin compiles them (Convolution.tapeless),
/// running the runtime's kernels in Float, against PyTorch's float64 values, gradients and
/// Hessian-vector products (`convolution.json`).
@Suite struct ConvolutionTests {
    typealias Functions = ReferenceCases.Functions

    static let functions: [String: Functions] = [
        "conv2d_1to2_3x3": Functions(
            arguments: ["x", "w", "b"],
            value: { c0(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) },
            gradients: ["x": { c0_dx(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "w": { c0_dw(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "b": { c0_db(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }],
            second: ["x": { c0_sx(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "w": { c0_sw(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "b": { c0_sb(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }]),
        "conv2d_stride2_pad1": Functions(
            arguments: ["x", "w", "b"],
            value: { c1(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) },
            gradients: ["x": { c1_dx(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "w": { c1_dw(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "b": { c1_db(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }],
            second: ["x": { c1_sx(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "w": { c1_sw(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "b": { c1_sb(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }]),
        "conv2d_groups2_dilation2": Functions(
            arguments: ["x", "w"],
            value: { c2(x: $0[0], w: $0[1], c: $0[2]) },
            gradients: ["x": { c2_dx(x: $0[0], w: $0[1], c: $0[2]) }, "w": { c2_dw(x: $0[0], w: $0[1], c: $0[2]) }],
            second: ["x": { c2_sx(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }, "w": { c2_sw(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }]),
        "conv2d_same_4x4": Functions(
            arguments: ["x", "w", "b"],
            value: { c3(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) },
            gradients: ["x": { c3_dx(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "w": { c3_dw(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }, "b": { c3_db(x: $0[0], w: $0[1], b: $0[2], c: $0[3]) }],
            second: ["x": { c3_sx(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "w": { c3_sw(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }, "b": { c3_sb(x: $0[0], w: $0[1], b: $0[2], c: $0[3], vx: $0[4], vw: $0[5], vb: $0[6]) }]),
        "max_pool2d_2x2_stride2": Functions(
            arguments: ["x"],
            value: { c4(x: $0[0], c: $0[1]) },
            gradients: ["x": { c4_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { c4_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "max_pool2d_3x3_stride2_pad1": Functions(
            arguments: ["x"],
            value: { c5(x: $0[0], c: $0[1]) },
            gradients: ["x": { c5_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { c5_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "max_pool2d_2x2_stride1_ties": Functions(
            arguments: ["x"],
            value: { c6(x: $0[0], c: $0[1]) },
            gradients: ["x": { c6_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { c6_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "flatten_matmul": Functions(
            arguments: ["x", "w"],
            value: { c7(x: $0[0], w: $0[1], c: $0[2]) },
            gradients: ["x": { c7_dx(x: $0[0], w: $0[1], c: $0[2]) }, "w": { c7_dw(x: $0[0], w: $0[1], c: $0[2]) }],
            second: ["x": { c7_sx(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }, "w": { c7_sw(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }]),
    ]

    @Test func generatedCodeMatchesPyTorch() throws {
        try ReferenceCases.check("convolution", Self.functions)
    }
}
