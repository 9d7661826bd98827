import Tapeless
import Testing

/// Top-level functions and `grad` definitions of Seed.tapeless, compiled by the plugin.
@Suite struct DerivativeTests {
    @Test func firstAndSecondDerivatives() {
        #expect(f(x: 2) == 10)
        #expect(df(x: 2) == 7)
        #expect(d2f(x: 2) == 2)
    }
}
