import Testing
@testable import TapelessCompiler

/// Functions that return several values, and `let (a, b) = …`, in the interpreter: each program
/// against the same computation written without tuples, derivatives against finite
/// differences, and a tuple's callee copied once however many of its values are used.
@Suite struct TupleTests {
    static let source = """
        // Mean and variance of a vector, returned together.
        func moments(x: [n]) -> (mean: Float, variance: Float) {
            let m = mean(x)
            let d = x - m
            return (mean: m, variance: mean(d * d))
        }
        func standardized(x: [n], w: [n]) -> Float {
            let (m, v) = moments(x)
            sum(w * (x - m) / sqrt(v + 1e-5))
        }
        func standardizedByHand(x: [n], w: [n]) -> Float {
            let m = mean(x)
            let d = x - m
            let v = mean(d * d)
            sum(w * (x - m) / sqrt(v + 1e-5))
        }

        // Two variables updated together, in a loop of scalars: (p, q) ← (q, p + q / 2).
        func pairs(a: Float, b: Float) -> Float {
            var (p, q) = (a, b)
            for i in 0..<6 {
                (p, q) = (q, p + 0.5 * q)
            }
            p * q
        }
        func pairsByHand(a: Float, b: Float) -> Float {
            var p = a
            var q = b
            for i in 0..<6 {
                let next = p + 0.5 * q
                p = q
                q = next
            }
            p * q
        }

        // A derivative's tuple taken apart, and differentiated again; '_' drops a value.
        let lossAndGradient = valueAndGrad(standardized, wrt: x)
        func penalized(x: [n], w: [n]) -> Float {
            let (value, g) = lossAndGradient(x, w)
            let (_, variance) = moments(g)
            value + sum(g * g) + variance
        }

        let dStandardized = grad(standardized)
        let dStandardizedByHand = grad(standardizedByHand)
        let dPairs = grad(pairs)
        let dPairsByHand = grad(pairsByHand)
        let dPenalized = grad(penalized)

        // jvp and vjp take every value of a tuple; each value alone, and their pairing with
        // output gradients, give the same derivatives.
        let momentsAlong = jvp(moments)
        let momentsPulled = vjp(moments)
        func meanOf(x: [n]) -> Float {
            let (m, _) = moments(x)
            m
        }
        func varianceOf(x: [n]) -> Float {
            let (_, v) = moments(x)
            v
        }
        let meanAlong = jvp(meanOf)
        let varianceAlong = jvp(varianceOf)
        func paired(x: [n], gm: Float, gv: Float) -> Float {
            let (m, v) = moments(x)
            gm * m + gv * v
        }
        let dPaired = grad(paired, wrt: x)
        // A gradient's tuple: its jvp is the Hessian times the tangent (as hvp gives), its vjp too.
        let dPairs2 = grad(pairs)
        let pairsGradientAlong = jvp(dPairs2)
        let pairsGradientPulled = vjp(dPairs2)
        let pairsCurvature = hvp(pairs)

        model Features {
            param w: [3, 4] = uniform(-1, 1)
            layer drop = Dropout(0.5)
            func features(x: [n, 3]) -> (h: [n, 4], total: Float) {
                let h = drop(x @ w)
                (h, sum(h))
            }
            func loss(x: [n, 3]) -> Float {
                let (h, total) = features(x)
                mean(h * h) + total
            }
        }
        """

    static let x = IRTensor(shape: [5], values: [0.3, -1.2, 2.0, 0.7, -0.4])
    static let w = IRTensor(shape: [5], values: [1.0, 0.5, -2.0, 0.25, 1.5])

    @Test func aTupleGivesWhatTheSameComputationWithoutOneGives() throws {
        let compiled = try CompiledFunctions(Self.source)
        let moments = try compiled.run("moments", [Self.x])
        let mean = Self.x.values.reduce(0, +) / 5
        try CompiledFunctions.expectSameValues(moments["mean"], IRTensor(mean), "mean")
        try CompiledFunctions.expectSameValues(moments["variance"], IRTensor(Self.x.values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5), "variance")
        for (name, byHand) in [("standardized", "standardizedByHand"), ("dStandardized", "dStandardizedByHand")] {
            let tupled = try compiled.run(name, [Self.x, Self.w])
            let written = try compiled.run(byHand, [Self.x, Self.w])
            for key in written.keys { try CompiledFunctions.expectSameValues(tupled[key], written[key], "\(name).\(key)") }
        }
        for (name, byHand) in [("pairs", "pairsByHand"), ("dPairs", "dPairsByHand")] {
            let tupled = try compiled.run(name, [IRTensor(0.8), IRTensor(-0.3)])
            let written = try compiled.run(byHand, [IRTensor(0.8), IRTensor(-0.3)])
            for key in written.keys { try CompiledFunctions.expectSameValues(tupled[key], written[key], "\(name).\(key)") }
        }
    }

    @Test func derivativesThroughTuplesAgreeWithFiniteDifferences() throws {
        let compiled = try CompiledFunctions(Self.source)
        let program = compiled.program
        let penalized = try #require(program.functions.first { $0.name == "penalized" }?.body)
        let gradient = try compiled.run("dPenalized", [Self.x, Self.w])
        for (index, name) in ["x", "w"].enumerated() {
            try GradientChecking.expectFiniteDifferences(
                of: penalized, result: "value", at: [Self.x, Self.w], varying: .argument(index),
                equal: try #require(gradient[name]), step: 1e-6, tolerance: 1e-6, "∂penalized/∂\(name)")
        }
    }

    @Test func theLoopOfScalarsStaysALoop() throws {
        let compiled = try CompiledFunctions(Self.source)
        let program = compiled.program
        let pairs = try #require(program.functions.first { $0.name == "pairs" }?.body)
        #expect(pairs.instructions.filter { if case .loop = $0.op { true } else { false } }.count == 1)
    }

    @Test func aCallOfATupleIsCopiedOnceForAllItsValues() throws {
        let compiled = try CompiledFunctions(Self.source)
        let program = compiled.program
        let model = try #require(program.models.first)
        let training = try #require(model.functions.first { $0.name == "loss" && $0.mode == .training })
        // One dropout mask: h and total come from the same draw, as they would in one PyTorch call.
        let masks = training.body.instructions.filter { if case .dropoutMask = $0.op { true } else { false } }
        #expect(masks.count == 1)
        let lowered = Compiler().run(source: Self.source, path: "test.tapeless", through: .ir).lowered
        let calls = try #require(lowered?.models.first?.functions.first { $0.name == "loss" && $0.mode == .training })
            .body.instructions.compactMap { if case .call(let callee) = $0.op { callee.result } else { nil } }
        #expect(calls == [0, 1])
    }

    @Test func jvpAndVjpTakeEveryValueOfATuple() throws {
        let compiled = try CompiledFunctions(Self.source)
        let t = IRTensor(shape: [5], values: [0.5, -0.25, 1.0, 0.0, 2.0])
        let along = try compiled.run("momentsAlong", [Self.x, t])
        let meanAlong = try compiled.run("meanAlong", [Self.x, t])
        let varianceAlong = try compiled.run("varianceAlong", [Self.x, t])
        #expect(along["mean"] == meanAlong["value"] && along["meanTangent"] == meanAlong["tangent"])
        #expect(along["variance"] == varianceAlong["value"] && along["varianceTangent"] == varianceAlong["tangent"])
        let (gm, gv) = (IRTensor(0.75), IRTensor(-1.5))
        let pulled = try compiled.run("momentsPulled", [Self.x, gm, gv])
        let paired = try compiled.run("dPaired", [Self.x, gm, gv])
        let (computed, expected) = (try #require(pulled["x"]).values, try #require(paired["x"]).values)
        #expect(zip(computed, expected).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(computed) vs \(expected)")
        #expect(pulled["mean"] == along["mean"] && pulled["variance"] == along["variance"])

        // Along (a, b) = (1, -2) and pulled by (1, -2): for the symmetric Hessian, the same as hvp.
        let (a, b) = (IRTensor(0.4), IRTensor(-0.9))
        let curvature = try compiled.run("pairsCurvature", [a, b, IRTensor(1), IRTensor(-2)])
        let gradientAlong = try compiled.run("pairsGradientAlong", [a, b, IRTensor(1), IRTensor(-2)])
        let gradientPulled = try compiled.run("pairsGradientPulled", [a, b, IRTensor(1), IRTensor(-2)])
        for name in ["a", "b"] {
            let hvp = try #require(curvature[name]).values[0]
            #expect(abs(try #require(gradientAlong[name + "Tangent"]).values[0] - hvp) <= 1e-12, "jvp of the gradient, \(name)")
            #expect(abs(try #require(gradientPulled[name + "Gradient"]).values[0] - hvp) <= 1e-12, "vjp of the gradient, \(name)")
        }
    }
}
