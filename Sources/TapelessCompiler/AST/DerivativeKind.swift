/// The transforms a derivative declaration applies, by their spelling in the language
/// (`let name = kind(function, wrt: …)`).
public enum DerivativeKind: String, CaseIterable, Sendable {
    /// The gradient of a Float function with respect to its arguments (`jax.grad`,
    /// `torch.autograd.grad`).
    case grad
    /// The value and the gradient from one pass (`jax.value_and_grad`).
    case valueAndGrad
    /// The value and the product of a given output gradient with the Jacobian, by reverse mode
    /// (`torch.func.vjp`): the pullback of a function of any output shape, or of several
    /// values (one output gradient each).
    case vjp
    /// The value and its derivative along given tangents of the arguments, by forward mode
    /// (`torch.func.jvp`); of a function returning several values, each value and its tangent.
    case jvp
    /// The Hessian of a Float function times given vectors, by forward mode over reverse mode,
    /// never materializing the Hessian.
    case hvp
    /// The Jacobian of a function with respect to each argument, shaped as the result's shape
    /// followed by the argument's (`torch.func.jacfwd` / `jacrev`), by forward or reverse mode,
    /// whichever takes fewer passes, over a batch of basis vectors.
    case jacobian
    /// The Hessian of a Float function with respect to each argument, shaped as the argument's
    /// shape twice (`torch.func.hessian`): the Jacobian of the gradient, by forward mode over
    /// reverse mode.
    case hessian

    /// Whether it differentiates a function returning several values (a tuple) whole: `jvp`
    /// gives every value's tangent, `vjp` takes an output gradient for each.
    public var takesSeveralResults: Bool {
        switch self {
        case .vjp, .jvp: true
        case .grad, .valueAndGrad, .hvp, .jacobian, .hessian: false
        }
    }

    /// Every spelling, quoted and listed for messages: `'grad', 'valueAndGrad', … and 'hvp'`.
    static var spellings: String {
        let quoted = allCases.map { "'\($0.rawValue)'" }
        return quoted.dropLast().joined(separator: ", ") + " and " + quoted.last!
    }
}
