import Tapeless
import Testing

/// Reshape, permute, concat, stack, variance, min, norms and batched matrix products as the plugin
/// compiles them (Shapes.tapeless), in Float, against PyTorch's float64 values, gradients and
/// Hessian-vector products (`shapes.json`).
@Suite struct ShapeTests {
    static let functions: [String: ReferenceCases.Functions] = [
        "reshape": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s0(x: $0[0], c: $0[1]) },
            gradients: ["x": { s0_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s0_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "permute": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s1(x: $0[0], c: $0[1]) },
            gradients: ["x": { s1_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s1_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "concat": ReferenceCases.Functions(
            arguments: ["a", "b"],
            value: { s2(a: $0[0], b: $0[1], c: $0[2]) },
            gradients: ["a": { s2_da(a: $0[0], b: $0[1], c: $0[2]) }, "b": { s2_db(a: $0[0], b: $0[1], c: $0[2]) }],
            second: ["a": { s2_sa(a: $0[0], b: $0[1], c: $0[2], va: $0[3], vb: $0[4]) }, "b": { s2_sb(a: $0[0], b: $0[1], c: $0[2], va: $0[3], vb: $0[4]) }]),
        "stack": ReferenceCases.Functions(
            arguments: ["a", "b"],
            value: { s3(a: $0[0], b: $0[1], c: $0[2]) },
            gradients: ["a": { s3_da(a: $0[0], b: $0[1], c: $0[2]) }, "b": { s3_db(a: $0[0], b: $0[1], c: $0[2]) }],
            second: ["a": { s3_sa(a: $0[0], b: $0[1], c: $0[2], va: $0[3], vb: $0[4]) }, "b": { s3_sb(a: $0[0], b: $0[1], c: $0[2], va: $0[3], vb: $0[4]) }]),
        "variance": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s4(x: $0[0], c: $0[1]) },
            gradients: ["x": { s4_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s4_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "variance_biased": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s5(x: $0[0], c: $0[1]) },
            gradients: ["x": { s5_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s5_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "min": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s6(x: $0[0], c: $0[1]) },
            gradients: ["x": { s6_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s6_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "batched_matmul": ReferenceCases.Functions(
            arguments: ["a", "b"],
            value: { s7(a: $0[0], b: $0[1], c: $0[2]) },
            gradients: ["a": { s7_da(a: $0[0], b: $0[1], c: $0[2]) }, "b": { s7_db(a: $0[0], b: $0[1], c: $0[2]) }],
            second: ["a": { s7_sa(a: $0[0], b: $0[1], c: $0[2], va: $0[3], vb: $0[4]) }, "b": { s7_sb(a: $0[0], b: $0[1], c: $0[2], va: $0[3], vb: $0[4]) }]),
        "batch_times_matrix": ReferenceCases.Functions(
            arguments: ["x", "w"],
            value: { s8(x: $0[0], w: $0[1], c: $0[2]) },
            gradients: ["x": { s8_dx(x: $0[0], w: $0[1], c: $0[2]) }, "w": { s8_dw(x: $0[0], w: $0[1], c: $0[2]) }],
            second: ["x": { s8_sx(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }, "w": { s8_sw(x: $0[0], w: $0[1], c: $0[2], vx: $0[3], vw: $0[4]) }]),
        "pad": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s9(x: $0[0], c: $0[1]) },
            gradients: ["x": { s9_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s9_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "keep_dims": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s10(x: $0[0], c: $0[1]) },
            gradients: ["x": { s10_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s10_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "strided": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s11(x: $0[0], c: $0[1]) },
            gradients: ["x": { s11_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s11_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "norm": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s12(x: $0[0], c: $0[1]) },
            gradients: ["x": { s12_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s12_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
        "normalize": ReferenceCases.Functions(
            arguments: ["x"],
            value: { s13(x: $0[0], c: $0[1]) },
            gradients: ["x": { s13_dx(x: $0[0], c: $0[1]) }],
            second: ["x": { s13_sx(x: $0[0], c: $0[1], vx: $0[2]) }]),
    ]

    @Test func generatedCodeMatchesPyTorch() throws {
        try ReferenceCases.check("shapes", Self.functions)
    }

    @Test func oneHotPlacesAOneAtEachLabel() {
        let rows = oneHotOf(labels: IntTensor([2, 0, 3]))
        #expect(rows == Tensor(shape: [3, 4], scalars: [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1]))
    }
}
