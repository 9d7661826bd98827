import Tapeless
import Testing

/// Records as the plugin compiles them (Records.tapeless): Swift structs in and out, against
/// the same simulation written here in Swift, and gradients with respect to a record against
/// finite differences.
@Suite struct RecordTests {
    static let start = MassState(position: Tensor([0.3, -0.8]), velocity: Tensor([1.1, 0.4]))
    static let spring = SpringParameters(stiffness: 2.5, damping: 0.35)

    /// The energy of `springEnergy`, in Swift.
    static func energy(_ spring: SpringParameters) -> Float {
        var (p, v) = (start.position.scalars, start.velocity.scalars)
        var total: Float = 0
        for _ in 0..<12 {
            let force = (0..<2).map { -spring.stiffness * p[$0] - spring.damping * v[$0] }
            p = (0..<2).map { p[$0] + 0.05 * v[$0] }
            v = (0..<2).map { v[$0] + 0.05 * force[$0] }
            total += (v[0] * v[0] + v[1] * v[1]) / 2
        }
        return total
    }

    @Test func aFunctionTakesAndReturnsRecords() {
        let next = springStep(s: Self.start, spring: Self.spring)
        let force = (0..<2).map { -2.5 * Self.start.position.scalars[$0] - 0.35 * Self.start.velocity.scalars[$0] }
        for index in 0..<2 {
            #expect(abs(next.position.scalars[index] - (Self.start.position.scalars[index] + 0.05 * Self.start.velocity.scalars[index])) < 1e-6)
            #expect(abs(next.velocity.scalars[index] - (Self.start.velocity.scalars[index] + 0.05 * force[index])) < 1e-6)
        }
        #expect(abs(springEnergy(start: Self.start, spring: Self.spring) - Self.energy(Self.spring)) < 1e-5)
    }

    @Test func theGradientWithRespectToARecordIsARecord() {
        let gradient: SpringParameters = dSpringEnergy(start: Self.start, spring: Self.spring)
        let h: Float = 1e-2
        let stiffness = (Self.energy(SpringParameters(stiffness: 2.5 + h, damping: 0.35))
            - Self.energy(SpringParameters(stiffness: 2.5 - h, damping: 0.35))) / (2 * h)
        let damping = (Self.energy(SpringParameters(stiffness: 2.5, damping: 0.35 + h))
            - Self.energy(SpringParameters(stiffness: 2.5, damping: 0.35 - h))) / (2 * h)
        #expect(abs(gradient.stiffness - stiffness) < 2e-3 * max(1, abs(stiffness)), "\(gradient.stiffness) vs \(stiffness)")
        #expect(abs(gradient.damping - damping) < 2e-3 * max(1, abs(damping)), "\(gradient.damping) vs \(damping)")
        // valueAndGrad over every argument: the value, then one record per record argument.
        let both = springEnergyAndGradient(start: Self.start, spring: Self.spring)
        #expect(abs(both.value - Self.energy(Self.spring)) < 1e-5)
        #expect(both.spring.stiffness == gradient.stiffness && both.spring.damping == gradient.damping)
        #expect(both.start.position.shape == [2] && both.start.velocity.shape == [2])
    }

    @Test func jvpAndVjpOfFunctionsOnRecordsTakeAndGiveRecords() {
        let (p, v) = (Self.start.position.scalars, Self.start.velocity.scalars)
        // springStep: position + dt velocity, velocity + dt (-k position - c velocity).
        let along = springStepAlong(s: Self.start, spring: Self.spring, springTangent: SpringParameters(stiffness: 1, damping: -2))
        #expect(along.value.position.scalars == springStep(s: Self.start, spring: Self.spring).position.scalars)
        #expect(along.tangent.position.scalars == [0, 0])
        for index in 0..<2 {
            let expected = 0.05 * (-1 * p[index] + 2 * v[index])
            #expect(abs(along.tangent.velocity.scalars[index] - expected) < 1e-6, "\(along.tangent.velocity.scalars) vs \(expected)")
        }
        let g = MassState(position: Tensor([0.5, -1]), velocity: Tensor([2, 0.25]))
        let (gp, gv) = (g.position.scalars, g.velocity.scalars)
        let pulled = springStepPulled(s: Self.start, spring: Self.spring, outputGradient: g)
        #expect(pulled.value.velocity.scalars == springStep(s: Self.start, spring: Self.spring).velocity.scalars)
        for index in 0..<2 {
            #expect(abs(pulled.s.position.scalars[index] - (gp[index] - 0.05 * 2.5 * gv[index])) < 1e-6)
            #expect(abs(pulled.s.velocity.scalars[index] - (0.05 * gp[index] + (1 - 0.05 * 0.35) * gv[index])) < 1e-6)
        }
        #expect(abs(pulled.spring.stiffness - (0..<2).map { -0.05 * p[$0] * gv[$0] }.reduce(0, +)) < 1e-6)
        #expect(abs(pulled.spring.damping - (0..<2).map { -0.05 * v[$0] * gv[$0] }.reduce(0, +)) < 1e-6)

        // Along a direction of both records at once, against central differences of the energy.
        let direction = (start: MassState(position: Tensor([1, 0.5]), velocity: Tensor([-0.5, 1])), spring: SpringParameters(stiffness: 0.3, damping: 0.1))
        let tangent = springEnergyAlong(start: Self.start, spring: Self.spring, startTangent: direction.start, springTangent: direction.spring).tangent
        let h: Float = 1e-2
        func moved(_ step: Float) -> Float {
            let start = MassState(
                position: Tensor((0..<2).map { p[$0] + step * direction.start.position.scalars[$0] }),
                velocity: Tensor((0..<2).map { v[$0] + step * direction.start.velocity.scalars[$0] }))
            let spring = SpringParameters(stiffness: 2.5 + step * 0.3, damping: 0.35 + step * 0.1)
            return springEnergy(start: start, spring: spring)
        }
        let expected = (moved(h) - moved(-h)) / (2 * h)
        #expect(abs(tangent - expected) < 2e-3 * max(1, abs(expected)), "\(tangent) vs \(expected)")
    }

    @Test func recordArgumentsMayBeNamedLikeSwiftKeywords() {
        let (p, v) = (Self.start.position.scalars, Self.start.velocity.scalars)
        let energy = keywordEnergy(in: Self.start, default: 2)
        #expect(abs(energy - ((v[0] * v[0] + v[1] * v[1]) * 2 + p[0] + p[1])) < 1e-6)
        let shifted = keywordShifted(in: Self.start)
        #expect(shifted.position.scalars == [p[0] + v[0], p[1] + v[1]] && shifted.velocity.scalars == v)
        let gradient: MassState = dKeywordEnergy(in: Self.start, default: 2)
        #expect(gradient.position.scalars == [1, 1])
        #expect(gradient.velocity.scalars.indices.allSatisfy { abs(gradient.velocity.scalars[$0] - 4 * v[$0]) < 1e-6 })
    }

    @Test func everyFormOfAModelsFunctionHasAnOverloadOnRecords() {
        var model = NoisyLauncher.zero
        model.drag = 0.25
        let (p, v) = (Self.start.position, Self.start.velocity)
        // In inference dropout keeps everything: the value is drag · Σ(p + v), ∂/∂drag is Σ(p + v).
        let total = (p.scalars + v.scalars).reduce(0, +)
        #expect(abs(model.coast(start: Self.start) - 0.25 * total) < 1e-6)
        let (value, gradient) = model.coastWithGradient(start: Self.start)
        #expect(abs(value - 0.25 * total) < 1e-6 && abs(gradient.drag - total) < 1e-6)
        var into = NoisyLauncher.Gradient.zero
        #expect(model.coastWithGradient(start: Self.start, into: &into) == value && into.drag == gradient.drag)
        // In training, the forms on records draw the same masks as the forms on fields.
        let mode = ForwardMode.training(seed: 3, step: 1)
        #expect(model.coast(start: Self.start, mode: mode) == model.coast(startPosition: p, startVelocity: v, mode: mode))
        var onRecords = NoisyLauncher.Gradient.zero, onFields = NoisyLauncher.Gradient.zero
        let trained = model.coastWithGradient(start: Self.start, mode: mode, into: &onRecords)
        #expect(trained == model.coastWithGradient(startPosition: p, startVelocity: v, mode: mode, into: &onFields))
        #expect(onRecords.drag == onFields.drag)
    }

    @Test func aCallWithoutATypeGetsTheRecord() {
        let state = launch(speed: Tensor([3, 4]))
        #expect(state.position.scalars == [0, 0] && state.velocity.scalars == [3, 4])
        let fields: (position: Tensor, velocity: Tensor) = launch(speed: Tensor([3, 4]))
        #expect(fields.velocity.scalars == [3, 4])
    }

    @Test func aModelsFunctionTakesARecord() {
        var model = Launcher.zero
        model.drag = 0.1
        var (p, v) = (Self.start.position.scalars, Self.start.velocity.scalars)
        for _ in 0..<20 {
            p = (0..<2).map { p[$0] + 0.1 * v[$0] }
            v = (0..<2).map { v[$0] - 0.1 * 0.1 * v[$0] }
        }
        #expect(abs(model.coast(start: Self.start) - (p[0] + p[1])) < 1e-5)
    }
}
