/// The work of one process for one optimizer step of `fit`: forward and backward passes over
/// its share of a batch, a micro-batch at a time, each part's gradient and logged values
/// weighted by its fraction of the batch and summed, then summed over the process group.
///
/// One process with one part per batch takes the plain path: the part's weight is 1, which
/// leaves the gradient's bits as they are, and the group's sums change nothing.
struct BatchStep<M: Module, Target: Batchable> {
    /// The most examples one forward and backward pass takes.
    let microBatchSize: Int
    /// The gradient of the whole batch, the same in every process.
    private(set) var gradient = M.Gradient.zero
    /// The batch's loss, then its metrics, the same in every process.
    private(set) var values: [Float]
    /// A later micro-batch's gradient and values before they are added; created when first needed.
    private var partGradient: M.Gradient?
    private var partValues: [Float]
    /// Parts gathered into kept tensors, one pair per part size met, so a step after the first
    /// of each size allocates nothing.
    private var gathered: [Int: (x: Tensor, y: Target)] = [:]

    init(microBatchSize: Int, valueCount: Int) {
        self.microBatchSize = microBatchSize
        values = [Float](repeating: 0, count: valueCount)
        partValues = values
    }

    /// Computes ``gradient`` and ``values`` for the batch of `batchExamples` examples of which
    /// this process takes `share` (positions in `x` and `y`). `body` gets the model's output,
    /// the output gradient to fill, the part's targets, and the values to fill.
    mutating func run(
        on share: ArraySlice<Int>, of batchExamples: Int, in group: some ProcessGroup,
        model: inout M, mode: ForwardMode, x: Tensor, y: Target,
        _ body: (_ output: Tensor, _ outputGradient: inout Tensor, _ target: Target, _ values: inout [Float]) throws -> Void
    ) throws {
        if share.isEmpty {
            gradient.parameterScalars.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        var start = share.startIndex
        while start < share.endIndex {
            let part = share[start..<min(start + microBatchSize, share.endIndex)]
            let weight = Float(part.count) / Float(batchExamples)
            let (xb, yb) = gather(part, of: x, y)
            if start == share.startIndex {
                try Self.pass(part, xb, yb, model: &model, mode: mode, gradient: &gradient, values: &values, body)
                scale(&gradient.parameterScalars, by: weight)
                scale(&values, by: weight)
            } else {
                if partGradient == nil { partGradient = .zero }
                try Self.pass(part, xb, yb, model: &model, mode: mode, gradient: &partGradient!, values: &partValues, body)
                addScaled(partGradient!.parameterScalars, by: weight, to: &gradient.parameterScalars)
                addScaled(partValues, by: weight, to: &values)
            }
            start = part.endIndex
        }
        group.sum(&gradient.parameterScalars)
        group.sum(&values)
    }

    /// One forward and backward pass over the examples `part`, gathered as `xb` and `yb`.
    private static func pass(
        _ part: ArraySlice<Int>, _ xb: Tensor, _ yb: Target, model: inout M, mode: ForwardMode,
        gradient: inout M.Gradient, values: inout [Float],
        _ body: (Tensor, inout Tensor, Target, inout [Float]) throws -> Void
    ) throws {
        do {
            try model.gradient(at: xb, mode: mode, into: &gradient) { output, outputGradient in
                try body(output, &outputGradient, yb, &values)
            }
        } catch let error as TrainingError {
            // The loss counts examples within the part; the user knows them by their place in `y`.
            throw error.locatingExample { part[part.startIndex + $0] }
        }
    }

    /// The examples `part` of `x` and `y`, written into the kept tensors of that size.
    private mutating func gather(_ part: ArraySlice<Int>, of x: Tensor, _ y: Target) -> (x: Tensor, y: Target) {
        if gathered[part.count] == nil {
            gathered[part.count] = (x.gathering(examples: part), y.gathering(examples: part))
        } else {
            x.gather(examples: part, into: &gathered[part.count]!.x)
            y.gather(examples: part, into: &gathered[part.count]!.y)
        }
        return gathered[part.count]!
    }
}

/// Adds `source` times `factor` to `destination`, element by element.
private func addScaled(_ source: [Float], by factor: Float, to destination: inout [Float]) {
    source.withUnsafeBufferPointer { source in
        destination.withUnsafeMutableBufferPointer { destination in
            for i in destination.indices { destination[i] += factor * source[i] }
        }
    }
}
