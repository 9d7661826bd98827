/// The body of each kind of derivative definition, from the function it differentiates.
extension DerivativeRequest {
    /// The body of the definition `declared` (whose arguments the checker set: the function's,
    /// then the tangents or output gradient the kind adds), derived from `base`, the simplified
    /// body of the function it differentiates, which has one result.
    ///
    /// - `grad`, `valueAndGrad`, `vjp`: reverse mode, seeded by 1 or by the output gradient;
    /// - `jvp`: forward mode along the added tangents;
    /// - `hvp`: forward mode over the simplified reverse-mode gradient, so the Hessian is never
    ///   formed: the product costs a few evaluations of the gradient.
    func derive(from base: IRFunction, declared: IRFunction) throws -> IRFunction {
        let inputs = withRespectTo.map(DifferentiableInput.argument)
        let added = declared.arguments[base.arguments.count...].map(\.name)
        let resultName = base.results[0].name
        var derived: IRFunction
        let results: [IRResult]
        switch kind {
        case .grad, .valueAndGrad, .vjp:
            let seed: ReverseMode.Seed = kind == .vjp ? .argument(name: added[0]) : .one
            derived = try ReverseMode.differentiate(base, result: resultName, withRespectTo: inputs, seed: seed)
            let value = kind == .grad ? [] : [IRResult(name: "value", value: derived.results[0].value)]
            results = value + Self.gradients(of: derived)
        case .jvp:
            derived = ForwardMode.differentiate(base, withRespectTo: withRespectTo, tangentNames: added)
            results = [IRResult(name: "value", value: derived.results[0].value),
                       IRResult(name: "tangent", value: derived.results[1].value)]
        case .hvp:
            var gradient = try ReverseMode.differentiate(base, result: resultName, withRespectTo: inputs)
            gradient.results = Self.gradients(of: gradient)
            derived = ForwardMode.differentiate(Simplifier.simplify(gradient), withRespectTo: withRespectTo, tangentNames: added)
            results = zip(gradient.results, derived.results.suffix(gradient.results.count)).map { gradient, product in
                IRResult(name: gradient.name, value: product.value)
            }
        }
        derived.name = declared.name
        derived.results = results
        return derived
    }

    /// The gradient results of a reverse-mode derivative, as plain values named after their inputs.
    private static func gradients(of derived: IRFunction) -> [IRResult] {
        derived.results.filter { if case .gradient = $0.role { true } else { false } }
            .map { IRResult(name: $0.name, value: $0.value) }
    }
}
