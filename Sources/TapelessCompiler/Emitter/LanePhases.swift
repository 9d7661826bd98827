/// A loop in SIMD lanes whose transcendental functions run in the runtime's C kernels
/// (`Kernels.apply`) over blocks of elements instead of eight lanes at a time in Swift.
///
/// The loop runs block by block, and each block in phases: a phase computes what it can, and
/// leaves in scratch the operand of each kernel it feeds; the kernels then replace their
/// operands by the results, which the next phase reads. A value read in a later phase than it
/// is computed goes through scratch too. An LSTM step's gates, for one, take three phases, and
/// their `sigmoid` and `tanh` run about seven times faster on avx512 than in Swift's baseline
/// lanes (0.23 against 1.6–1.9 ns per element).
struct LanePhases {
    /// The blocks of scratch the runtime gives each thread (`Kernels.scratchSlots`, which
    /// `Kernels.blockScratch(slot:)` checks): a loop needing more keeps Swift's lanes.
    static let scratchSlots = 16

    /// The phase each instruction of the loop is computed in; for a kernel's member, the phase
    /// that leaves its operand in scratch (its result is read from the next one on).
    let phase: [IRValue: Int]
    /// The members a kernel computes, with the case of `Kernels.ElementFunction` it runs.
    let kernels: [IRValue: String]
    /// The scratch block of each kernel's member and of each value read in a later phase.
    let slots: [IRValue: Int]
    /// How many phases a block takes.
    let count: Int

    /// The phases of `loop`, or `nil` when no member has a block kernel, a truth value would go
    /// through scratch, or the loop needs more scratch than there is.
    init?(_ loop: FusionPlan.Loop) {
        let members = Set(loop.members.map(\.result))
        var phase: [IRValue: Int] = [:], ready: [IRValue: Int] = [:], kernels: [IRValue: String] = [:]
        for instruction in loop.instructions {
            let current = instruction.operands.filter(members.contains).map { ready[$0]! }.max() ?? 0
            phase[instruction.result] = current
            guard members.contains(instruction.result) else { continue }
            if let kernel = instruction.op.blockKernel {
                kernels[instruction.result] = kernel
                ready[instruction.result] = current + 1
            } else {
                ready[instruction.result] = current
            }
        }
        guard !kernels.isEmpty else { return nil }
        var slotted: [IRValue] = []
        for instruction in loop.instructions {
            if kernels[instruction.result] != nil { slotted.append(instruction.result) }
            for operand in instruction.operands where members.contains(operand) && kernels[operand] == nil
                && phase[operand]! < phase[instruction.result]! && !slotted.contains(operand) {
                slotted.append(operand)
            }
        }
        let types = Dictionary(loop.members.map { ($0.result, $0.type) }, uniquingKeysWith: { first, _ in first })
        guard slotted.count <= Self.scratchSlots, slotted.allSatisfy({ types[$0]!.element != .bool }) else { return nil }
        self.phase = phase
        self.kernels = kernels
        self.slots = Dictionary(uniqueKeysWithValues: slotted.enumerated().map { ($1, $0) })
        self.count = (ready.values.max() ?? 0) + 1
    }

    /// Whether `instruction` reads `member` from scratch: a value of an earlier phase, or a
    /// kernel's result.
    func readsFromScratch(_ member: IRValue, in instruction: IRValue) -> Bool {
        slots[member] != nil && (kernels[member] != nil || phase[member]! < phase[instruction]!)
    }
}
