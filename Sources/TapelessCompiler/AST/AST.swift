/// The syntax tree of one `.tapeless` file, as written, with a source range on every node.
///
/// The parser builds it; the checker annotates it (types, resolved names) in side tables
/// keyed by ``Expr/id``; lowering turns it into IR.
public struct SourceFile: Sendable, Equatable {
    /// The path the file was read from, as given to the compiler (`-` for standard input).
    public var path: String
    /// The top-level declarations in source order.
    public var declarations: [Declaration]

    public init(path: String, declarations: [Declaration]) {
        self.path = path
        self.declarations = declarations
    }
}

/// A name as written, with where it was written.
public struct Identifier: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var range: SourceRange

    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }

    public var description: String { name }
}

/// A top-level declaration.
public enum Declaration: Sendable, Equatable {
    /// `model Name { … }`
    case model(ModelDecl)
    /// `func name(…) -> T { … }` outside a model.
    case function(FunctionDecl)
    /// `let name = grad(f)` or `let name = grad(f, wrt: x)`.
    case derivative(DerivativeDecl)
}

/// `model Name { members }`
public struct ModelDecl: Sendable, Equatable {
    public var name: Identifier
    public var members: [ModelMember]
    public var range: SourceRange

    public init(name: Identifier, members: [ModelMember], range: SourceRange) {
        self.name = name
        self.members = members
        self.range = range
    }
}

/// A declaration inside a model.
public enum ModelMember: Sendable, Equatable {
    case parameter(ParameterDecl)
    case layer(LayerDecl)
    case function(FunctionDecl)
}

/// `[frozen] param name: Type [= initializer]`
public struct ParameterDecl: Sendable, Equatable {
    public var name: Identifier
    public var type: TypeExpr
    /// The initializer expression: a number, `-number`, a name such as `zeros` or `heNormal`,
    /// or a call such as `uniform(-0.1, 0.1)`. `nil` means zeros.
    public var initializer: Expr?
    /// A frozen parameter is used by the model but never trained.
    public var isFrozen: Bool
    public var range: SourceRange

    public init(name: Identifier, type: TypeExpr, initializer: Expr?, isFrozen: Bool, range: SourceRange) {
        self.name = name
        self.type = type
        self.initializer = initializer
        self.isFrozen = isFrozen
        self.range = range
    }
}

/// `layer name = Kind(in -> out, option: value, …)`, for example `Dense(784 -> 128, activation: relu)`.
public struct LayerDecl: Sendable, Equatable {
    public var name: Identifier
    /// The layer kind, such as `Dense`.
    public var kind: Identifier
    /// The size of each input example (left of `->`).
    public var inputSize: DimExpr
    /// The size of each output example (right of `->`).
    public var outputSize: DimExpr
    /// The labeled options after the sizes, such as `activation: relu`.
    public var options: [Argument]
    /// Whether the layer's parameters are frozen (`frozen layer …`).
    public var isFrozen: Bool
    public var range: SourceRange

    public init(
        name: Identifier, kind: Identifier, inputSize: DimExpr, outputSize: DimExpr,
        options: [Argument], isFrozen: Bool, range: SourceRange
    ) {
        self.name = name
        self.kind = kind
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.options = options
        self.isFrozen = isFrozen
        self.range = range
    }
}

/// A type as written: `Float`, `[n, 784]` (a Float tensor) or `Int[batch]` (integer labels).
public struct TypeExpr: Sendable, Equatable {
    public enum Element: Sendable, Equatable { case float, int }
    /// The element type.
    public var element: Element
    /// The dimensions; empty for the scalar `Float` (and `Int`).
    public var dimensions: [DimExpr]
    public var range: SourceRange

    public init(element: Element, dimensions: [DimExpr], range: SourceRange) {
        self.element = element
        self.dimensions = dimensions
        self.range = range
    }
}

/// One dimension of a tensor type: an integer literal or a size variable such as `batch`.
public enum DimExpr: Sendable, Equatable {
    case literal(Int, SourceRange)
    case symbol(Identifier)

    public var range: SourceRange {
        switch self {
        case .literal(_, let range): return range
        case .symbol(let identifier): return identifier.range
        }
    }
}

/// `func name(arguments) -> ReturnType { body }`
public struct FunctionDecl: Sendable, Equatable {
    public var name: Identifier
    public var parameters: [FunctionParameter]
    public var returnType: TypeExpr
    public var body: Block
    public var range: SourceRange

    public init(
        name: Identifier, parameters: [FunctionParameter], returnType: TypeExpr, body: Block, range: SourceRange
    ) {
        self.name = name
        self.parameters = parameters
        self.returnType = returnType
        self.body = body
        self.range = range
    }
}

/// `name: Type` in a function's parameter list. Call sites label arguments with the name.
public struct FunctionParameter: Sendable, Equatable {
    public var name: Identifier
    public var type: TypeExpr

    public init(name: Identifier, type: TypeExpr) {
        self.name = name
        self.type = type
    }
}

/// A function body: `let` bindings, then the result (`return` is optional).
public struct Block: Sendable, Equatable {
    public var bindings: [LetBinding]
    public var result: Expr
    public var range: SourceRange

    public init(bindings: [LetBinding], result: Expr, range: SourceRange) {
        self.bindings = bindings
        self.result = result
        self.range = range
    }
}

/// `let name = value` inside a body.
public struct LetBinding: Sendable, Equatable {
    public var name: Identifier
    public var value: Expr
    public var range: SourceRange

    public init(name: Identifier, value: Expr, range: SourceRange) {
        self.name = name
        self.value = value
        self.range = range
    }
}

/// `let name = grad(function)` or `let name = grad(function, wrt: argument)`.
public struct DerivativeDecl: Sendable, Equatable {
    public var name: Identifier
    /// The differentiated function: a top-level function or another derivative.
    public var function: Identifier
    /// The argument to differentiate with respect to; `nil` means every Float argument.
    public var withRespectTo: Identifier?
    public var range: SourceRange

    public init(name: Identifier, function: Identifier, withRespectTo: Identifier?, range: SourceRange) {
        self.name = name
        self.function = function
        self.withRespectTo = withRespectTo
        self.range = range
    }
}

/// An argument in a call: `value` or `label: value`.
public struct Argument: Sendable, Equatable {
    public var label: Identifier?
    public var value: Expr

    public init(label: Identifier?, value: Expr) {
        self.label = label
        self.value = value
    }
}

/// An expression. `id` is unique within a file and keys the checker's side tables.
public struct Expr: Sendable, Equatable {
    public var id: Int
    public var kind: ExprKind
    public var range: SourceRange

    public init(id: Int, kind: ExprKind, range: SourceRange) {
        self.id = id
        self.kind = kind
        self.range = range
    }
}

/// The kinds of expression.
public indirect enum ExprKind: Sendable, Equatable {
    /// A number literal, such as `3`, `0.5` or `1e-3`.
    case number(Double)
    /// A name: a local, an argument, a parameter, a layer or a function.
    case identifier(String)
    /// `base.member`, such as `fc1.weight`.
    case member(Expr, Identifier)
    /// `callee(arguments)`.
    case call(Expr, [Argument])
    /// `-operand`.
    case negate(Expr)
    /// `left op right`.
    case binary(BinaryOperator, Expr, Expr)
    /// `base[i, j, …]`: each index is a number, `:` (all) or a range such as `0..<2`.
    case index(Expr, [SubscriptIndex])
}

/// A binary operator, in increasing precedence groups: comparisons; `+ -`; `* / @`.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", matrixMultiply = "@"
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="

    public var isComparison: Bool {
        switch self {
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: return true
        default: return false
        }
    }
}

/// One index in a subscript.
public enum SubscriptIndex: Sendable, Equatable {
    /// `:`, every element along the axis.
    case all(SourceRange)
    /// An integer literal (negative counts from the end), which removes the axis.
    case index(Int, SourceRange)
    /// `a..<b`, a half-open range of integer literals, which keeps the axis.
    case range(Int, Int, SourceRange)

    /// Where the index is written.
    public var range: SourceRange {
        switch self {
        case .all(let range), .index(_, let range), .range(_, _, let range): return range
        }
    }
}
