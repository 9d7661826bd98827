/// A value in SSA form: defined once, by one instruction, printed `%id`.
public struct IRValue: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let id: Int

    public init(_ id: Int) { self.id = id }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.id < rhs.id }

    public var description: String { "%\(id)" }
}

/// Where in the `.tapeless` source an instruction came from, for comments in generated code.
public struct SourceOrigin: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// The source text of the expression (first line only).
    public var text: String
    /// Whether the instruction computes a derivative of this expression rather than its value.
    public var isDerivative: Bool

    public init(line: Int, column: Int, text: String, isDerivative: Bool = false) {
        self.line = line
        self.column = column
        self.text = text
        self.isDerivative = isDerivative
    }

    /// The same place, marked as the derivative of what is written there.
    public var derivative: SourceOrigin {
        SourceOrigin(line: line, column: column, text: text, isDerivative: true)
    }

    public var description: String { (isDerivative ? "∂ " : "") + "line \(line): \(text)" }
}

/// One instruction: `result = op(operands) : type`.
public struct IRInstruction: Hashable, Sendable {
    public var result: IRValue
    public var op: IROp
    public var operands: [IRValue]
    public var type: IRType
    public var origin: SourceOrigin?

    public init(result: IRValue, op: IROp, operands: [IRValue], type: IRType, origin: SourceOrigin?) {
        self.result = result
        self.op = op
        self.operands = operands
        self.type = type
        self.origin = origin
    }
}

/// A function argument.
public struct IRArgument: Hashable, Sendable {
    public var name: String
    public var type: IRType

    public init(name: String, type: IRType) {
        self.name = name
        self.type = type
    }
}

/// An input that can be differentiated: a function argument or a model parameter.
public enum DifferentiableInput: Hashable, Sendable, CustomStringConvertible {
    case argument(Int)
    case parameter(String)

    public var description: String {
        switch self {
        case .argument(let index): return "argument \(index)"
        case .parameter(let name): return "parameter \(name)"
        }
    }
}

/// A named result of a function: a computed value, or the gradient of the function's value
/// with respect to one of its inputs.
public struct IRResult: Hashable, Sendable {
    public enum Role: Hashable, Sendable {
        case value
        case gradient(DifferentiableInput)
    }

    public var name: String
    public var value: IRValue
    public var role: Role

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
    public var name: String
    public var arguments: [IRArgument]
    public var instructions: [IRInstruction]
    public var results: [IRResult]

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

    /// The size variables of the arguments' shapes, in order of first appearance.
    public var sizeVariables: [String] {
        var seen: [String] = []
        for argument in arguments {
            for case .size(let name) in argument.type.shape where !seen.contains(name) {
                seen.append(name)
            }
        }
        return seen
    }

    /// The model parameters the function reads, in order of first use.
    public var parametersRead: [String] {
        var seen: [String] = []
        for case .parameter(let name) in instructions.map(\.op) where !seen.contains(name) {
            seen.append(name)
        }
        return seen
    }

    /// The smallest id not yet used, for appending instructions.
    public var nextValueID: Int { (instructions.map(\.result.id).max() ?? -1) + 1 }
}
