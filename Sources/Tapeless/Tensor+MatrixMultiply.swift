/// The matrix product of two rank-2 tensors, as PyTorch's `a @ b`.
///
/// ```swift
/// matmul(Tensor([[1, 2], [3, 4]]), Tensor([[5], [6]]))   // [[17], [39]]
/// ```
/// - Precondition: both are matrices and `left`'s column count equals `right`'s row count.
public func matmul(_ left: Tensor, _ right: Tensor) -> Tensor {
    precondition(
        left.rank == 2 && right.rank == 2,
        "matmul needs two matrices (rank 2), but the shapes are \(left.shape) and \(right.shape)."
    )
    let m = left.shape[0], k = left.shape[1], n = right.shape[1]
    precondition(
        right.shape[0] == k,
        "cannot multiply matrices \(left.shape) and \(right.shape): the left has \(k) columns but the right has \(right.shape[0]) rows"
    )
    // Empty operands have no base address; their product is all zeros (or empty).
    guard m > 0, n > 0, k > 0 else { return Tensor(zeros: [m, n]) }
    return left.withUnsafeBufferPointer { a in
        right.withUnsafeBufferPointer { b in
            Tensor(shape: [m, n]) { c in
                Kernels.matrixMultiply(
                    m: m, n: n, k: k,
                    a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                    c: c.baseAddress!, ldc: n)
            }
        }
    }
}
