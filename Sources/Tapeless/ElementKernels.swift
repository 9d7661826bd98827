import CTapelessKernels

extension Kernels {
    /// The functions ``apply(_:to:count:instructionSet:)`` computes over arrays.
    public enum ElementFunction: Sendable, CaseIterable {
        case exp, expm1, tanh, sigmoid

        var kernel: tl_lanes_function {
            switch self {
            case .exp: TL_LANES_EXP
            case .expm1: TL_LANES_EXPM1
            case .tanh: TL_LANES_TANH
            case .sigmoid: TL_LANES_SIGMOID
            }
        }
    }

    /// Replaces each of `x[0..<count]` by `function` of it.
    ///
    /// Runs on the instruction set the matrix kernels chose (``instructionSet``: avx512 or avx2
    /// with fused multiply-adds where the CPU has them), which Swift cannot use in a default
    /// build: generated loops hand their `exp`, `expm1`, `tanh` and `sigmoid` here a block at a
    /// time. Results agree with ``LaneFunctions`` (and the C library) to a few
    /// units in the last place; edges and NaN behave alike.
    ///
    /// - Parameters:
    ///   - function: The function to apply.
    ///   - x: The elements, overwritten by the results.
    ///   - count: How many elements.
    ///   - instructionSet: The path to run on, one of ``availableInstructionSets``, for
    ///     comparing paths; `nil` (the default) takes ``instructionSet``. Naming a path this CPU
    ///     lacks traps.
    public static func apply(
        _ function: ElementFunction, to x: UnsafeMutablePointer<Float>, count: Int, instructionSet: String? = nil
    ) {
        let done = if let instructionSet {
            instructionSet.withCString { tl_lanes_apply($0, function.kernel, x, count) }
        } else {
            tl_lanes_apply(nil, function.kernel, x, count)
        }
        precondition(done != 0, "this CPU or build has no \(instructionSet ?? "") path; see Kernels.availableInstructionSets")
    }

    /// The floats in each block of scratch: how many elements a loop hands to
    /// ``apply(_:to:count:instructionSet:)`` at a time.
    public static let scratchBlock = Int(TL_LANES_SCRATCH_BLOCK)
    /// The blocks of scratch each thread has.
    public static let scratchSlots = Int(TL_LANES_SCRATCH_SLOTS)

    /// Block `slot` of the calling thread's scratch: ``scratchBlock`` floats for loops that
    /// hand blocks of elements to ``apply(_:to:count:instructionSet:)``. Each thread's
    /// ``scratchSlots`` blocks are allocated on its first use and kept until it exits, so a
    /// loop that runs again allocates nothing.
    public static func blockScratch(slot: Int) -> UnsafeMutablePointer<Float> {
        precondition((0..<scratchSlots).contains(slot), "block scratch has slots 0..<\(scratchSlots), not \(slot)")
        guard let scratch = tl_lanes_scratch() else { fatalError("Tapeless: out of memory for a thread's block scratch") }
        return scratch + slot * scratchBlock
    }
}
