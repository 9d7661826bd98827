// A physics-informed network: fit u'' = -u, u(0) = 1, u'(0) = 0 on [0, 2π] with a loss that
// contains the network's own derivatives (Oscillator.tapeless), then compare it with cos(t).
// The loss's gradient with respect to the parameters holds third derivatives of the network;
// all of it is generated Swift, derived when the package builds.
//
// Output (stable): the loss every 1,000 steps, then the largest error against cos(t).
import Foundation
import Tapeless

let steps = 6000
let collocation = 128
let period = 2 * Float.pi
// Collocation points spread evenly over [0, 2π], as a column [128, 1].
let t = Tensor(shape: [collocation, 1], scalars: (0..<collocation).map { period * Float($0) / Float(collocation - 1) })
let start = Tensor(shape: [1, 1], scalars: [0])

var model = Oscillator(seed: 0)
var optimizer = Adam(learningRate: 3e-3)
var gradient = Oscillator.Gradient.zero
for step in 1...steps {
    let loss = model.lossWithGradient(t: t, start: start, into: &gradient)
    optimizer.update(&model, along: gradient)
    if step % 1000 == 0 { print("step \(step): loss \(String(format: "%.2e", loss))") }
}

// The largest error against cos(t) on a grid finer than the collocation points.
let grid = Tensor(shape: [1001, 1], scalars: (0...1000).map { period * Float($0) / 1000 })
let predicted = model.u(t: grid).scalars
let error = zip(grid.scalars, predicted).map { abs(cos($0) - $1) }.max() ?? .infinity
print("largest error against cos(t) on [0, 2π]: \(String(format: "%.4f", error))")
