/// Checkpoints of unrolled loops: the reverse pass computes again the values of each segment
/// of a loop written with `checkpointEvery:` (see ``SourceOrigin/segment``), instead of keeping
/// them from the forward pass.
///
/// Each value of a segment that an instruction of the reverse pass reads is copied, with the
/// values of the same segment it depends on, just before the first such instruction, which
/// then reads the copy. A copy reads what the segment read from outside itself: the carried
/// values it started from (the checkpoint, kept) and the loop's invariants. So the forward
/// pass's values of a segment die when the forward pass no longer needs them, and the
/// buffer planner gives their memory to others: the reverse pass keeps the checkpoints, and
/// one segment's values at a time. The copies compute the same operations on the same
/// values, so the values are the same; a derivative is too, unless fusion then orders the
/// products that add into one gradient differently, which changes only rounding.
///
/// This runs when the function is planned, after every derivative was taken and the function
/// simplified (common-subexpression elimination would merge the copies back). Each copy must
/// run after the instruction before it (`orderAfter`), so that fusion, which may move work,
/// never computes it with the forward pass.
extension IRFunction {
    func recomputingSegments() -> (function: IRFunction, orderAfter: [IRValue: IRValue]) {
        guard instructions.contains(where: { $0.origin?.segment != nil }),
              instructions.contains(where: { $0.origin?.isDerivative == true }) else { return (self, [:]) }
        let definitions = Dictionary(uniqueKeysWithValues: instructions.map { ($0.result, $0) })
        /// The segment of a forward value, if it belongs to one.
        func segment(of value: IRValue) -> Int? {
            guard let origin = definitions[value]?.origin, !origin.isDerivative else { return nil }
            return origin.segment
        }
        var recomputed: [IRInstruction] = []
        var nextID = nextValueID
        var copies: [IRValue: IRValue] = [:]
        func copy(of value: IRValue) -> IRValue {
            if let existing = copies[value] { return existing }
            var instruction = definitions[value]!
            let own = instruction.origin?.segment
            instruction.operands = instruction.operands.map { segment(of: $0) == own ? copy(of: $0) : $0 }
            instruction.result = IRValue(nextID)
            nextID += 1
            instruction.origin?.isRecomputed = true
            recomputed.append(instruction)
            copies[value] = instruction.result
            return instruction.result
        }
        var rewritten: [IRInstruction] = []
        for var instruction in instructions {
            if instruction.origin?.isDerivative == true {
                instruction.operands = instruction.operands.map { segment(of: $0) == nil ? $0 : copy(of: $0) }
                rewritten += recomputed
                recomputed = []
            }
            rewritten.append(instruction)
        }
        // A forward value only the reverse pass read (the loop's last values, often) is now
        // read by nothing.
        var live = Set(results.map(\.value))
        for instruction in rewritten.reversed() where live.contains(instruction.result) { live.formUnion(instruction.operands) }
        rewritten = rewritten.filter { instruction in
            if case .argument = instruction.op { return true }
            return live.contains(instruction.result)
        }
        var orderAfter: [IRValue: IRValue] = [:]
        var anchor = rewritten[0].result
        for instruction in rewritten {
            if instruction.origin?.isRecomputed == true { orderAfter[instruction.result] = anchor } else { anchor = instruction.result }
        }
        var function = self
        function.instructions = rewritten
        return (function, orderAfter)
    }
}
