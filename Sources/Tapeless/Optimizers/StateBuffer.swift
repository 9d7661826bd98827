/// One per-parameter buffer of an optimizer's state, laid out like the model's flat
/// parameters, named as in `torch.optim`, and allocated by the first update that needs it.
struct StateBuffer: Sendable {
    /// The buffer's name in ``OptimizerState/buffers``, for example `exp_avg`.
    let name: String
    /// The values; empty until the first update allocates them.
    var scalars: [Float] = []

    init(name: String) {
        self.name = name
    }

    /// Makes the buffer ready for an update of a model with `count` parameters and tells
    /// whether it was just created.
    ///
    /// A new buffer is filled with `initialValue`. A restored buffer of another length is
    /// rejected, and so is a missing one that the update cannot recreate exactly
    /// (`isRequired` after step 0).
    ///
    /// - Parameters:
    ///   - step: the number of updates already taken.
    ///   - isRequired: whether a state past step 0 must already hold this buffer (for
    ///     example Adam's moments, whose bias correction counts every step).
    @discardableResult
    mutating func prepare(
        count: Int, initialValue: Float, step: Int, isRequired: Bool, optimizer: String
    ) -> Bool {
        if scalars.count == count { return false }
        precondition(
            scalars.isEmpty,
            """
            \(optimizer)'s state buffer '\(name)' holds \(scalars.count) scalars, but the model has \
            \(count) parameters; assign a state saved while training this model.
            """
        )
        precondition(
            !isRequired || step == 0,
            """
            \(optimizer)'s state is at step \(step) but has no '\(name)' buffer; assign the whole \
            state saved from this optimizer (or a state at step 0 to start afresh).
            """
        )
        scalars = [Float](repeating: initialValue, count: count)
        return true
    }

    /// Takes this buffer's values from `state`, or clears it if `state` has none.
    mutating func restore(from state: OptimizerState) {
        scalars = state.buffers[name] ?? []
    }
}

extension OptimizerState {
    /// A state holding `step` and every allocated buffer of `buffers`.
    init(step: Int, buffers: [StateBuffer]) {
        var named: [String: [Float]] = [:]
        for buffer in buffers where !buffer.scalars.isEmpty {
            named[buffer.name] = buffer.scalars
        }
        self.init(step: step, buffers: named)
    }

    /// Stops with a clear message if the state has a buffer `optimizer` does not keep.
    func requireOnlyBuffers(of known: [StateBuffer], optimizer: String) {
        precondition(step >= 0, "An optimizer state cannot be at a negative step (\(step)).")
        for name in buffers.keys.sorted() where !known.contains(where: { $0.name == name }) {
            let names = known.map { "'\($0.name)'" }.joined(separator: ", ")
            preconditionFailure(
                "\(optimizer) keeps no state buffer named '\(name)' (it keeps \(names)); assign a state saved from \(optimizer)."
            )
        }
    }
}
