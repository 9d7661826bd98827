/// Processes that each hold a copy of one model and train it together, every process on its
/// own share of every batch (data parallelism, as PyTorch's `DistributedDataParallel`).
///
/// ``Module/fit(x:y:loss:optimizer:epochs:batchSize:microBatchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:across:)``
/// needs only these operations; the `TapelessDistributed` product provides them over MPI. The
/// operations are collective: every process calls each of them the same number of times, in
/// the same order, with buffers of the same length.
public protocol ProcessGroup: AnyObject {
    /// This process's number, from 0 to `processCount - 1`. Process 0 prints progress and is
    /// the one that should write files.
    var rank: Int { get }
    /// The number of processes in the group.
    var processCount: Int { get }
    /// Replaces `buffer` on every process with the element-wise sum of every process's buffer,
    /// the same bits on every process.
    func sum(_ buffer: inout [Float])
    /// Replaces `buffer` on every process with the buffer of process `root`.
    func broadcast(_ buffer: inout [Float], from root: Int)
    /// Whether every process passed the same value; every process gets the same answer.
    func allAgree(on value: UInt64) -> Bool
}

extension ProcessGroup {
    /// Whether this is process 0, the one that prints, records and saves.
    public var isRoot: Bool { rank == 0 }

    /// Gives every process the parameters of process 0, after checking that every process
    /// built a model of the same layout.
    ///
    /// - Throws: ``TrainingError/parameterLayoutMismatch(rank:parameterCount:)`` on every
    ///   process when the layouts differ, instead of a broadcast that would mix them up.
    public func synchronize<M: ParameterContainer>(_ model: inout M) throws {
        guard allAgree(on: M.parameterLayout.fingerprint) else {
            throw TrainingError.parameterLayoutMismatch(rank: rank, parameterCount: M.parameterCount)
        }
        broadcast(&model.parameterScalars, from: 0)
    }

    /// Gives every process the non-trainable values of process 0: batch normalization's
    /// running statistics, which each process updates from its own share of a batch, and
    /// frozen parameters. Call it after every step, as PyTorch's `DistributedDataParallel`
    /// broadcasts its buffers, so that models stay identical across processes.
    ///
    /// A model without such values exchanges nothing.
    public func shareState<M: ParameterContainer>(of model: inout M) {
        guard processCount > 1 else { return }
        let ranges = M.parameterLayout.entries.filter { !$0.isTrainable }.map(\.range)
        guard !ranges.isEmpty else { return }
        var state = ranges.flatMap { model.parameterScalars[$0] }
        broadcast(&state, from: 0)
        var next = state.startIndex
        for range in ranges {
            model.parameterScalars.replaceSubrange(range, with: state[next..<next + range.count])
            next += range.count
        }
    }

    /// Replaces this process's share of a batch's gradient with the gradient of the whole
    /// batch: the sum over processes of each share weighted by its fraction of the batch.
    ///
    /// For a loss that is a mean over examples, each process's gradient is a mean over its
    /// `examples`; weighting by `examples / batchExamples` makes the sum the mean over the
    /// batch, also when shares differ in size. A process with no examples passes a zero
    /// gradient and `examples: 0`.
    public func combine<G: ParameterContainer>(_ gradient: inout G, examples: Int, of batchExamples: Int) {
        scale(&gradient.parameterScalars, by: Float(examples) / Float(batchExamples))
        sum(&gradient.parameterScalars)
    }
}

/// Multiplies every element by `factor`; multiplying by 1 leaves the bits as they are.
func scale(_ values: inout [Float], by factor: Float) {
    guard factor != 1 else { return }
    values.withUnsafeMutableBufferPointer { values in
        for i in values.indices { values[i] *= factor }
    }
}

/// The group of one process, which plain `fit` trains in: every operation leaves its input
/// as it is. Code written for a ``ProcessGroup`` runs without MPI on this one.
public final class SingleProcess: ProcessGroup {
    /// Creates the group of this process alone.
    public init() {}
    /// 0, the only process.
    public var rank: Int { 0 }
    /// 1.
    public var processCount: Int { 1 }
    /// Leaves `buffer` as it is: it is already the sum over the group.
    public func sum(_ buffer: inout [Float]) {}
    /// Leaves `buffer` as it is: this process is the root.
    public func broadcast(_ buffer: inout [Float], from root: Int) {}
    /// True: one process agrees with itself.
    public func allAgree(on value: UInt64) -> Bool { true }
}
