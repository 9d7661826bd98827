import Tapeless
import Testing

/// The functions of Signatures.tapeless, compiled by the plugin: each signature shape (no
/// arguments, only a scalar, only unread labels, tensor results) builds and computes.
@Suite struct SignatureTests {
    let circuit = Circuit(seed: 0)  // resistance 2, currents [1, 1, 1]

    @Test func functionWithoutArguments() {
        #expect(circuit.computeResistance() == 6)
        let (value, gradient) = circuit.computeResistanceWithGradient()
        #expect(value == 6)
        #expect(gradient.resistance == 3)
        #expect(gradient.currents.scalars == [2, 2, 2])
    }

    @Test func tensorWithoutArguments() {
        #expect(circuit.voltages().scalars == [2, 2, 2])
    }

    @Test func scalarArgumentOnly() {
        #expect(circuit.power(current: 3) == 18)
        #expect(circuit.powerWithGradient(current: 3).gradient.resistance == 9)
    }

    @Test func unreadLabelsAreStillChecked() {
        let (value, gradient) = circuit.constantLossWithGradient(labels: IntTensor([0, 2]))
        #expect(value == 2)
        #expect(gradient.resistance == 1)
        #expect(gradient.currents.scalars == [0, 0, 0])
    }

    @Test func topLevelFunctionsWithoutArgumentsAndWithTensorResults() {
        #expect(unit() == 1)
        #expect(shifted(x: Tensor([1, 2])).scalars == [3, 5])
    }
}
