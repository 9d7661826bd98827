import Foundation
import Tapeless
import Testing

/// A loss that contains the model's derivative trains: the physics-informed network of
/// PhysicsInformed.tapeless, fitted to u' = -u, u(0) = 1 by Adam, ends within 0.01 of exp(-t)
/// on [0, 1] (the sample `PhysicsInformed` does the same for u'' = -u).
@Suite struct PhysicsInformedTests {
    @Test func networkFitsTheSolutionOfTheEquation() {
        let points = 16
        let t = Tensor(shape: [points, 1], scalars: (0..<points).map { Float($0) / Float(points - 1) })
        let start = Tensor(shape: [1, 1], scalars: [0])
        var model = Decay(seed: 0)
        var optimizer = Adam(learningRate: 1e-2)
        var gradient = Decay.Gradient.zero
        let first = model.lossWithGradient(t: t, start: start, into: &gradient)
        var loss = first
        for _ in 0..<1500 {
            loss = model.lossWithGradient(t: t, start: start, into: &gradient)
            optimizer.update(&model, along: gradient)
        }
        #expect(loss < first / 100, "loss \(loss) from \(first)")
        let grid = Tensor(shape: [101, 1], scalars: (0...100).map { Float($0) / 100 })
        let error = zip(grid.scalars, model.u(t: grid).scalars).map { abs(Float(exp(Double(-$0))) - $1) }.max() ?? .infinity
        #expect(error < 0.01, "largest error against exp(-t): \(error)")
    }
}
