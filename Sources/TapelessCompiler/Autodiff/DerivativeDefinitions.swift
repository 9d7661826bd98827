/// The body of each kind of derivative definition, from the function it differentiates.
extension DerivativeRequest {
    /// The body of the definition `declared` (whose arguments the checker set: the function's,
    /// then the tangents or output gradient the kind adds), derived from `base`, the simplified
    /// body of the function it differentiates, which has one result.
    ///
    /// - `grad`, `valueAndGrad`, `vjp`: reverse mode, seeded by 1 or by the output gradient;
    /// - `jvp`: forward mode along the added tangents;
    /// - `hvp`: forward mode over the simplified reverse-mode gradient, so the Hessian is never
    ///   formed: the product costs a few evaluations of the gradient;
    /// - `jacobian`, `hessian`: `jvp` or `vjp` vectorized over the rows of an identity matrix
    ///   (``Vectorization``), the Hessian being the forward-mode Jacobian of the gradient.
    func derive(from base: IRFunction, declared: IRFunction) throws -> IRFunction {
        if kind == .jacobian || kind == .hessian { return try matrices(of: base, declared: declared) }
        let inputs = withRespectTo.map(DifferentiableInput.argument)
        let added = declared.arguments[base.arguments.count...].map(\.name)
        let resultName = base.results[0].name
        var derived: IRFunction
        let results: [IRResult]
        switch kind {
        case .vjp where base.results.count > 1:
            // The pullback of several values is the gradient of their pairing with the output gradients.
            let paired = Self.pairing(base, with: Array(declared.arguments[base.arguments.count...]))
            derived = try ReverseMode.differentiate(paired, result: paired.results.last!.name, withRespectTo: inputs)
            let values = base.results.indices.map { IRResult(name: base.results[$0].name, value: derived.results[$0].value) }
            results = values + Self.gradients(of: derived)
        case .jvp where base.results.count > 1:
            // Every value, then every value's tangent (named with a `Tangent` suffix).
            derived = ForwardMode.differentiate(base, withRespectTo: withRespectTo, tangentNames: added)
            results = derived.results.map { IRResult(name: $0.name, value: $0.value) }
        case .grad, .valueAndGrad, .vjp:
            let seed: ReverseMode.Seed = kind == .vjp ? .argument(name: added[0]) : .one
            derived = try ReverseMode.differentiate(base, result: resultName, withRespectTo: inputs, seed: seed)
            let value = kind == .grad ? [] : [IRResult(name: "value", value: derived.results[0].value)]
            results = value + Self.gradients(of: derived)
        case .jvp:
            derived = ForwardMode.differentiate(base, withRespectTo: withRespectTo, tangentNames: added)
            results = [IRResult(name: "value", value: derived.results[0].value),
                       IRResult(name: "tangent", value: derived.results[1].value)]
        case .jacobian, .hessian:
            preconditionFailure("derived by matrices(of:declared:)")
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
        if !resultNames.isEmpty {
            precondition(resultNames.count == results.count, "one name per result of \(kind)(\(function))")
            for (index, name) in resultNames.enumerated() { derived.results[index].name = name }
        }
        return derived
    }

    /// The Jacobian of `base`'s result (for `hessian`, of its gradient) with respect to each
    /// argument in ``withRespectTo``, shaped as the result's shape followed by the argument's.
    private func matrices(of base: IRFunction, declared: IRFunction) throws -> IRFunction {
        var builder = IRBuilder()
        let arguments = declared.arguments.enumerated().map { builder.emit(.argument($0.offset), type: $0.element.type) }
        var results: [IRResult] = []
        for (position, index) in withRespectTo.enumerated() {
            var function = base
            if kind == .hessian {
                var gradient = try ReverseMode.differentiate(base, result: base.results[0].name, withRespectTo: [.argument(index)])
                gradient.results = Self.gradients(of: gradient)
                function = Simplifier.simplify(gradient)
            }
            let reverse = kind == .jacobian && reverseMode[position]
            let matrix = try Self.jacobian(of: function, argument: index, reverse: reverse, at: arguments, &builder)
            results.append(IRResult(name: declared.arguments[index].name, value: matrix))
        }
        return IRFunction(name: declared.name, arguments: declared.arguments, instructions: builder.instructions, results: results)
    }

    /// Appends the Jacobian of `function`'s one result with respect to its argument `index`
    /// at `arguments`: `jvp` vectorized over the identity's rows as tangents (forward mode, one
    /// row per element of the argument) or `vjp` vectorized over them as output gradients
    /// (reverse mode, one per element of the result). Returns it shaped as the result's shape
    /// followed by the argument's.
    private static func jacobian(
        of function: IRFunction, argument index: Int, reverse: Bool, at arguments: [IRValue], _ b: inout IRBuilder
    ) throws -> IRValue {
        let argumentShape = function.arguments[index].type.shape
        let resultShape = function.definitions()[function.results[0].value]!.type.shape
        let basisShape = reverse ? resultShape : argumentShape
        guard let count = IRDimension.product(basisShape) else {
            throw Lowering.Failure(description: "the Jacobian needs the number of elements of \(basisShape) known when the package builds")
        }
        var single: IRFunction
        if reverse {
            single = try ReverseMode.differentiate(
                function, result: function.results[0].name, withRespectTo: [.argument(index)], seed: .argument(name: "basis"))
            single.results = gradients(of: single)
        } else {
            single = ForwardMode.differentiate(function, withRespectTo: [index], tangentNames: ["basis"])
            single.results = [single.results[1]]
        }
        let batched = try Vectorization.vectorize(Simplifier.simplify(single), batched: [function.arguments.count], batch: [count])

        let square = IRType.float([count, count])
        let isDiagonal = b.compare(.equal, b.emit(.iota(axis: 0), type: square), b.emit(.iota(axis: 1), type: square))
        var identity = b.select(isDiagonal, b.constant(1), b.constant(0))
        if basisShape != [count] { identity = b.emit(.reshape, [identity], type: .float([count] + basisShape)) }
        var rows = Inliner.inline(batched, arguments: Array(arguments.prefix(function.arguments.count)) + [identity], into: &b)[0]
        if !reverse && !resultShape.isEmpty {
            // [count] + result → result + [count]: each basis vector's tangent is a column.
            let rank = resultShape.count
            rows = b.emit(.permute(Array(1..<(rank + 1)) + [0]), [rows], type: .float(resultShape + [count]))
        }
        let shape = resultShape + argumentShape
        if b.type(of: rows).shape == shape { return rows }
        // A scalar's derivative by a scalar: the one element, as a scalar rather than a tensor.
        return shape.isEmpty ? b.reduceSum(rows, axis: nil) : b.emit(.reshape, [rows], type: .float(shape))
    }

    /// `base` taking one output gradient per result (`outputGradients`, each of its result's
    /// type) and returning, after its results, the sum of each result times its output
    /// gradient: the Float whose gradient is the vector–Jacobian product of all the results.
    private static func pairing(_ base: IRFunction, with outputGradients: [IRArgument]) -> IRFunction {
        var b = IRBuilder(instructions: base.instructions, nextID: base.nextValueID)
        var total: IRValue?
        for (position, (result, gradient)) in zip(base.results, outputGradients).enumerated() {
            let seed = b.emit(.argument(base.arguments.count + position), type: gradient.type)
            var product = b.multiply(result.value, seed)
            if !gradient.type.isScalar { product = b.reduceSum(product, axis: nil) }
            total = total.map { b.add($0, product) } ?? product
        }
        var paired = base
        paired.arguments += outputGradients
        paired.instructions = b.instructions
        paired.results.append(IRResult(name: "pairing", value: total!))
        return paired
    }

    /// The gradient results of a reverse-mode derivative, as plain values named after their inputs.
    private static func gradients(of derived: IRFunction) -> [IRResult] {
        derived.results.filter { if case .gradient = $0.role { true } else { false } }
            .map { IRResult(name: $0.name, value: $0.value) }
    }
}
