/// Which loops run as loops: those whose bodies compute only scalars.
///
/// Such a body becomes one ``IRLoop`` whatever the count: it reads tensors from outside one
/// element at a time (`x[i]`, `target[i + 1]`, `w[i, 3]`), and its reverse pass stores one
/// scalar per carried variable per iteration. Any other loop is unrolled when it compiles
/// (up to ``Checker/maximumIterations`` iterations), which lets fusion see across iterations.
extension Checker {
    /// Whether `body` (already checked) holds no loop and computes only scalars: every
    /// expression is a scalar, every call an elementwise builtin, every assignment a Float,
    /// and tensors appear only as subscripts down to one element of a name from outside.
    func computesScalars(_ body: [Statement]) -> Bool {
        body.allSatisfy { statement in
            switch statement {
            case .binding(let binding): return computesScalar(binding.value)
            case .assignment(let assignment): return types[assignment.value.id] == .scalar && computesScalar(assignment.value)
            case .destructuring(let destructuring):
                guard case .tuple(let elements) = destructuring.value.kind else { return false }
                return elements.allSatisfy { types[$0.value.id] == .scalar && computesScalar($0.value) }
            case .loop, .whileLoop: return false
            case .branch(let branch):
                return computesScalar(branch.condition) && computesScalars(branch.thenBody) && computesScalars(branch.elseBody)
            }
        }
    }

    func computesScalar(_ expression: Expr) -> Bool {
        if case .number = expression.kind { return true }
        guard let type = types[expression.id], type.rank == 0, let resolution = resolutions[expression.id] else { return false }
        switch resolution {
        case .local, .argument, .parameter, .constant:
            return true
        case .builtin(let call):
            return call.builtin.isElementwise && call.operands.allSatisfy(computesScalar)
        case .index(let base, let indices):
            return type.element == .float && isNameFromOutside(base) && indices.allSatisfy { index in
                switch index {
                case .index, .position: return true
                case .all, .range, .strided: return false
                }
            }
        case .layer, .modelFunction, .function:
            return false
        }
    }

    /// Whether `expression` names a value rather than computing one: a tensor a loop's body
    /// may read elements of.
    private func isNameFromOutside(_ expression: Expr) -> Bool {
        switch resolutions[expression.id] {
        case .local, .argument, .parameter: return true
        case .constant, .builtin, .layer, .modelFunction, .function, .index, nil: return false
        }
    }
}
