// Derivatives with Tapeless: first and second derivatives of y = x² + 3x, a frozen
// parameter, and stopGradient. The derivatives are generated Swift functions, built when
// the package builds; nothing is traced at run time.
//
// Output (stable):
//   dy/dx at x = 2: 7.0
//   d2y/dx2 at x = 2: 2.0
//   d/dx [x * stopGradient(x)] at x = 2: 2.0 (without stopGradient: 4.0)
//   frozen scale: gradient of loss w.r.t. w: 7.5, w.r.t. scale: 0.0
//   stopGradient(w): gradient of detachedLoss w.r.t. w: 5.0 (without stopGradient: 10.0)
import Tapeless

// PyTorch:
//   x = torch.tensor(2.0, requires_grad=True); y = x**2 + 3*x
//   dy_dx, = torch.autograd.grad(y, x, create_graph=True)   # 7.0
//   d2y_dx2, = torch.autograd.grad(dy_dx, x)                 # 2.0
// TensorFlow: two nested tf.GradientTape blocks, tape.gradient(y, x) inside and outside.
print("dy/dx at x = 2: \(dydx(x: 2))")
print("d2y/dx2 at x = 2: \(d2ydx2(x: 2))")

// PyTorch: (x * x.detach()) differentiates only the first factor, so the derivative is x.
print("d/dx [x * stopGradient(x)] at x = 2: \(dDetachedSquare(x: 2)) (without stopGradient: \(2 * 2 as Float))")

// A model with a trainable w = 2 and a frozen scale = 3 (PyTorch: scale.requires_grad_(False)).
// loss = mean(scale · w · x), so ∂loss/∂w = scale · mean(x) and scale gets no gradient:
// its slot in the gradient stays 0, and optimizers leave frozen parameters unchanged.
let model = ScaledLine(seed: 0)
let x = Tensor([1, 2, 3, 4])                     // mean(x) = 2.5
let (_, gradient) = model.lossWithGradient(x: x)
print("frozen scale: gradient of loss w.r.t. w: \(gradient.w), w.r.t. scale: \(gradient.scale)")

// detachedLoss = mean(w · stopGradient(w) · x): the detached factor counts as a constant,
// so ∂/∂w = w · mean(x) = 5, where mean(w² · x) would give 2w · mean(x) = 10.
let (_, detached) = model.detachedLossWithGradient(x: x)
print("stopGradient(w): gradient of detachedLoss w.r.t. w: \(detached.w) (without stopGradient: \(2 * model.w * 2.5))")
