/// Reverse-mode differentiation of IR by source transformation.
///
/// The derived function runs the original instructions, then the adjoint of each active
/// instruction in reverse order (from `DerivativeRules`), and returns the original results
/// followed by one gradient per requested input. Its output is ordinary IR, so it can be
/// simplified, emitted, or differentiated again for higher orders.
public enum ReverseMode {
    /// How the derivative is seeded.
    public enum Seed: Sendable {
        /// The differentiated result is a Float scalar; its adjoint is 1.
        case one
        /// The differentiated result is a tensor; its adjoint is a new last argument of the
        /// derived function with this name (the gradient of some loss with respect to it).
        case argument(name: String)
    }

    /// Errors in a differentiation request (the checker rules them out for user programs).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The function has no result with this name.
        case noSuchResult(String)
        /// The result is a tensor and the seed was ``Seed/one``; a tensor needs ``Seed/argument(name:)``.
        case resultNotScalar(String, IRType)

        /// What is wrong with the request.
        public var description: String {
            switch self {
            case .noSuchResult(let name): return "the function has no result named '\(name)'"
            case .resultNotScalar(let name, let type):
                return "result '\(name)' has type \(type); seed it with an argument to differentiate a tensor"
            }
        }
    }

    /// Derives the gradient of `function`'s result `resultName` with respect to `inputs`.
    ///
    /// The derived function keeps every original result (`.value` roles) and appends a
    /// `.gradient` result per input, named after it. An input the result does not depend on
    /// gets a zero gradient, except a parameter the function never reads, which gets no
    /// result at all (its gradient is zero by definition; the emitter fills it so).
    public static func differentiate(
        _ function: IRFunction,
        result resultName: String,
        withRespectTo inputs: [DifferentiableInput],
        seed: Seed = .one
    ) throws -> IRFunction {
        guard let result = function.results.first(where: { $0.name == resultName }) else {
            throw Failure.noSuchResult(resultName)
        }
        // A function with a forward rule only is differentiated backward through its body; a
        // loop keeps the states its reverse pass starts each iteration from, and a reverse
        // pass that replays from checkpoints is given them all.
        let function = function.expandingCustomCalls { $0.pullbacks.isEmpty }.expandingReplays().storingLoopStates()
        var builder = IRBuilder(instructions: function.instructions, nextID: function.nextValueID)
        var arguments = function.arguments

        let seedValue: IRValue
        switch seed {
        case .one:
            let type = builder.type(of: result.value)
            guard type.isScalar else { throw Failure.resultNotScalar(resultName, type) }
            seedValue = builder.constant(1)
        case .argument(let name):
            let type = builder.type(of: result.value)
            arguments.append(IRArgument(name: name, type: type))
            seedValue = builder.emit(.argument(arguments.count - 1), type: type)
        }

        let active = activeValues(function.instructions, inputs: Set(inputs))
        var adjoints: [IRValue: IRValue] = [result.value: seedValue]
        backpropagate(function.instructions, active: active, &adjoints, &builder)

        builder.origin = nil
        var results = function.results
        for input in inputs {
            let sources = function.instructions.filter { Self.input(of: $0.op) == input }
            let declared: IRType? = if case .argument(let index) = input { function.arguments[index].type } else { nil }
            guard let type = sources.first?.type ?? declared else { continue }
            var total: IRValue?
            for source in sources {
                guard let adjoint = adjoints[source.result] else { continue }
                total = total.map { builder.add($0, adjoint) } ?? adjoint
            }
            let gradient = total ?? builder.broadcast(builder.constant(0), to: type.shape)
            results.append(IRResult(name: name(of: input, in: function), value: gradient, role: .gradient(input)))
        }
        return IRFunction(name: function.name, arguments: arguments, instructions: builder.instructions, results: results)
    }

    /// Adds to `adjoints` the contribution of each active instruction of `instructions`, last
    /// first, to its operands' adjoints. An instruction in `sources` keeps its adjoint and
    /// passes nothing on (a loop's body reads its tensors that way; see `Loop.swift`).
    static func backpropagate(
        _ instructions: [IRInstruction], active: Set<IRValue>, _ adjoints: inout [IRValue: IRValue],
        _ builder: inout IRBuilder, sources: Set<IRValue> = []
    ) {
        for instruction in instructions.reversed() where !sources.contains(instruction.result) {
            guard let g = adjoints[instruction.result], active.contains(instruction.result) else { continue }
            builder.origin = instruction.origin?.derivative
            let wants = instruction.operands.map { active.contains($0) }
            let contributions = DerivativeRules.pullback(instruction, adjoint: g, wants: wants, &builder)
            for (index, operand) in instruction.operands.enumerated() {
                guard wants[index], let contribution = contributions[index] else { continue }
                let shaped = builder.sum(contribution, toShape: builder.type(of: operand).shape)
                adjoints[operand] = adjoints[operand].map { builder.add($0, shaped) } ?? shaped
            }
        }
    }

    /// The values that depend on some input through differentiable operations.
    static func activeValues(_ instructions: [IRInstruction], inputs: Set<DifferentiableInput>) -> Set<IRValue> {
        var active: Set<IRValue> = []
        for instruction in instructions {
            let isInput = Self.input(of: instruction.op).map(inputs.contains) ?? false
            let blocks: Bool
            switch instruction.op {
            case .stopGradient, .compare, .count, .argmax: blocks = true
            case .unary(let function): blocks = function.definition.chainRule == nil
            case .argument, .parameter, .constant, .binary, .select, .broadcast, .expandAxis, .reduceSum, .reduceMax,
                 .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad,
                 .reshape, .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect,
                 .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .dropoutMask, .call, .loop, .elementAt:
                blocks = instruction.type.element != .float
            }
            if isInput || (!blocks && instruction.operands.contains(where: active.contains)) {
                active.insert(instruction.result)
            }
        }
        return active
    }

    static func input(of op: IROp) -> DifferentiableInput? {
        switch op {
        case .argument(let index): return .argument(index)
        case .parameter(let name): return .parameter(name)
        case .constant, .count, .unary, .binary, .compare, .select, .broadcast, .expandAxis, .reduceSum, .reduceMax,
             .sumToShape, .matmul, .transpose, .logSumExp, .softmax, .pickClass, .scatterClass, .slice, .pad,
             .reshape, .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect,
             .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop,
             .elementAt:
            return nil
        }
    }

    private static func name(of input: DifferentiableInput, in function: IRFunction) -> String {
        switch input {
        case .argument(let index): return function.arguments[index].name
        case .parameter(let name): return name
        }
    }
}
