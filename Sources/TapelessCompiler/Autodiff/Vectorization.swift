/// Vectorization of IR by source transformation (JAX's `vmap`): a function over one example
/// becomes a function over a batch of them, with no loop.
///
/// Chosen arguments take leading batch axes before their own shape; every value computed from
/// them gets the same leading axes, through each operation's batching rule (`BatchingRules`);
/// values that don't depend on them are computed once, as before. `jacobian` runs `jvp` (or
/// `vjp`) over a batch of basis vectors this way.
public enum Vectorization {
    /// Why a function can't be vectorized: an operation whose batched form would need a size
    /// the IR can't write (the product of two size variables), or that has no batched form.
    public struct Failure: Error, CustomStringConvertible {
        /// What can't be batched, in words.
        public var description: String
    }

    /// `function` with the arguments at `batched` taking the leading axes `batch`; each result
    /// has them too (a result the batched arguments don't reach is broadcast along them).
    public static func vectorize(_ function: IRFunction, batched: Set<Int>, batch: [IRDimension]) throws -> IRFunction {
        // Custom rules have served by now: what is vectorized is values and derivatives.
        // Loops are written out: a batched body computes tensors, which a loop's body can't.
        let function = try function.expandingCustomCalls().unrollingLoops()
        var builder = IRBuilder()
        var values: [IRValue: IRValue] = [:]
        var batchedValues: Set<IRValue> = []
        var arguments = function.arguments
        for index in batched { arguments[index].type.shape = batch + arguments[index].type.shape }
        let rules = BatchingRules(batch: batch)
        for instruction in function.instructions {
            let operands = instruction.operands.map { values[$0]! }
            builder.origin = instruction.origin
            let value: IRValue
            if case .argument(let index) = instruction.op, batched.contains(index) {
                value = builder.emit(instruction.op, type: arguments[index].type)
                batchedValues.insert(value)
            } else if operands.contains(where: batchedValues.contains) {
                let flags = operands.map(batchedValues.contains)
                value = try rules.batch(instruction, operands, batched: flags, &builder)
                batchedValues.insert(value)
            } else {
                value = builder.emit(instruction.op, operands, type: instruction.type)
            }
            builder.name(value, instruction.name)
            values[instruction.result] = value
        }
        builder.origin = nil
        let results = function.results.map { result -> IRResult in
            var value = values[result.value]!
            if !batchedValues.contains(value) { value = rules.spread(value, &builder) }
            return IRResult(name: result.name, value: value, role: result.role)
        }
        return IRFunction(name: function.name, arguments: arguments, instructions: builder.instructions, results: results)
    }
}
