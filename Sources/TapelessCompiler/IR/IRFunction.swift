/// A value in SSA form: defined once, by one instruction, printed `%id`.
public struct IRValue: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value's number, unique within its function.
    public let id: Int

    /// Creates the value numbered `id`.
    public init(_ id: Int) { self.id = id }

    /// Orders values by number, which is their order of definition.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.id < rhs.id }

    /// The value as printed: `%` followed by its number.
    public var description: String { "%\(id)" }
}

/// Where in the `.tapeless` source an instruction came from, for comments in generated code.
public struct SourceOrigin: Hashable, Sendable, CustomStringConvertible {
    /// The expression's place in the file: where diagnostics about it point.
    public var range: SourceRange
    /// The source text of the expression (first line only).
    public var text: String
    /// Whether the instruction computes a derivative of this expression rather than its value.
    public var isDerivative: Bool
    /// The segment of a loop written with `checkpointEvery:` that computed the value, when the
    /// loop is unrolled: the reverse pass computes the segment's values again rather than
    /// keeping them (see `Recomputation.swift`). Unique within a function's loops.
    public var segment: Int?
    /// Whether the instruction computes a value of such a segment again, in the reverse pass.
    public var isRecomputed: Bool

    /// Creates an origin; `isDerivative` marks instructions that compute the expression's derivative.
    public init(range: SourceRange, text: String, isDerivative: Bool = false, segment: Int? = nil, isRecomputed: Bool = false) {
        self.range = range
        self.text = text
        self.isDerivative = isDerivative
        self.segment = segment
        self.isRecomputed = isRecomputed
    }

    /// The number of segment `index` of the checkpointed loop written at `location` (for a
    /// recurrent layer, of its layer and direction `part`, below 64). Unique within a function,
    /// as a loop has fewer than 1,024 segments; a collision would only make the reverse pass
    /// compute more again, never change a value.
    public static func segment(at location: SourceLocation, part: Int = 0, _ index: Int) -> Int {
        (location.offset * 64 + part) * 1024 + index
    }

    /// The 1-based line where the expression starts.
    public var line: Int { range.start.line }
    /// The 1-based column where the expression starts.
    public var column: Int { range.start.column }

    /// The same place, marked as the derivative of what is written there.
    public var derivative: SourceOrigin {
        SourceOrigin(range: range, text: text, isDerivative: true)
    }

    /// The origin as printed in comments: `line 6: w * x`, prefixed with `∂ ` for a derivative
    /// and with `again, ` for a value the reverse pass computes again.
    public var description: String { (isDerivative ? "∂ " : "") + (isRecomputed ? "again, " : "") + "line \(line): \(text)" }
}

/// One instruction: `result = op(operands) : type`.
public struct IRInstruction: Hashable, Sendable {
    /// The value the instruction defines.
    public var result: IRValue
    /// The operation, with its attributes.
    public var op: IROp
    /// The values the operation reads, each defined by an earlier instruction.
    public var operands: [IRValue]
    /// The element kind and shape of the result.
    public var type: IRType
    /// The source expression the instruction computes, or `nil` for bookkeeping instructions.
    public var origin: SourceOrigin?
    /// The name of the `let` whose value the instruction computes, if any: generated code
    /// names the value after it.
    public var name: String?

    /// Creates an instruction.
    public init(result: IRValue, op: IROp, operands: [IRValue], type: IRType, origin: SourceOrigin?, name: String? = nil) {
        self.result = result
        self.op = op
        self.operands = operands
        self.type = type
        self.origin = origin
        self.name = name
    }
}

/// A function argument.
public struct IRArgument: Hashable, Sendable {
    /// The argument's name, as written in the `.tapeless` declaration.
    public var name: String
    /// The argument's type; its shape may contain size variables.
    public var type: IRType

    /// Creates an argument.
    public init(name: String, type: IRType) {
        self.name = name
        self.type = type
    }
}

/// An input that can be differentiated: a function argument or a model parameter.
public enum DifferentiableInput: Hashable, Sendable, CustomStringConvertible {
    /// The function argument at this index.
    case argument(Int)
    /// The model parameter with this name, such as `fc1.weight`.
    case parameter(String)

    /// The input as printed: `argument 0` or `parameter w`.
    public var description: String {
        switch self {
        case .argument(let index): return "argument \(index)"
        case .parameter(let name): return "parameter \(name)"
        }
    }
}

/// A named result of a function: a computed value, the gradient of the function's value with
/// respect to one of its inputs, or the new value of a state tensor.
public struct IRResult: Hashable, Sendable {
    /// What a result is.
    public enum Role: Hashable, Sendable {
        /// A value the function computes.
        case value
        /// The gradient of the function's differentiated result with respect to this input.
        case gradient(DifferentiableInput)
        /// The new value of a model's state tensor (batch normalization's running mean), by
        /// its name: the generated function writes it into the model.
        case state(String)
    }

    /// The result's name: `value` for a function's own result, or the input's name for a gradient.
    public var name: String
    /// The value returned.
    public var value: IRValue
    /// Whether the result is a computed value, a gradient or a state update.
    public var role: Role

    /// Creates a result; `role` defaults to a computed value.
    public init(name: String, value: IRValue, role: Role = .value) {
        self.name = name
        self.value = value
        self.role = role
    }
}

/// A straight-line function in SSA form: arguments, instructions in order, named results.
///
/// There is no control flow: calls are inlined by lowering and branches are `select`s, so
/// differentiation and fusion see the whole computation.
public struct IRFunction: Hashable, Sendable {
    /// The function's name, as written in the `.tapeless` source.
    public var name: String
    /// The arguments, in order; ``IROp/argument(_:)`` refers to them by index.
    public var arguments: [IRArgument]
    /// The body in execution order; every operand is defined before it is read.
    public var instructions: [IRInstruction]
    /// The values the function returns, by name.
    public var results: [IRResult]

    /// Creates a function from its parts.
    public init(name: String, arguments: [IRArgument], instructions: [IRInstruction], results: [IRResult]) {
        self.name = name
        self.arguments = arguments
        self.instructions = instructions
        self.results = results
    }

    /// The instruction that defines each value.
    public func definitions() -> [IRValue: IRInstruction] {
        Dictionary(uniqueKeysWithValues: instructions.map { ($0.result, $0) })
    }

    /// The instructions that read each value as an operand, in program order.
    public func users() -> [IRValue: [IRValue]] {
        var users: [IRValue: [IRValue]] = [:]
        for instruction in instructions {
            for operand in instruction.operands { users[operand, default: []].append(instruction.result) }
        }
        return users
    }

    /// The model parameters the function reads, in order of first use.
    public var parametersRead: [String] {
        var seen: [String] = []
        for case .parameter(let name) in instructions.map(\.op) where !seen.contains(name) {
            seen.append(name)
        }
        return seen
    }

    /// The results that are values or gradients: what the function returns to its caller
    /// (state updates are written into the model instead).
    public var returnedResults: [IRResult] {
        results.filter { if case .state = $0.role { false } else { true } }
    }

    /// The results that update the model's state.
    public var stateResults: [IRResult] {
        results.filter { if case .state = $0.role { true } else { false } }
    }

    /// The smallest id not yet used, for appending instructions.
    public var nextValueID: Int { (instructions.map(\.result.id).max() ?? -1) + 1 }
}
