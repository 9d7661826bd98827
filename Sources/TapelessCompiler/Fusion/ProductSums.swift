/// Sums of matrix products that make a parameter's gradient, computed by the products
/// themselves: the first writes the gradient and each later one adds to it (`beta: 1`), so
/// the sum's loop, and a buffer for each product, disappear.
///
/// A weight used at every step of an unrolled layer gets one product per step in the reverse
/// pass, the gradient with respect to it at that step. Summed in a loop afterwards, the 28
/// products of B5's `weight_hh` took 28 buffers of 256 KB, past the cache, and a pass over all
/// of them; added into one gradient, they stay in the cache.
struct ProductSums {
    /// Each product of a folded sum, with the gradient (the sum's value) it writes.
    private(set) var gradientOf: [IRValue: IRValue] = [:]
    /// The products that add to the gradient: every term of a sum but its first.
    private(set) var accumulating: Set<IRValue> = []

    /// Finds the fused loops of `steps` that only add matrix products up into one of
    /// `gradients` (values returned as a parameter's gradient and nothing else), and returns
    /// the steps without them.
    mutating func fold(_ steps: [FusionPlan.Step], of function: IRFunction, gradients: Set<IRValue>) -> [FusionPlan.Step] {
        let readers = function.users()
        let returned = Dictionary(grouping: function.results, by: \.value)
        let definitions = function.definitions()
        var productStep: [IRValue: Int] = [:]
        for (index, step) in steps.enumerated() {
            if case .operation(let instruction) = step, case .matmul = instruction.op { productStep[instruction.result] = index }
        }
        var folded = Set<Int>()
        for (index, step) in steps.enumerated() {
            guard case .loop(let loop) = step, loop.accumulators.isEmpty, loop.members.allSatisfy({ $0.op == .binary(.add) }),
                  let sum = loop.members.last, gradients.contains(sum.result), (readers[sum.result] ?? []).isEmpty,
                  returned[sum.result]?.allSatisfy({ if case .gradient(.parameter) = $0.role { true } else { false } }) == true
            else { continue }
            let own = Set(loop.members.map(\.result))
            // Every other member feeds the sum only; every term is a product of the sum's shape
            // that nothing else reads, computed by a step before this one.
            let intermediate = loop.members.dropLast().allSatisfy { member in
                returned[member.result] == nil && (readers[member.result] ?? []).allSatisfy(own.contains)
            }
            let terms = loop.members.flatMap(\.operands).filter { !own.contains($0) }
            guard intermediate, Set(terms).count == terms.count, terms.allSatisfy({ term in
                productStep[term].map { $0 < index } == true && definitions[term]!.type == sum.type
                    && readers[term]?.count == 1 && returned[term] == nil
            }) else { continue }
            let ordered = terms.sorted { productStep[$0]! < productStep[$1]! }
            for term in ordered { gradientOf[term] = sum.result }
            accumulating.formUnion(ordered.dropFirst())
            folded.insert(index)
        }
        return steps.enumerated().filter { !folded.contains($0.offset) }.map(\.element)
    }
}
