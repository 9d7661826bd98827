extension Model {
    /// The gradient of `objective`'s function with respect to the trainable parameters for
    /// each example alone, as `torch.func.vmap(torch.func.grad(f))` gives: the function on a
    /// batch of that one example, in inference mode.
    ///
    /// For a loss that is a mean over its batch, the mean of the rows is the batch's gradient;
    /// for a sum, their sum. Clip them with ``ParameterContainer/init(clippedMeanOf:maxNorm:)``
    /// for differentially private training (DP-SGD).
    ///
    /// ```swift
    /// let perExample = try model.perExampleGradients(.loss(x: images, labels: labels))
    /// let clipped = MLP.Gradient(clippedMeanOf: perExample, maxNorm: 1)
    /// optimizer.update(&model, along: clipped)
    /// ```
    ///
    /// The examples run one at a time through the function's compiled gradient, which
    /// allocates nothing per example after the first.
    ///
    /// - Returns: A tensor of shape `[examples, parameterCount]` whose row `i` is example `i`'s
    ///   gradient, laid out like `parameterScalars` (zero for frozen parameters and state).
    /// - Throws: ``TrainingError`` when the examples do not fit the function's declared shapes
    ///   or hold none.
    public func perExampleGradients<Examples>(_ objective: Objective<Self, Examples>) throws -> Tensor {
        let count = try objective.checkedExampleCount(dataSet: "per-example")
        let width = Self.parameterLayout.scalarCount
        var rows = [Float](repeating: 0, count: count * width)
        var model = self
        var gradient = Gradient.zero
        var example = objective.examples.gathering(examples: 0..<1)
        for index in 0..<count {
            objective.examples.gather(examples: index..<(index + 1), into: &example)
            _ = objective.valueAndGradient(&model, example, .inference, &gradient)
            gradient.parameterScalars.withUnsafeBufferPointer { source in
                rows.withUnsafeMutableBufferPointer { target in
                    (target.baseAddress! + index * width).update(from: source.baseAddress!, count: width)
                }
            }
        }
        return Tensor(shape: [count, width], scalars: rows)
    }
}

extension ParameterContainer {
    /// The mean of per-example gradients (rows of ``Model/perExampleGradients(_:)``), each
    /// first scaled to an L2 norm of at most `maxNorm`: DP-SGD's clipping (Abadi et al., 2016),
    /// with Opacus's factor `min(1, maxNorm / (norm + 1e-6))` over all parameters together.
    ///
    /// - Precondition: `perExample` has shape `[examples, parameterCount]` with at least one
    ///   example, and `maxNorm` is positive.
    public init(clippedMeanOf perExample: Tensor, maxNorm: Float) {
        let width = Self.parameterLayout.scalarCount
        precondition(
            perExample.shape.count == 2 && perExample.shape[1] == width && perExample.shape[0] > 0,
            "per-example gradients of \(Self.self) have shape [examples, \(width)], not \(perExample.shape)")
        precondition(maxNorm > 0, "the clipping norm must be positive (got \(maxNorm))")
        let count = perExample.shape[0]
        var mean = [Double](repeating: 0, count: width)
        perExample.scalars.withUnsafeBufferPointer { rows in
            for example in 0..<count {
                let row = UnsafeBufferPointer(rebasing: rows[(example * width)..<((example + 1) * width)])
                let norm = row.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                let factor = min(1, Double(maxNorm) / (norm + 1e-6))
                for k in 0..<width { mean[k] += factor * Double(row[k]) }
            }
        }
        self.init(parameterScalars: mean.map { Float($0 / Double(count)) })
    }
}
