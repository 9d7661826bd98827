/// Scales `gradient` down so that the Euclidean norm of all its trainable elements is at most
/// `maxNorm`, and returns the norm it had before (PyTorch's `torch.nn.utils.clip_grad_norm_`).
///
/// When the norm exceeds `maxNorm`, every trainable element is multiplied by
/// `maxNorm / (norm + 1e-6)`, as PyTorch does; otherwise nothing changes. Elements of frozen
/// parameters are neither counted nor changed. A non-finite norm is returned and the
/// gradient is left alone, so the caller can skip the step.
///
/// ```swift
/// let norm = clipByGlobalNorm(&gradient, maxNorm: 1)
/// ```
///
/// - Precondition: `maxNorm` is positive.
@discardableResult
public func clipByGlobalNorm<G: ParameterContainer>(_ gradient: inout G, maxNorm: Float) -> Float {
    precondition(maxNorm > 0, "clipByGlobalNorm needs a positive maxNorm (got \(maxNorm)).")
    // Four running sums in Double: independent additions pipeline, and no digits are lost.
    var sums = SIMD4<Double>()
    gradient.forEachTrainableRange { g, range in
        var i = range.lowerBound
        while i &+ 4 <= range.upperBound {
            let x = SIMD4<Double>(Double(g[i]), Double(g[i &+ 1]), Double(g[i &+ 2]), Double(g[i &+ 3]))
            sums += x * x
            i &+= 4
        }
        for j in i..<range.upperBound {
            let x = Double(g[j])
            sums[0] += x * x
        }
    }
    let sumOfSquares = sums.sum()
    let norm = Float(sumOfSquares.squareRoot())
    guard norm > maxNorm, norm.isFinite else { return norm }
    let scale = maxNorm / (norm + 1e-6)
    gradient.forEachTrainableRange { g, range in
        for i in range { g[i] *= scale }
    }
    return norm
}

/// Clamps every trainable element of `gradient` into `-limit...limit` (PyTorch's
/// `torch.nn.utils.clip_grad_value_`).
///
/// - Precondition: `limit` is not negative.
public func clipByValue<G: ParameterContainer>(_ gradient: inout G, limit: Float) {
    precondition(limit >= 0, "clipByValue needs a limit that is not negative (got \(limit)).")
    gradient.forEachTrainableRange { g, range in
        for i in range { g[i] = min(max(g[i], -limit), limit) }
    }
}

extension ParameterContainer {
    /// Calls `body` with the flat buffer and the range of every trainable parameter.
    fileprivate mutating func forEachTrainableRange(
        _ body: (_ scalars: UnsafeMutablePointer<Float>, _ range: Range<Int>) -> Void
    ) {
        let layout = Self.parameterLayout
        precondition(
            parameterScalars.count == layout.scalarCount,
            "\(Self.self) holds \(parameterScalars.count) scalars, but its layout has \(layout.scalarCount)."
        )
        parameterScalars.withUnsafeMutableBufferPointer { scalars in
            guard let scalars = scalars.baseAddress else { return }
            for entry in layout.entries where entry.isTrainable {
                body(scalars, entry.range)
            }
        }
    }
}
