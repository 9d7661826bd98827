import Testing
@testable import TapelessCompiler

/// Records (`struct`) in the interpreter: each program against the same computation with
/// every field written as its own value, derivatives with respect to a record against finite
/// differences, and a record of scalars carried through a loop that stays a loop.
@Suite struct RecordTests {
    static let source = """
        // A point mass on a damped spring: its state and the spring's parameters as records.
        struct State {
            var position: [2]
            var velocity: [2]
        }
        struct Spring {
            var stiffness: Float
            var damping: Float
        }
        let dt: Float = 0.05

        func step(s: State, spring: Spring) -> State {
            let force = -spring.stiffness * s.position - spring.damping * s.velocity
            State(position: s.position + dt * s.velocity, velocity: s.velocity + dt * force)
        }
        func kinetic(s: State) -> Float {
            sum(s.velocity * s.velocity) / 2
        }
        func simulate(start: State, spring: Spring) -> Float {
            var s = start
            var total = 0
            for t in 0..<12 {
                s = step(s, spring: spring)
                total += kinetic(s)
            }
            s.velocity += 0.5 * s.position
            total + sum(s.velocity) + step(s, spring).position[0]
        }

        // The same, each field its own value.
        func simulateByHand(p: [2], v: [2], k: Float, c: Float) -> Float {
            var position = p
            var velocity = v
            var total = 0
            for t in 0..<12 {
                let force = -k * position - c * velocity
                let next = position + dt * velocity
                velocity = velocity + dt * force
                position = next
                total += sum(velocity * velocity) / 2
            }
            velocity += 0.5 * position
            total + sum(velocity) + (position + dt * velocity)[0]
        }

        let dSpring = grad(simulate, wrt: spring)
        let dStart = grad(simulate, wrt: start)
        let dByHand = grad(simulateByHand)

        // A record of scalars in a loop of scalars, which runs as a loop.
        struct Oscillator {
            var x: Float
            var v: Float
        }
        func ring(k: Float) -> Float {
            var o = Oscillator(x: 1, v: 0)
            for i in 0..<500 {
                o.v -= 0.01 * k * o.x
                o.x += 0.01 * o.v
            }
            o.x * o.x + o.v
        }
        let dRing = grad(ring)
        """

    static let arguments = [IRTensor(shape: [2], values: [0.3, -0.8]), IRTensor(shape: [2], values: [1.1, 0.4]), IRTensor(2.5), IRTensor(0.35)]

    @Test func aRecordComputesWhatItsFieldsWrittenOutCompute() throws {
        let compiled = try CompiledFunctions(Self.source)
        let program = compiled.program
        // A record argument is its fields, in order: position, velocity, stiffness, damping.
        let simulate = try #require(program.functions.first { $0.name == "simulate" }?.body)
        #expect(simulate.arguments.map(\.name) == ["start.position", "start.velocity", "spring.stiffness", "spring.damping"])
        try CompiledFunctions.expectSameValues(try compiled.run("simulate", Self.arguments)["value"],
                             try compiled.run("simulateByHand", Self.arguments)["value"], "simulate")
        let byHand = try compiled.run("dByHand", Self.arguments)
        let spring = try compiled.run("dSpring", Self.arguments)
        try CompiledFunctions.expectSameValues(spring["spring.stiffness"], byHand["k"], "∂/∂stiffness")
        try CompiledFunctions.expectSameValues(spring["spring.damping"], byHand["c"], "∂/∂damping")
        let start = try compiled.run("dStart", Self.arguments)
        try CompiledFunctions.expectSameValues(start["start.position"], byHand["p"], "∂/∂position")
        try CompiledFunctions.expectSameValues(start["start.velocity"], byHand["v"], "∂/∂velocity")
    }

    @Test func derivativesWithRespectToARecordAgreeWithFiniteDifferences() throws {
        let compiled = try CompiledFunctions(Self.source)
        let program = compiled.program
        let simulate = try #require(program.functions.first { $0.name == "simulate" }?.body)
        let gradient = try compiled.run("dSpring", Self.arguments)
        for (index, name) in [(2, "spring.stiffness"), (3, "spring.damping")] {
            try GradientChecking.expectFiniteDifferences(
                of: simulate, result: "value", at: Self.arguments, varying: .argument(index),
                equal: try #require(gradient[name]), step: 1e-6, tolerance: 1e-6, "∂simulate/∂\(name)")
        }
    }

    @Test func aRecordOfScalarsIsCarriedThroughALoopThatStaysALoop() throws {
        let compiled = try CompiledFunctions(Self.source)
        let program = compiled.program
        let ring = try #require(program.functions.first { $0.name == "ring" }?.body)
        #expect(ring.instructions.filter { if case .loop = $0.op { true } else { false } }.count == 1)
        let gradient = try compiled.run("dRing", [IRTensor(3)])
        try GradientChecking.expectFiniteDifferences(
            of: ring, result: "value", at: [IRTensor(3)], varying: .argument(0),
            equal: try #require(gradient["k"]), step: 1e-6, tolerance: 1e-6, "∂ring/∂k")
    }
}
