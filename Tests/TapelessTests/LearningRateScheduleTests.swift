import Tapeless
import Testing

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    private func rates(_ schedule: some LearningRateSchedule, initial: Float = 0.1, upTo end: Int) -> [Float] {
        (0..<end).map { schedule.learningRate(at: $0, initial: initial) }
    }

    private func expectClose(_ actual: [Float], _ expected: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual, expected) {
            #expect(isClose(a, e, relative: 1e-6, absolute: 1e-9), "\(actual) vs \(expected)", sourceLocation: sourceLocation)
        }
    }

    @Test func stepDecay() {
        // StepLR(step_size=3, gamma=0.5) from 0.1: 0.1 for epochs 0-2, 0.05 for 3-5, 0.025 for 6.
        expectClose(rates(StepDecay(stepSize: 3, gamma: 0.5), upTo: 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])
    }

    @Test func exponentialDecay() {
        expectClose(rates(ExponentialDecay(gamma: 0.9), upTo: 4), [0.1, 0.09, 0.081, 0.0729])
    }

    @Test func cosineAnnealing() {
        // 0.01 + 0.09 * (1 + cos(πk/4)) / 2 for k = 0...4, then rising again past the period.
        let s = 0.5.squareRoot()
        expectClose(
            rates(CosineAnnealing(period: 4, minimum: 0.01), upTo: 6),
            [0.1, 0.01 + 0.045 * (1 + s), 0.055, 0.01 + 0.045 * (1 - s), 0.01, 0.01 + 0.045 * (1 - s)])
    }

    @Test func linearWarmup() {
        expectClose(rates(LinearWarmup(steps: 4), upTo: 6), [0.025, 0.05, 0.075, 0.1, 0.1, 0.1])
        // The wrapped schedule counts from zero when the warm-up ends.
        expectClose(
            rates(LinearWarmup(steps: 2, then: StepDecay(stepSize: 2, gamma: 0.1)), upTo: 7),
            [0.05, 0.1, 0.1, 0.1, 0.01, 0.01, 0.001])
        expectClose(rates(LinearWarmup(steps: 0, then: ExponentialDecay(gamma: 0.5)), upTo: 2), [0.1, 0.05])
    }

    @Test func constant() {
        expectClose(rates(ConstantLearningRate(), initial: 0.3, upTo: 3), [0.3, 0.3, 0.3])
    }
}
