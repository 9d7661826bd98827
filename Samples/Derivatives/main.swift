// Derivatives with Tapeless: first and second derivatives of y = x² + 3x, forward mode, a
// Hessian-vector product, a pullback, a Jacobian, a custom derivative, the derivative of a
// `while` loop, a frozen parameter, and stopGradient. The derivatives are generated Swift functions, built when the package
// builds; nothing is traced at run time.
//
// Output (stable):
//   dy/dx at x = 2: 7.0
//   d2y/dx2 at x = 2: 2.0
//   jvp at x = 2 along 1: value 10.0, tangent 7.0
//   Hessian of sum(x² y) times (1, 0, 0 | 0, 0, 1): x [2.0, 0.0, 6.0], y [2.0, 0.0, 0.0]
//   pullback of x² at x = (1, 2, 3) of (1, 1, 1): [2.0, 4.0, 6.0]
//   Jacobian of x² at x = (1, 2, 3): [2.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 6.0]
//   d/dx log(1 + exp(x)) at x = 100: 1.0 with the custom rule, NaN derived from the body
//   Newton's method for √2: 1.4142135, derivative 0.35355338 (1 / (2√2) = 0.35355338)
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

// PyTorch: torch.func.jvp(f, (torch.tensor(2.0),), (torch.tensor(1.0),)) -> (10.0, 7.0)
let forward = tangentOfY(x: 2, xTangent: 1)
print("jvp at x = 2 along 1: value \(forward.value), tangent \(forward.tangent)")

// r = sum(x² y): ∂²r/∂x² = diag(2y), ∂²r/∂x∂y = diag(2x), ∂²r/∂y² = 0. Along the tangent
// (vx, vy) = ((1, 0, 0), (0, 0, 1)) at x = (1, 2, 3), y = (1, 1, 1):
// the x part is 2y·vx + 2x·vy = (2, 0, 6), the y part 2x·vx = (2, 0, 0).
let product = curvature(x: Tensor([1, 2, 3]), y: Tensor([1, 1, 1]), xTangent: Tensor([1, 0, 0]), yTangent: Tensor([0, 0, 1]))
print("Hessian of sum(x² y) times (1, 0, 0 | 0, 0, 1): x \(product.x.scalars), y \(product.y.scalars)")

// PyTorch: _, pullback = torch.func.vjp(lambda x: x * x, x); pullback(torch.ones(3)) -> 2x
let pulled = pullbackOfSquares(x: Tensor([1, 2, 3]), outputGradient: Tensor([1, 1, 1]))
print("pullback of x² at x = (1, 2, 3) of (1, 1, 1): \(pulled.x.scalars)")

// PyTorch: torch.func.jacfwd(lambda x: x * x)(x) -> diag(2x), shape [3, 3]
print("Jacobian of x² at x = (1, 2, 3): \(jacobianOfSquares(x: Tensor([1, 2, 3])).scalars)")

// PyTorch: a torch.autograd.Function whose backward returns grad_output * torch.sigmoid(x).
// exp(100) overflows Float, so the derivative derived from log(1 + exp(x)) is inf / inf.
let derived = dSoftplusWithoutRule(x: 100)
print("d/dx log(1 + exp(x)) at x = 100: \(dSoftplusWithRule(x: 100)) with the custom rule, \(derived.isNaN ? "NaN" : "\(derived)") derived from the body")

// PyTorch: x = a; while abs(step) > 1e-6 * x: step = (x * x - a) / (2 * x); x = x - step,
// then torch.autograd.grad(x, a): autograd records each iteration that ran. Here the reverse
// pass runs the iterations backwards, from the one value per iteration the loop kept.
print("Newton's method for √2: \(squareRoot(a: 2)), derivative \(dSquareRoot(a: 2)) (1 / (2√2) = \(1 / (2 * Float(2).squareRoot())))")

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
