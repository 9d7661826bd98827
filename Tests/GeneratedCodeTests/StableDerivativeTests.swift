import Tapeless
import Testing

/// Values and derivatives at the points where the naive formula fails in Float (Stable.tapeless):
/// far in the tails of log-sigmoid, softplus and log-sum-exp, and at the zero vector for the
/// norm and normalize, where the conventions of the language guide hold (PyTorch's).
@Suite struct StableDerivativeTests {
    @Test func tailsStayFinite() {
        let x = Tensor([-200, -90, 0, 90, 200])
        // log(sigmoid(-200)) would be log(0) = -inf, and its derivative 0 / 0.
        #expect(abs(logSigmoidSum(x: x) - (-200 - 90 - Float(0.6931472) - 0 - 0)) < 1e-3)
        #expect(dLogSigmoid(x: x).scalars.map { ($0 * 1e4).rounded() / 1e4 } == [1, 1, 0.5, 0, 0])
        // softplus(200) would be log(1 + inf).
        #expect(abs(softplusSum(x: x) - (Float(0.6931472) + 90 + 200)) < 1e-3)
        #expect(dSoftplus(x: x).scalars.map { ($0 * 1e4).rounded() / 1e4 } == [0, 0, 0.5, 1, 1])
        // exp(200) overflows; the shifted form does not.
        #expect(abs(lse(x: x) - 200) < 1e-3)
        #expect(dLse(x: x).scalars == [0, 0, 0, 0, 1])
    }

    @Test func normsAtZeroFollowPyTorch() {
        let zero = Tensor([0, 0, 0])
        #expect(length(x: zero) == 0)
        // The gradient of the norm at 0 is 0 (torch.linalg.vector_norm), not 0 · ∞ = NaN,
        // and the Hessian there is finite (0).
        #expect(dLength(x: zero).scalars == [0, 0, 0])
        #expect(hLength(x: zero).scalars.allSatisfy { $0.isFinite })
        // normalize divides by max(norm, 1e-12): 0 stays 0 and its Jacobian is finite (1e12 · I).
        #expect(unit(x: zero).scalars == [0, 0, 0])
        #expect(jUnit(x: zero).scalars.allSatisfy { $0.isFinite })
        // Away from 0: the unit vector and its Jacobian (I - u uᵀ) / |x|.
        let x = Tensor([3, 0, 4])
        #expect(unit(x: x).scalars == [0.6, 0, 0.8])
        let u: [Float] = [0.6, 0, 0.8]
        let jacobian = jUnit(x: x).scalars
        for i in 0..<3 {
            for j in 0..<3 {
                let expected = ((i == j ? 1 : 0) - u[i] * u[j]) / 5
                #expect(abs(jacobian[i * 3 + j] - expected) < 1e-6, "J[\(i), \(j)]")
            }
        }
    }
}
