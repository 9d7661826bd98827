/// Shape arithmetic: broadcasting, matrix products, axes and size-variable unification.
///
/// A dimension is known (`.fixed`) or a size variable bound at run time (`.size`). Two
/// dimensions agree only when they are equal; a literal 1 broadcasts against anything. Two
/// different size variables never agree: nothing says they are equal at run time.
enum ShapeRules {
    /// Where two shapes fail to broadcast: the axis (counted in the result) and the two sizes.
    struct Mismatch: Error {
        var axis: Int
        var left: Dimension
        var right: Dimension
    }

    /// The NumPy broadcast of two shapes (right-aligned), or where they disagree.
    static func broadcast(_ left: [Dimension], _ right: [Dimension]) -> Result<[Dimension], Mismatch> {
        let rank = max(left.count, right.count)
        var result: [Dimension] = []
        for axis in 0..<rank {
            let l = axis - (rank - left.count), r = axis - (rank - right.count)
            switch (l >= 0 ? left[l] : nil, r >= 0 ? right[r] : nil) {
            case (let a?, nil): result.append(a)
            case (nil, let b?): result.append(b)
            case (let a?, let b?):
                if a == b || b == .fixed(1) {
                    result.append(a)
                } else if a == .fixed(1) {
                    result.append(b)
                } else {
                    return .failure(Mismatch(axis: axis, left: a, right: b))
                }
            case (nil, nil): preconditionFailure("axis \(axis) is in neither shape")
            }
        }
        return .success(result)
    }

    /// The shape of a matrix product, or a message saying why the operands don't multiply.
    static func matrixProduct(_ left: [Dimension], _ right: [Dimension]) -> Result<[Dimension], MessageError> {
        let describe = { (shape: [Dimension]) in ValueType.tensor(shape).description }
        if left.count > 2 || right.count > 2 {
            return batchedMatrixProduct(left, right, describe)
        }
        guard left.count == 2 || right.count == 2 else {
            return .failure(MessageError("cannot multiply two vectors \(describe(left)) and \(describe(right)) with @; for a dot product write sum(a * b)"))
        }
        let inner = (left[left.count - 1], right[0])
        guard inner.0 == inner.1 else {
            return .failure(MessageError("cannot multiply \(describe(left)) and \(describe(right)): the inner dimensions \(inner.0) and \(inner.1) differ"))
        }
        return .success(Array(left.dropLast()) + Array(right.dropFirst()))
    }

    /// A product with a batch of matrices (PyTorch's `matmul` of rank 3 or 4): the same
    /// leading (batch) axes on both sides, or a batch times one matrix.
    private static func batchedMatrixProduct(
        _ left: [Dimension], _ right: [Dimension], _ describe: ([Dimension]) -> String
    ) -> Result<[Dimension], MessageError> {
        guard left.count >= 2, right.count >= 2, right.count == 2 || right.count == left.count else {
            return .failure(MessageError(
                "cannot multiply \(describe(left)) and \(describe(right)): a batch of matrices multiplies a batch with the same "
                    + "leading axes, or one matrix"))
        }
        guard right.count == 2 || left.dropLast(2) == right.dropLast(2) else {
            return .failure(MessageError("cannot multiply \(describe(left)) and \(describe(right)): their batch axes differ"))
        }
        let inner = (left[left.count - 1], right[right.count - 2])
        guard inner.0 == inner.1 else {
            return .failure(MessageError("cannot multiply \(describe(left)) and \(describe(right)): the inner dimensions \(inner.0) and \(inner.1) differ"))
        }
        return .success(Array(left.dropLast()) + [right[right.count - 1]])
    }

    /// A diagnostic message carried in a `Result`.
    struct MessageError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The most axes a tensor of indices may have: a batch of sequences of positions.
    static let maximumIndexRank = 3

    /// Why `type` can't pick rows of a table (in `gather` or an `Embedding` layer), or `nil`
    /// when it can: indices are Int, of rank at most ``maximumIndexRank``.
    static func indexError(_ type: ValueType) -> MessageError? {
        guard type.element != .int || type.rank > maximumIndexRank else { return nil }
        return MessageError("needs Int indices of rank at most \(maximumIndexRank), such as Int[batch, length], not \(type)")
    }

    /// The nonnegative axis an axis literal names in a tensor of `rank` (negative counts from the end).
    static func normalizedAxis(_ axis: Int, rank: Int) -> Int? {
        let normalized = axis < 0 ? axis + rank : axis
        return (0..<rank).contains(normalized) ? normalized : nil
    }

    /// Binds the callee's size variables in `parameter` to the caller's dimensions in `argument`;
    /// returns whether they agree (same element, rank and dimensions under the bindings).
    static func unify(parameter: ValueType, argument: ValueType, bindings: inout [String: Dimension]) -> Bool {
        guard parameter.element == argument.element, parameter.rank == argument.rank else { return false }
        var proposed = bindings
        for (expected, actual) in zip(parameter.shape, argument.shape) {
            switch expected {
            case .fixed:
                guard expected == actual else { return false }
            case .size(let name):
                if let bound = proposed[name] {
                    guard bound == actual else { return false }
                } else {
                    proposed[name] = actual
                }
            }
        }
        bindings = proposed
        return true
    }
}
