import Foundation
import Tapeless
import Testing

/// Loops with `checkpointEvery:` as the plugin compiles them (Checkpoints.tapeless): the
/// reverse pass keeps every k-th state and computes the others again in segments, and every
/// derivative equals the one of the same loop without checkpoints, to the last bit.
@Suite struct CheckpointTests {
    /// A thermostat's inputs: an outside temperature and a target trace of 1,000 steps.
    static let outside = Tensor((0..<1000).map { (i: Int) -> Float in Float(8 + 6 * sin(Double(i) * 0.0063)) })
    static let target = Tensor((0..<1000).map { (i: Int) -> Float in Float(19 + 2 * sin(Double(i) * 0.011)) })

    @Test func theThermostatsGradientAndCurvatureEqualTheOnesWithoutCheckpoints() {
        // The heater is proportional near the set point: both sides of the branch run.
        let (c, u, p, k, s, t0): (Float, Float, Float, Float, Float, Float) = (2.0, 0.3, 8.0, 0.6, 20.0, 12.0)
        let plain = dHeatedRoom(c: c, u: u, p: p, k: k, s: s, t0: t0, outside: Self.outside, target: Self.target)
        let checkpointed = dHeatedRoomCheckpointed(c: c, u: u, p: p, k: k, s: s, t0: t0, outside: Self.outside, target: Self.target)
        let computed: [Float] = [checkpointed.c, checkpointed.u, checkpointed.p, checkpointed.k, checkpointed.s, checkpointed.t0]
        let expected: [Float] = [plain.c, plain.u, plain.p, plain.k, plain.s, plain.t0]
        #expect(computed == expected)
        #expect(checkpointed.outside.scalars == plain.outside.scalars)
        #expect(checkpointed.target.scalars == plain.target.scalars)
        #expect(plain.c != 0 && plain.u != 0 && plain.p != 0, "the derivatives are not trivially zero")

        let curvature = heatedRoomCurvature(
            c: c, u: u, p: p, k: k, s: s, t0: t0, outside: Self.outside, target: Self.target, cTangent: 0.5, uTangent: -1)
        let checkpointedCurvature = heatedRoomCheckpointedCurvature(
            c: c, u: u, p: p, k: k, s: s, t0: t0, outside: Self.outside, target: Self.target, cTangent: 0.5, uTangent: -1)
        #expect(checkpointedCurvature.c == curvature.c && checkpointedCurvature.u == curvature.u)
        #expect(curvature.c != 0)
    }

    @Test func aWhileLoopsGradientEqualsTheOneWithoutCheckpoints() {
        // Different arguments stop the loop after different numbers of iterations: segments
        // of 7 end anywhere in the last one.
        for (c, s) in [(Float(1.2), Float(0.8)), (0.4, 1.5), (2.0, 0.3), (-0.7, 1.0)] {
            let q = Tensor([0.05, 0.3])
            let plain = dDescent(c: c, s: s, q: q)
            let checkpointed = dDescentCheckpointed(c: c, s: s, q: q)
            #expect(checkpointed.c == plain.c && checkpointed.s == plain.s, "c \(c), s \(s)")
            #expect(checkpointed.q.scalars == plain.q.scalars, "c \(c), s \(s)")
            #expect(plain.c != 0)
        }
    }

    @Test func aModelsGradientEqualsTheOneWithoutCheckpoints() {
        let readings = Tensor((0..<64).map { (i: Int) -> Float in 15 + 25 * Float(exp(-0.03 * Double(i))) })
        var plain = CoolingRoom(seed: 0)
        var checkpointed = CoolingRoomCheckpointed(seed: 0)
        (plain.rate, plain.ambient) = (0.35, 12)
        (checkpointed.rate, checkpointed.ambient) = (0.35, 12)
        let (value, gradient) = plain.lossWithGradient(readings: readings)
        let (checkpointedValue, checkpointedGradient) = checkpointed.lossWithGradient(readings: readings)
        #expect(checkpointedValue == value)
        #expect(checkpointedGradient.rate == gradient.rate && checkpointedGradient.ambient == gradient.ambient)
        #expect(gradient.rate != 0 && gradient.ambient != 0)
    }

    @Test func anUnrolledLoopsGradientAndCurvatureEqualTheOnesWithoutCheckpoints() {
        func tensor(_ shape: [Int], _ scale: Double) -> Tensor {
            let count = shape.reduce(1, *)
            return Tensor(shape: shape, scalars: (0..<count).map { Float(scale * sin(Double($0) * 0.7 + 0.3)) })
        }
        let (x, w, u, v) = (tensor([3, 16, 8], 1), tensor([8, 32], 0.3), tensor([32, 32], 0.2), tensor([32, 1], 0.5))
        let plain = dRecurrentScore(x: x, w: w, u: u, v: v)
        let checkpointed = dRecurrentScoreCheckpointed(x: x, w: w, u: u, v: v)
        #expect(checkpointed.w.scalars == plain.w.scalars)
        #expect(checkpointed.u.scalars == plain.u.scalars)
        #expect(checkpointed.v.scalars == plain.v.scalars)
        #expect(plain.u.scalars.contains { $0 != 0 })
        let direction = tensor([32, 32], -0.1)
        let curvature = recurrentScoreCurvature(x: x, w: w, u: u, v: v, uTangent: direction)
        let checkpointedCurvature = recurrentScoreCheckpointedCurvature(x: x, w: w, u: u, v: v, uTangent: direction)
        #expect(checkpointedCurvature.scalars == curvature.scalars)
    }

    @Test func aRecurrentLayersGradientEqualsTheOneWithoutCheckpoints() {
        let plain = SequenceReader(seed: 3)
        let checkpointed = SequenceReaderCheckpointed(parameterScalars: plain.parameterScalars)
        let x = Tensor(shape: [5, 12, 4], scalars: (0..<240).map { Float(sin(Double($0) * 0.37)) })
        let labels = IntTensor([0, 2, 1, 1, 0])
        let (value, gradient) = plain.lossWithGradient(x: x, labels: labels)
        let (checkpointedValue, checkpointedGradient) = checkpointed.lossWithGradient(x: x, labels: labels)
        #expect(checkpointedValue == value)
        // The same terms, though the products that add into a weight's gradient may add them in
        // another order once the steps are computed again: equal up to rounding.
        let differences = zip(checkpointedGradient.parameterScalars, gradient.parameterScalars).map { abs($0 - $1) / max(1e-6, abs($1)) }
        #expect(differences.max()! < 1e-4, "largest relative difference \(differences.max()!)")
        #expect(gradient.lstmWeight_hh_l0.scalars.contains { $0 != 0 })
    }
}
