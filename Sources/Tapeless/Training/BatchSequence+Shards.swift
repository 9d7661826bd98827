extension BatchSequence {
    /// The example indices of batch `position` that process `rank` of `processCount` works on:
    /// a contiguous share of the batch, shares differing in size by at most one.
    ///
    /// Every process builds the same ``BatchSequence`` (same seed and epoch), so the shares of
    /// all processes together are exactly the batch a single process would take:
    /// ```swift
    /// let order = BatchSequence(exampleCount: n, batchSize: 64, shuffle: true, seed: 0, epoch: epoch)
    /// let mine = order.shard(batch, rank: group.rank, of: group.processCount)
    /// ```
    ///
    /// - Precondition: `position` is a batch of the sequence and `0 <= rank < processCount`.
    public func shard(_ position: Int, rank: Int, of processCount: Int) -> ArraySlice<Int> {
        precondition(
            rank >= 0 && rank < processCount,
            "Rank \(rank) is not a process of a group of \(processCount); it must be in 0..<\(processCount).")
        let batch = self[position]
        let start = batch.startIndex + batch.count * rank / processCount
        let end = batch.startIndex + batch.count * (rank + 1) / processCount
        return batch[start..<end]
    }
}
