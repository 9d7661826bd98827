/// The work of one process for one optimizer step of `fit`: forward and backward passes over
/// its share of a batch, a micro-batch at a time, each part's gradient and logged values
/// weighted by its fraction of the batch and summed, then summed over the process group.
///
/// One process with one part per batch takes the plain path: the part's weight is 1, which
/// leaves the gradient's bits as they are, and the group's sums change nothing.
struct BatchStep<M: Model, Data: Batchable> {
    /// The most examples one forward and backward pass takes.
    let microBatchSize: Int
    /// The gradient of the whole batch, the same in every process.
    private(set) var gradient = M.Gradient.zero
    /// The batch's loss, then its metrics, the same in every process.
    private(set) var values: [Float]
    /// A later micro-batch's gradient and values before they are added; created when first needed.
    private var partGradient: M.Gradient?
    private var partValues: [Float]
    /// Parts gathered into kept tensors, one per part size met, so a step after the first of
    /// each size allocates nothing.
    private var gathered: [Int: Data] = [:]

    init(microBatchSize: Int, valueCount: Int) {
        self.microBatchSize = microBatchSize
        values = [Float](repeating: 0, count: valueCount)
        partValues = values
    }

    /// Computes ``gradient`` and ``values`` for the batch of `batchExamples` examples of which
    /// this process takes `share` (positions in `data`). `pass` runs forward and backward over
    /// a part, writing its gradient and values.
    mutating func run(
        on share: ArraySlice<Int>, of batchExamples: Int, in group: some ProcessGroup,
        model: inout M, mode: ForwardMode, data: Data,
        _ pass: (inout M, Data, ForwardMode, inout M.Gradient, inout [Float]) throws -> Void
    ) throws {
        if share.isEmpty {
            gradient.parameterScalars.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        var start = share.startIndex
        while start < share.endIndex {
            let part = share[start..<min(start + microBatchSize, share.endIndex)]
            let weight = Float(part.count) / Float(batchExamples)
            let batch = gather(part, of: data)
            if start == share.startIndex {
                try Self.run(pass, on: part, batch, model: &model, mode: mode, gradient: &gradient, values: &values)
                scale(&gradient.parameterScalars, by: weight)
                scale(&values, by: weight)
            } else {
                if partGradient == nil { partGradient = .zero }
                try Self.run(pass, on: part, batch, model: &model, mode: mode, gradient: &partGradient!, values: &partValues)
                addScaled(partGradient!.parameterScalars, by: weight, to: &gradient.parameterScalars)
                addScaled(partValues, by: weight, to: &values)
            }
            start = part.endIndex
        }
        group.sum(&gradient.parameterScalars)
        group.sum(&values)
    }

    /// One forward and backward pass over the examples `part`, gathered as `batch`.
    private static func run(
        _ pass: (inout M, Data, ForwardMode, inout M.Gradient, inout [Float]) throws -> Void,
        on part: ArraySlice<Int>, _ batch: Data, model: inout M, mode: ForwardMode,
        gradient: inout M.Gradient, values: inout [Float]
    ) throws {
        do {
            try pass(&model, batch, mode, &gradient, &values)
        } catch let error as TrainingError {
            // The loss counts examples within the part; the user knows them by their place in `y`.
            throw error.locatingExample { part[part.startIndex + $0] }
        }
    }

    /// The examples `part` of `data`, written into the kept tensors of that size.
    private mutating func gather(_ part: ArraySlice<Int>, of data: Data) -> Data {
        if gathered[part.count] == nil {
            gathered[part.count] = data.gathering(examples: part)
        } else {
            data.gather(examples: part, into: &gathered[part.count]!)
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
