import Foundation
import Tapeless
import Testing

/// `jvp`, `vjp`, `valueAndGrad`, `hvp`, `jacobian` and `hessian` as the plugin compiles them (Transforms.tapeless), in
/// Float, against torch.func's float64 values (`transforms.json`).
@Suite struct TransformTests {
    /// A case's generated functions, each taking the arguments as an array (and the tangents or
    /// the output gradient after them), returning its results by label.
    struct Functions: Sendable {
        var value: @Sendable ([Tensor]) -> [Float]
        var jvp: @Sendable ([Tensor]) -> (value: [Float], tangent: [Float])
        var vjp: @Sendable ([Tensor]) -> [String: Tensor]
        var jacobian: @Sendable ([Tensor]) -> [String: Tensor]
        var valueAndGrad: (@Sendable ([Tensor]) -> (value: Float, gradients: [String: Tensor]))?
        var hvp: (@Sendable ([Tensor]) -> [String: Tensor])?
        var hessian: (@Sendable ([Tensor]) -> [String: Tensor])?
    }

    static let functions: [String: Functions] = [
        "dense_softmax": Functions(
            value: { dense_softmax(x: $0[0], w: $0[1], b: $0[2]).scalars },
            jvp: { let r = dense_softmax_jvp(x: $0[0], w: $0[1], b: $0[2], xTangent: $0[3], wTangent: $0[4], bTangent: $0[5]); return (r.value.scalars, r.tangent.scalars) },
            vjp: { let r = dense_softmax_vjp(x: $0[0], w: $0[1], b: $0[2], outputGradient: $0[3]); return ["x": r.x, "w": r.w, "b": r.b] },
            jacobian: { let r = dense_softmax_jacobian(x: $0[0], w: $0[1], b: $0[2]); return ["x": r.x, "w": r.w, "b": r.b] }),
        "logsumexp_max": Functions(
            value: { logsumexp_max(x: $0[0], y: $0[1]).scalars },
            jvp: { let r = logsumexp_max_jvp(x: $0[0], y: $0[1], xTangent: $0[2], yTangent: $0[3]); return (r.value.scalars, r.tangent.scalars) },
            vjp: { let r = logsumexp_max_vjp(x: $0[0], y: $0[1], outputGradient: $0[2]); return ["x": r.x, "y": r.y] },
            jacobian: { let r = logsumexp_max_jacobian(x: $0[0], y: $0[1]); return ["x": r.x, "y": r.y] }),
        "conv_pool": Functions(
            value: { conv_pool(x: $0[0], w: $0[1]).scalars },
            jvp: { let r = conv_pool_jvp(x: $0[0], w: $0[1], xTangent: $0[2], wTangent: $0[3]); return (r.value.scalars, r.tangent.scalars) },
            vjp: { let r = conv_pool_vjp(x: $0[0], w: $0[1], outputGradient: $0[2]); return ["x": r.x, "w": r.w] },
            jacobian: { let r = conv_pool_jacobian(x: $0[0], w: $0[1]); return ["x": r.x, "w": r.w] }),
        "attention": Functions(
            value: { [attention(q: $0[0], k: $0[1], v: $0[2])] },
            jvp: { let r = attention_jvp(q: $0[0], k: $0[1], v: $0[2], qTangent: $0[3], kTangent: $0[4], vTangent: $0[5]); return ([r.value], [r.tangent]) },
            vjp: { let r = attention_vjp(q: $0[0], k: $0[1], v: $0[2], outputGradient: $0[3].scalars[0]); return ["q": r.q, "k": r.k, "v": r.v] },
            jacobian: { let r = attention_jacobian(q: $0[0], k: $0[1], v: $0[2]); return ["q": r.q, "k": r.k, "v": r.v] },
            valueAndGrad: { let r = attention_valueAndGrad(q: $0[0], k: $0[1], v: $0[2]); return (r.value, ["q": r.q, "k": r.k, "v": r.v]) },
            hvp: { let r = attention_hvp(q: $0[0], k: $0[1], v: $0[2], qTangent: $0[3], kTangent: $0[4], vTangent: $0[5]); return ["q": r.q, "k": r.k, "v": r.v] },
            hessian: { let r = attention_hessian(q: $0[0], k: $0[1], v: $0[2]); return ["q": r.q, "k": r.k, "v": r.v] }),
        "elementwise_mix": Functions(
            value: { [elementwise_mix(x: $0[0], y: $0[1])] },
            jvp: { let r = elementwise_mix_jvp(x: $0[0], y: $0[1], xTangent: $0[2], yTangent: $0[3]); return ([r.value], [r.tangent]) },
            vjp: { let r = elementwise_mix_vjp(x: $0[0], y: $0[1], outputGradient: $0[2].scalars[0]); return ["x": r.x, "y": r.y] },
            jacobian: { let r = elementwise_mix_jacobian(x: $0[0], y: $0[1]); return ["x": r.x, "y": r.y] },
            valueAndGrad: { let r = elementwise_mix_valueAndGrad(x: $0[0], y: $0[1]); return (r.value, ["x": r.x, "y": r.y]) },
            hvp: { let r = elementwise_mix_hvp(x: $0[0], y: $0[1], xTangent: $0[2], yTangent: $0[3]); return ["x": r.x, "y": r.y] },
            hessian: { let r = elementwise_mix_hessian(x: $0[0], y: $0[1]); return ["x": r.x, "y": r.y] }),
        "mlp_loss": Functions(
            value: { [mlp_loss(x: $0[0], w1: $0[1], w2: $0[2], t: $0[3])] },
            jvp: {
                let r = mlp_loss_jvp(x: $0[0], w1: $0[1], w2: $0[2], t: $0[3], xTangent: $0[4], w1Tangent: $0[5], w2Tangent: $0[6], tTangent: $0[7])
                return ([r.value], [r.tangent])
            },
            vjp: { let r = mlp_loss_vjp(x: $0[0], w1: $0[1], w2: $0[2], t: $0[3], outputGradient: $0[4].scalars[0]); return ["x": r.x, "w1": r.w1, "w2": r.w2, "t": r.t] },
            jacobian: { let r = mlp_loss_jacobian(x: $0[0], w1: $0[1], w2: $0[2], t: $0[3]); return ["x": r.x, "w1": r.w1, "w2": r.w2, "t": r.t] },
            valueAndGrad: { let r = mlp_loss_valueAndGrad(x: $0[0], w1: $0[1], w2: $0[2], t: $0[3]); return (r.value, ["x": r.x, "w1": r.w1, "w2": r.w2, "t": r.t]) },
            hvp: {
                let r = mlp_loss_hvp(x: $0[0], w1: $0[1], w2: $0[2], t: $0[3], xTangent: $0[4], w1Tangent: $0[5], w2Tangent: $0[6], tTangent: $0[7])
                return ["x": r.x, "w1": r.w1, "w2": r.w2, "t": r.t]
            },
            hessian: { let r = mlp_loss_hessian(x: $0[0], w1: $0[1], w2: $0[2], t: $0[3]); return ["x": r.x, "w1": r.w1, "w2": r.w2, "t": r.t] }),
        "grouped_conv_loss": Functions(
            value: { [grouped_conv_loss(x: $0[0], w: $0[1])] },
            jvp: { let r = grouped_conv_loss_jvp(x: $0[0], w: $0[1], xTangent: $0[2], wTangent: $0[3]); return ([r.value], [r.tangent]) },
            vjp: { let r = grouped_conv_loss_vjp(x: $0[0], w: $0[1], outputGradient: $0[2].scalars[0]); return ["x": r.x, "w": r.w] },
            jacobian: { let r = grouped_conv_loss_jacobian(x: $0[0], w: $0[1]); return ["x": r.x, "w": r.w] },
            valueAndGrad: { let r = grouped_conv_loss_valueAndGrad(x: $0[0], w: $0[1]); return (r.value, ["x": r.x, "w": r.w]) },
            hvp: { let r = grouped_conv_loss_hvp(x: $0[0], w: $0[1], xTangent: $0[2], wTangent: $0[3]); return ["x": r.x, "w": r.w] },
            hessian: { let r = grouped_conv_loss_hessian(x: $0[0], w: $0[1]); return ["x": r.x, "w": r.w] }),
    ]

    @Test func derivativeKindsMatchTorchFunc() throws {
        let url = try #require(Bundle.module.url(forResource: "transforms", withExtension: "json", subdirectory: "Resources"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(json["cases"] as? [[String: Any]])
        #expect(Set(cases.compactMap { $0["name"] as? String }) == Set(Self.functions.keys), "every case has functions")
        for testCase in cases {
            let name = try #require(testCase["name"] as? String)
            let functions = try #require(Self.functions[name])
            let names = try #require(testCase["arguments"] as? [String])
            let shapes = try #require(testCase["shapes"] as? [String: [Int]])
            func tensors(_ field: String) throws -> [Tensor] {
                let values = try #require(testCase[field] as? [String: Any])
                return names.map { ReferenceCases.tensor(values[$0], shape: shapes[$0]!) }
            }
            func expect(_ actual: [Float], _ expected: Any?, shape: [Int], _ what: String) {
                let reference = ReferenceCases.tensor(expected, shape: shape).scalars
                let error = zip(actual, reference).map { abs($0 - $1) }.max() ?? .infinity
                #expect(actual.count == reference.count && error < 1e-4, "\(name): \(what), error \(error)")
            }
            let inputs = try tensors("inputs")
            let tangents = try tensors("tangents")
            let output = shapes["output"]!
            let u = ReferenceCases.tensor(testCase["u"], shape: output)

            expect(functions.value(inputs), testCase["value"], shape: output, "value")
            let forward = functions.jvp(inputs + tangents)
            expect(forward.value, testCase["value"], shape: output, "jvp value")
            expect(forward.tangent, testCase["jvp"], shape: output, "jvp tangent")
            let pullback = functions.vjp(inputs + [u])
            let vjp = try #require(testCase["vjp"] as? [String: Any])
            for argument in names { expect(pullback[argument]?.scalars ?? [], vjp[argument], shape: shapes[argument]!, "vjp \(argument)") }

            let jacobians = functions.jacobian(inputs)
            let expectedJacobians = try #require(testCase["jacobian"] as? [String: Any])
            for argument in names {
                expect(jacobians[argument]?.scalars ?? [], expectedJacobians[argument], shape: output + shapes[argument]!, "jacobian \(argument)")
            }

            guard let valueAndGrad = functions.valueAndGrad, let hvp = functions.hvp, let hessian = functions.hessian else {
                #expect(!output.isEmpty, "\(name): a Float function has valueAndGrad and hvp")
                continue
            }
            let (value, gradients) = valueAndGrad(inputs)
            expect([value], testCase["value"], shape: [], "valueAndGrad value")
            let expectedGradients = try #require(testCase["grad"] as? [String: Any])
            let expectedProducts = try #require(testCase["hvp"] as? [String: Any])
            let products = hvp(inputs + tangents)
            let hessians = hessian(inputs)
            let expectedHessians = try #require(testCase["hessian"] as? [String: Any])
            for argument in names {
                expect(gradients[argument]?.scalars ?? [], expectedGradients[argument], shape: shapes[argument]!, "gradient of \(argument)")
                expect(products[argument]?.scalars ?? [], expectedProducts[argument], shape: shapes[argument]!, "hvp \(argument)")
                expect(hessians[argument]?.scalars ?? [], expectedHessians[argument], shape: shapes[argument]! + shapes[argument]!, "hessian \(argument)")
            }
        }
    }

    /// Over `[n]`, the Jacobian of softmax(x²) and the Hessian of Σ exp(x)·x + (Σ x)² against
    /// their formulas: J = (diag(s) - s sᵀ) diag(2x), H = diag(exp(x)(2 + x)) + 2.
    @Test func matricesOverASizeVariableMatchTheirFormulas() {
        for n in [1, 3, 7] {
            let x = Tensor(shape: [n], scalars: (0..<n).map { Float($0) * 0.3 - 0.8 })
            let s = squash(x: x).scalars
            let jacobian = squash_jacobian(x: x)
            let hessian = energy_hessian(x: x)
            #expect(jacobian.shape == [n, n] && hessian.shape == [n, n])
            for i in 0..<n {
                for j in 0..<n {
                    let xj = x.scalars[j]
                    let expectedJacobian = ((i == j ? s[i] : 0) - s[i] * s[j]) * 2 * xj
                    let expectedHessian = (i == j ? Float(exp(Double(xj))) * (2 + xj) : 0) + 2
                    #expect(abs(jacobian.scalars[i * n + j] - expectedJacobian) < 1e-5, "n \(n): J[\(i), \(j)]")
                    #expect(abs(hessian.scalars[i * n + j] - expectedHessian) < 1e-4, "n \(n): H[\(i), \(j)]")
                }
            }
        }
    }

    /// A model's `jvp`, `vjp` and `hvp` methods against central differences of its own
    /// functions, in Float (steps of 1e-2, so the tolerance is loose but far below the values).
    @Test func modelMethodsMatchFiniteDifferences() {
        let model = Probe(seed: 3)
        let x = Tensor(randomNormal: [4, 3], seed: 1)
        let y = Tensor(randomNormal: [4, 2], seed: 2)
        let t = Tensor(randomNormal: [4, 3], seed: 3)
        let h: Float = 1e-2
        func difference(_ f: (Tensor) -> Tensor) -> [Float] {
            zip(f(x + h * t).scalars, f(x - h * t).scalars).map { ($0 - $1) / (2 * h) }
        }
        func expectClose(_ actual: [Float], _ expected: [Float], _ what: String) {
            let error = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(actual.count == expected.count && error < 1e-3, "\(what): error \(error)")
        }
        let directional = model.directional(x: x, xTangent: t)
        expectClose(directional.value.scalars, model.predict(x: x).scalars, "jvp value")
        expectClose(directional.tangent.scalars, difference { model.predict(x: $0) }, "jvp tangent")
        expectClose(model.curvature(x: x, y: y, xTangent: t).scalars, difference { model.inputGradient(x: $0, y: y) }, "hvp")
        // The pullback of u is the gradient of sum(predict(x) * u).
        let u = Tensor(randomNormal: [4, 2], seed: 4)
        let pulled = model.pullback(x: x, outputGradient: u).x
        let along = zip(pulled.scalars, t.scalars).map(*).reduce(0, +)
        let numeric = zip(difference { model.predict(x: $0) }, u.scalars).map(*).reduce(0, +)
        #expect(abs(along - numeric) < 1e-3, "vjp: ⟨pullback, t⟩ \(along), finite difference \(numeric)")
    }
}
