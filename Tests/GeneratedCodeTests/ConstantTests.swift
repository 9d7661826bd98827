import Foundation
import Tapeless
import Testing

/// Named constants as the plugin compiles them (Constants.tapeless): each use reads the
/// constant's value, computed when the file compiled.
@Suite struct ConstantTests {
    @Test func functionsReadTheConstantsValues() {
        let x = Tensor([1, -2, 0.5])
        let expected = x.scalars.map { $0 - 0.2 * $0 * 0.1 + Float(2.0.squareRoot() / 2) }
        #expect(zip(step(x: x).scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(dstep(x: x).scalars.allSatisfy { abs($0 - (1 - 0.02)) < 1e-6 })
    }

    @Test func aModelReadsItsOwnAndTopLevelConstants() {
        var model = Cooling.zero
        model.k = 0.5
        let t = Tensor([0, 1, 2])
        let observed = Tensor([30, 25, 22])
        let residuals = zip(t.scalars, observed.scalars).map { t, o in 20 + (o - 20) * exp(-0.5 * 0.1 * t) - o }
        let expected = residuals.map { $0 * $0 }.reduce(0, +) / 3
        #expect(abs(model.loss(t: t, observed: observed) - expected) < 1e-4)
    }
}
