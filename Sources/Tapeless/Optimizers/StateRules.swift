/// Which buffers a built-in optimizer's state may hold and which it must hold.
///
/// Assigning a state with a buffer the optimizer does not keep traps, and so does the next
/// update when a state past step 0 lacks a buffer that update cannot recreate. Both are
/// programmer errors for a state built in code, but data errors for a state read from a
/// checkpoint, so ``Optimizer/loadState(from:layout:)`` checks these rules first and throws.
struct StateRules {
    /// Every buffer the state may hold.
    var kept: [String]
    /// The buffers a state past step 0 must hold: those whose `prepare` is `isRequired`
    /// (see ``StateBuffer/prepare(count:initialValue:step:isRequired:optimizer:)``).
    var required: [String]
}

/// A built-in optimizer, whose state follows ``StateRules``. Custom optimizers check the
/// states they are given themselves.
protocol FollowsStateRules {
    var stateRules: StateRules { get }
}
