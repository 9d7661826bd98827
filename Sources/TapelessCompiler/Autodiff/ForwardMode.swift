/// Forward-mode differentiation of IR by source transformation: `jvp`, and the forward half
/// of `hvp` (forward over reverse).
///
/// The derived function runs the original instructions and, beside each active one, the
/// tangent of its result from `TangentRules`, so it costs a small multiple of one evaluation
/// whatever the output's size. Its output is ordinary IR, so it can be simplified, emitted, or
/// differentiated again.
public enum ForwardMode {
    /// Derives the tangents of every result of `function` along tangents of the arguments
    /// `inputs` (argument indices).
    ///
    /// The derived function takes the original arguments followed by one tangent per input,
    /// named by `tangentNames`, of that input's type. It returns the original results followed
    /// by the tangent of each, in the same order, named with a `Tangent` suffix; a result the
    /// inputs don't reach has a zero tangent.
    public static func differentiate(_ function: IRFunction, withRespectTo inputs: [Int], tangentNames: [String]) -> IRFunction {
        precondition(inputs.count == tangentNames.count, "one tangent name per input")
        // A function with reverse rules only is differentiated forward through its body; a
        // reverse pass that replays from checkpoints is given all its states.
        let function = function.expandingCustomCalls { $0.pushforward == nil }.expandingReplays()
        var builder = IRBuilder(instructions: function.instructions, nextID: function.nextValueID)
        var arguments = function.arguments
        var seeds: [Int: IRValue] = [:]
        for (input, name) in zip(inputs, tangentNames) {
            let type = function.arguments[input].type
            arguments.append(IRArgument(name: name, type: type))
            seeds[input] = builder.emit(.argument(arguments.count - 1), type: type)
        }

        let active = ReverseMode.activeValues(function.instructions, inputs: Set(inputs.map(DifferentiableInput.argument)))
        var tangents: [IRValue: IRValue] = [:]
        for instruction in function.instructions where active.contains(instruction.result) {
            if case .argument(let index) = instruction.op {
                tangents[instruction.result] = seeds[index]
                continue
            }
            builder.origin = instruction.origin?.derivative
            let operands = instruction.operands.map { active.contains($0) ? tangents[$0] : nil }
            guard let tangent = TangentRules.pushforward(instruction, tangents: operands, &builder) else { continue }
            let shape = instruction.type.shape
            tangents[instruction.result] = builder.type(of: tangent).shape == shape ? tangent : builder.broadcast(tangent, to: shape)
        }

        builder.origin = nil
        var results = function.results
        for result in function.results {
            let type = builder.type(of: result.value)
            let tangent = tangents[result.value] ?? builder.broadcast(builder.constant(0), to: type.shape)
            results.append(IRResult(name: result.name + "Tangent", value: tangent))
        }
        return IRFunction(name: function.name, arguments: arguments, instructions: builder.instructions, results: results)
    }
}
