/// The syntax tree of one `.tapeless` file, as written, with a source range on every node.
///
/// The parser builds it; the checker annotates it (types, resolved names) in side tables
/// keyed by ``Expr/id``; lowering turns it into IR.
public struct SourceFile: Sendable, Equatable {
    /// The path the file was read from, as given to the compiler (`-` for standard input).
    public var path: String
    /// The top-level declarations in source order.
    public var declarations: [Declaration]

    /// Creates a file from its path and its declarations in source order.
    public init(path: String, declarations: [Declaration]) {
        self.path = path
        self.declarations = declarations
    }
}

/// A name as written, with where it was written.
public struct Identifier: Sendable, Hashable, CustomStringConvertible {
    /// The name's text.
    public var name: String
    /// Where the name is written.
    public var range: SourceRange

    /// Creates an identifier with its text and where it is written.
    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }

    /// The name's text.
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
    /// `let name: Float = value`: a named constant.
    case constant(ConstantDecl)
    /// `struct Name { var field: Type … }`: a record of named values.
    case record(RecordDecl)
}

/// `struct Name { var field: Type … }`: named values (scalars and tensors) that travel
/// together, as arguments, results and variables. A record's fields become separate values
/// when the file is checked (`s.position` is a name like any other), so every later stage sees
/// only tensors.
public struct RecordDecl: Sendable, Equatable {
    /// One field: `var name: Type` or `let name: Type`.
    public struct Field: Sendable, Equatable {
        /// The field's name.
        public var name: Identifier
        /// The field's type: `Float` or a Float tensor.
        public var type: TypeExpr

        /// Creates a field.
        public init(name: Identifier, type: TypeExpr) {
            self.name = name
            self.type = type
        }
    }

    /// The record's name, used as a type (`s: State`) and to build one (`State(x: 1, v: 0)`).
    public var name: Identifier
    /// The fields in declaration order, which is the order of the memberwise initializer's labels.
    public var fields: [Field]
    /// Where the declaration is written.
    public var range: SourceRange

    /// Creates a record declaration.
    public init(name: Identifier, fields: [Field], range: SourceRange) {
        self.name = name
        self.fields = fields
        self.range = range
    }
}

/// `let name: Float = value` (the type is optional): a named constant, computed from numbers
/// and earlier constants when the file compiles.
public struct ConstantDecl: Sendable, Equatable {
    /// The constant's name.
    public var name: Identifier
    /// The declared type, if written; it must be `Float`.
    public var type: TypeExpr?
    /// The value's expression.
    public var value: Expr
    /// Where the declaration is written.
    public var range: SourceRange

    /// Creates a constant declaration.
    public init(name: Identifier, type: TypeExpr?, value: Expr, range: SourceRange) {
        self.name = name
        self.type = type
        self.value = value
        self.range = range
    }
}

/// `model Name { members }`
public struct ModelDecl: Sendable, Equatable {
    /// The model's name, which becomes the name of the generated Swift struct.
    public var name: Identifier
    /// The parameters, layers and functions of the model, in source order.
    public var members: [ModelMember]
    /// Where the declaration is written.
    public var range: SourceRange

    /// Creates a model declaration.
    public init(name: Identifier, members: [ModelMember], range: SourceRange) {
        self.name = name
        self.members = members
        self.range = range
    }
}

/// A declaration inside a model.
public enum ModelMember: Sendable, Equatable {
    /// `[frozen] param name: Type [= initializer]`.
    case parameter(ParameterDecl)
    /// `[frozen] layer name = Kind(in -> out, …)`.
    case layer(LayerDecl)
    /// `func name(…) -> T { … }` inside the model, which may read the model's parameters and layers.
    case function(FunctionDecl)
    /// `let name = grad(function, wrt: argument)`: a derivative of one of the model's functions
    /// with respect to its inputs (its parameters' gradients come with every scalar function).
    case derivative(DerivativeDecl)
    /// `let name: Float = value`: a named constant of the model.
    case constant(ConstantDecl)
}

/// `[frozen] param name: Type [= initializer]`
public struct ParameterDecl: Sendable, Equatable {
    /// The parameter's name, unique within the model.
    public var name: Identifier
    /// The parameter's type; its dimensions must be integer literals.
    public var type: TypeExpr
    /// The initializer expression: a number, `-number`, a name such as `zeros` or `heNormal`,
    /// or a call such as `uniform(-0.1, 0.1)`. `nil` means zeros.
    public var initializer: Expr?
    /// A frozen parameter is used by the model but never trained.
    public var isFrozen: Bool
    /// Where the declaration is written.
    public var range: SourceRange

    /// Creates a parameter declaration.
    public init(name: Identifier, type: TypeExpr, initializer: Expr?, isFrozen: Bool, range: SourceRange) {
        self.name = name
        self.type = type
        self.initializer = initializer
        self.isFrozen = isFrozen
        self.range = range
    }
}

/// `layer name = Kind(argument, …)`, for example `Dense(784 -> 128, activation: relu)`: the
/// kind's name and its arguments as written, which the kind reads when the model is checked.
public struct LayerDecl: Sendable, Equatable {
    /// The layer's name; its parameters are `name.weight`, `name.bias` and so on.
    public var name: Identifier
    /// The layer kind, such as `Dense`.
    public var kind: Identifier
    /// The arguments in the parentheses, in order.
    public var arguments: [LayerArgument]
    /// Whether the layer's parameters are frozen (`frozen layer …`).
    public var isFrozen: Bool
    /// Where the declaration is written.
    public var range: SourceRange

    /// Creates a layer declaration.
    public init(name: Identifier, kind: Identifier, arguments: [LayerArgument], isFrozen: Bool, range: SourceRange) {
        self.name = name
        self.kind = kind
        self.arguments = arguments
        self.isFrozen = isFrozen
        self.range = range
    }
}

/// One argument of a layer declaration, optionally labeled: `784 -> 128`, `activation: relu`.
public struct LayerArgument: Sendable, Equatable {
    /// What an argument holds.
    public enum Value: Sendable, Equatable {
        /// `in -> out`: the size of each input example and of each output example.
        case sizes(DimExpr, DimExpr)
        /// A number, a name or a call, such as `0.1`, `relu` or `leakyRelu(0.2)`.
        case expression(Expr)
    }

    /// The label before a colon, if any.
    public var label: Identifier?
    /// The value.
    public var value: Value
    /// Where the argument is written, label included.
    public var range: SourceRange

    /// Creates a layer argument.
    public init(label: Identifier?, value: Value, range: SourceRange) {
        self.label = label
        self.value = value
        self.range = range
    }
}

/// A type as written: `Float`, `[n, 784]` (a Float tensor) or `Int[batch]` (integer labels).
public struct TypeExpr: Sendable, Equatable {
    /// The element type of a written type.
    public enum Element: Sendable, Equatable {
        /// 32-bit floats (written `Float`, or implied by a bare `[…]`) and integer labels
        /// (written `Int[…]`).
        case float, int
        /// Another name, which only a record declared with `struct` may be.
        case named(String)
    }
    /// The element type.
    public var element: Element
    /// The dimensions; empty for the scalar `Float` (and `Int`).
    public var dimensions: [DimExpr]
    /// Where the type is written.
    public var range: SourceRange

    /// Creates a type from its element type and dimensions.
    public init(element: Element, dimensions: [DimExpr], range: SourceRange) {
        self.element = element
        self.dimensions = dimensions
        self.range = range
    }
}

/// One dimension of a tensor type: an integer literal or a size variable such as `batch`.
public enum DimExpr: Sendable, Equatable {
    /// A dimension of fixed size, such as `784`.
    case literal(Int, SourceRange)
    /// A size variable, such as `batch`, bound when the function is called.
    case symbol(Identifier)

    /// Where the dimension is written.
    public var range: SourceRange {
        switch self {
        case .literal(_, let range): return range
        case .symbol(let identifier): return identifier.range
        }
    }
}

/// `func name(arguments) -> ReturnType { body }`
public struct FunctionDecl: Sendable, Equatable {
    /// The function's name.
    public var name: Identifier
    /// The arguments the function takes, in order.
    public var parameters: [FunctionParameter]
    /// The declared type of the result (after `->`): one type, or a tuple of labeled types.
    public var returnType: ReturnType
    /// The bindings and the result expression between the braces.
    public var body: Block
    /// Where the declaration is written, from `func` to the closing brace.
    public var range: SourceRange
    /// `@vjp(of: f, wrt: x)` or `@jvp(of: f)` before `func`: the function is a derivative rule
    /// of `f`, used in place of the derived one.
    public var rule: RuleAttribute?

    /// Creates a function declaration.
    public init(
        name: Identifier, parameters: [FunctionParameter], returnType: ReturnType, body: Block, range: SourceRange,
        rule: RuleAttribute? = nil
    ) {
        self.name = name
        self.parameters = parameters
        self.returnType = returnType
        self.body = body
        self.range = range
        self.rule = rule
    }
}

/// What a function returns, after `->`: one type (`Float`), or a tuple of labeled types
/// (`(mean: Float, variance: [n])`), which callers take apart with `let (m, v) = f(x)`.
public struct ReturnType: Sendable, Equatable {
    /// One value the function returns: its label in a tuple, and its type.
    public struct Element: Sendable, Equatable {
        /// The label, as in `mean: Float`; `nil` for a single result, or when missing (an error).
        public var label: Identifier?
        /// The value's type.
        public var type: TypeExpr

        /// Creates an element.
        public init(label: Identifier?, type: TypeExpr) {
            self.label = label
            self.type = type
        }
    }

    /// The values returned, in order: one, unless ``isTuple``.
    public var elements: [Element]
    /// Whether the type is written as a tuple, in parentheses.
    public var isTuple: Bool
    /// Where the type is written.
    public var range: SourceRange

    /// Creates a return type of several values.
    public init(tuple elements: [Element], range: SourceRange) {
        self.elements = elements
        self.isTuple = true
        self.range = range
    }

    /// Creates a return type of one value.
    public init(_ type: TypeExpr) {
        self.elements = [Element(label: nil, type: type)]
        self.isTuple = false
        self.range = type.range
    }
}

/// `@vjp(of: f, wrt: x)` or `@jvp(of: f)`: the function after it is a custom derivative rule of
/// the top-level function `f`.
public struct RuleAttribute: Sendable, Equatable {
    /// Which rule the function is.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Reverse: `f`'s arguments and the gradient of its result give the gradient of one
        /// argument.
        case vjp
        /// Forward: `f`'s arguments and a tangent of each Float argument give the tangent of
        /// its result.
        case jvp
    }

    /// Which rule the function is.
    public var kind: Kind
    /// The function it is a rule of.
    public var function: Identifier
    /// For a reverse rule, the argument whose gradient it gives.
    public var withRespectTo: Identifier?
    /// Where the attribute is written.
    public var range: SourceRange

    /// Creates a rule attribute.
    public init(kind: Kind, function: Identifier, withRespectTo: Identifier?, range: SourceRange) {
        self.kind = kind
        self.function = function
        self.withRespectTo = withRespectTo
        self.range = range
    }
}

/// `name: Type` in a function's parameter list. Call sites label arguments with the name.
public struct FunctionParameter: Sendable, Equatable {
    /// The argument's name, which call sites may use as the argument's label.
    public var name: Identifier
    /// The argument's type; its dimensions may be size variables.
    public var type: TypeExpr

    /// Creates a function parameter.
    public init(name: Identifier, type: TypeExpr) {
        self.name = name
        self.type = type
    }
}

/// A function body: statements, then the result (`return` is optional).
public struct Block: Sendable, Equatable {
    /// The statements before the result, in order; each may use the names bound before it.
    public var statements: [Statement]
    /// The expression whose value the function returns.
    public var result: Expr
    /// Where the body is written, including its braces.
    public var range: SourceRange

    /// Creates a body from its statements and result.
    public init(statements: [Statement], result: Expr, range: SourceRange) {
        self.statements = statements
        self.result = result
        self.range = range
    }
}

/// A statement in a function body or a loop's body.
public enum Statement: Sendable, Equatable {
    /// `let name = value` or `var name = value`.
    case binding(LetBinding)
    /// `name = value`, or `name += value` (written out as `name = name + value`).
    case assignment(Assignment)
    /// `for i in 0..<count { statements }`.
    case loop(ForLoop)
    /// `if condition { statements } else { statements }`.
    case branch(Branch)
    /// `while condition, maxIterations: n { statements }`.
    case whileLoop(WhileLoop)
    /// `let (a, b) = f(x)`, `var (a, b) = …` or `(a, b) = …`: the values of a tuple, each
    /// bound to a name.
    case destructuring(Destructuring)

    /// Where the statement is written.
    public var range: SourceRange {
        switch self {
        case .binding(let binding): return binding.range
        case .assignment(let assignment): return assignment.range
        case .loop(let loop): return loop.range
        case .branch(let branch): return branch.range
        case .whileLoop(let loop): return loop.range
        case .destructuring(let destructuring): return destructuring.range
        }
    }
}

/// `let (a, b) = value`, `var (a, b) = value` or `(a, b) = value`: each value of a tuple (a
/// call of a function that returns several, or `(x, y)` written out) bound to a name, in order.
/// `_` drops a value.
public struct Destructuring: Sendable, Equatable {
    /// What the names are: new constants, new variables, or variables declared before.
    public enum Kind: Sendable, Equatable {
        /// `let (a, b) = …`
        case constants
        /// `var (a, b) = …`
        case variables
        /// `(a, b) = …`: new values for variables declared before.
        case assignment
    }

    /// The names, one per value; `_` drops its value.
    public var names: [Identifier]
    /// The tuple.
    public var value: Expr
    /// Whether the names are declared here, and how.
    public var kind: Kind
    /// Where the statement is written.
    public var range: SourceRange
    /// For a record taken apart into its fields (`let s = State(…)` once records are
    /// flattened): the record's name and each field's declared type, which each value must have.
    public var fieldsOf: RecordFields?

    /// A record's name and its fields' declared types.
    public struct RecordFields: Sendable, Equatable {
        /// The record's name.
        public var record: String
        /// Each field's declared type, in order.
        public var types: [TypeExpr]

        /// Creates the fields of `record`.
        public init(record: String, types: [TypeExpr]) {
            self.record = record
            self.types = types
        }
    }

    /// Creates a destructuring statement.
    public init(names: [Identifier], value: Expr, kind: Kind, range: SourceRange, fieldsOf: RecordFields? = nil) {
        self.names = names
        self.value = value
        self.kind = kind
        self.range = range
        self.fieldsOf = fieldsOf
    }

    /// The names that receive a value (all but `_`).
    public var boundNames: [Identifier] { names.filter { $0.name != "_" } }
}

/// `let name = value`, or `var name = value` for a variable that assignments may change.
public struct LetBinding: Sendable, Equatable {
    /// The name the value is bound to.
    public var name: Identifier
    /// The bound expression.
    public var value: Expr
    /// Whether the binding is a `var`, which assignments may change (keeping its type).
    public var isVariable: Bool
    /// Where the binding is written.
    public var range: SourceRange

    /// Creates a binding.
    public init(name: Identifier, value: Expr, isVariable: Bool = false, range: SourceRange) {
        self.name = name
        self.value = value
        self.isVariable = isVariable
        self.range = range
    }
}

/// `name = value`: a new value for a `var`, of the same type. A compound assignment such as
/// `name += value` is parsed as `name = name + value`.
public struct Assignment: Sendable, Equatable {
    /// The variable assigned to.
    public var name: Identifier
    /// The new value.
    public var value: Expr
    /// Where the assignment is written.
    public var range: SourceRange

    /// Creates an assignment.
    public init(name: Identifier, value: Expr, range: SourceRange) {
        self.name = name
        self.value = value
        self.range = range
    }
}

/// `for index in 0..<count { body }`: the body once for each index from 0 to `count - 1`, in
/// order.
public struct ForLoop: Sendable, Equatable {
    /// The loop index, an `Int` usable in subscripts such as `x[:, i]`.
    public var index: Identifier
    /// The number of iterations.
    public var count: DimExpr
    /// `checkpointEvery: k`: the reverse pass keeps the state of every `k`-th iteration only
    /// and computes the others again.
    public var checkpointInterval: DimExpr?
    /// The statements run in each iteration.
    public var body: [Statement]
    /// Where the loop is written, from `for` to its closing brace.
    public var range: SourceRange

    /// Creates a loop.
    public init(index: Identifier, count: DimExpr, checkpointInterval: DimExpr? = nil, body: [Statement], range: SourceRange) {
        self.index = index
        self.count = count
        self.checkpointInterval = checkpointInterval
        self.body = body
        self.range = range
    }
}

/// `while condition, maxIterations: n { body }`: the body again and again while a comparison of
/// scalars holds, checked before each iteration; the condition still holding after `n`
/// iterations stops the program with an error rather than looping on silently.
public struct WhileLoop: Sendable, Equatable {
    /// A comparison giving one `Bool`, such as `abs(step) > 1e-6`.
    public var condition: Expr
    /// The most iterations the loop may run: a whole number or a named constant.
    public var maxIterations: DimExpr
    /// `checkpointEvery: k`: the reverse pass keeps the state of every `k`-th iteration only
    /// and computes the others again.
    public var checkpointInterval: DimExpr?
    /// The statements run in each iteration.
    public var body: [Statement]
    /// Where the loop is written, from `while` to its closing brace.
    public var range: SourceRange

    /// Creates a loop.
    public init(condition: Expr, maxIterations: DimExpr, checkpointInterval: DimExpr? = nil, body: [Statement], range: SourceRange) {
        self.condition = condition
        self.maxIterations = maxIterations
        self.checkpointInterval = checkpointInterval
        self.body = body
        self.range = range
    }
}

/// `if condition { thenBody } else { elseBody }`: the statements of one side, chosen by a
/// comparison of scalars computed at run time. `else if` is an `else` side holding one branch.
public struct Branch: Sendable, Equatable {
    /// A comparison giving one `Bool`, such as `e > 0`.
    public var condition: Expr
    /// The statements run when the condition holds.
    public var thenBody: [Statement]
    /// The statements run when it does not; empty without `else`.
    public var elseBody: [Statement]
    /// Where the branch is written, from `if` to its last closing brace.
    public var range: SourceRange

    /// Creates a branch.
    public init(condition: Expr, thenBody: [Statement], elseBody: [Statement], range: SourceRange) {
        self.condition = condition
        self.thenBody = thenBody
        self.elseBody = elseBody
        self.range = range
    }
}

/// `let name = grad(function)`, `let name = jvp(function, wrt: x, y)`: a function derived from
/// another by one of the transforms of ``DerivativeKind``.
public struct DerivativeDecl: Sendable, Equatable {
    /// The name of the derived function.
    public var name: Identifier
    /// The transform: `grad`, `valueAndGrad`, `vjp`, `jvp` or `hvp`.
    public var kind: DerivativeKind
    /// The differentiated function: a top-level function or another derivative.
    public var function: Identifier
    /// The arguments to differentiate with respect to; empty means every Float argument.
    public var withRespectTo: [Identifier]
    /// Where the declaration is written.
    public var range: SourceRange

    /// Creates a derivative declaration.
    public init(
        name: Identifier, kind: DerivativeKind = .grad, function: Identifier, withRespectTo: [Identifier], range: SourceRange
    ) {
        self.name = name
        self.kind = kind
        self.function = function
        self.withRespectTo = withRespectTo
        self.range = range
    }
}

/// An argument in a call: `value` or `label: value`.
public struct Argument: Sendable, Equatable {
    /// The label before the colon, or `nil` for an unlabeled argument.
    public var label: Identifier?
    /// The argument's value.
    public var value: Expr

    /// Creates an argument.
    public init(label: Identifier?, value: Expr) {
        self.label = label
        self.value = value
    }
}

/// An expression. `id` is unique within a file and keys the checker's side tables.
public struct Expr: Sendable, Equatable {
    /// A number unique within the file that keys the checker's side tables.
    public var id: Int
    /// What the expression is.
    public var kind: ExprKind
    /// Where the expression is written.
    public var range: SourceRange

    /// Creates an expression; `id` must be unique within the file.
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
    /// `!condition`: a Bool negated, elementwise.
    case not(Expr)
    /// `left op right`.
    case binary(BinaryOperator, Expr, Expr)
    /// `base[i, j, …]`: each index is a number, `:` (all) or a range such as `0..<2`.
    case index(Expr, [SubscriptIndex])
    /// `(a, b)` or `(mean: a, variance: b)`: several values, which a function returns or a
    /// destructuring statement takes apart.
    case tuple([Argument])
}

/// A binary operator, in increasing precedence groups: comparisons; `+ -`; `* / @`.
public enum BinaryOperator: String, Sendable, CaseIterable {
    /// Arithmetic: `+`, `-`, `*` and `/` elementwise with broadcasting, and `@` the matrix product.
    case add = "+", subtract = "-", multiply = "*", divide = "/", matrixMultiply = "@"
    /// Elementwise comparisons with broadcasting; the result (Bool) is a condition, of `if` or `where`.
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
    /// Elementwise logic of comparisons (`e > 0 && e < 1`), with broadcasting; the result is Bool.
    case and = "&&", or = "||"

    /// Whether the operator compares (`<`, `<=`, `>`, `>=`, `==`, `!=`) rather than computes.
    public var isComparison: Bool {
        switch self {
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: return true
        case .add, .subtract, .multiply, .divide, .matrixMultiply, .and, .or: return false
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
    /// `a..<b by k` or `: by k` (bounds `nil`: the whole axis): every `k`-th position of the
    /// range, from its first, which keeps the axis (Python's `x[a:b:k]`).
    case strided(Int?, Int?, by: Int, SourceRange)
    /// A position computed from loop indices, such as `i` or `i + 1`, which removes the axis.
    case position(Expr)

    /// Where the index is written.
    public var range: SourceRange {
        switch self {
        case .all(let range), .index(_, let range), .range(_, _, let range), .strided(_, _, _, let range): return range
        case .position(let expression): return expression.range
        }
    }
}
