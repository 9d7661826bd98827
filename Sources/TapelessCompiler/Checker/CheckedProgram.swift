/// What a name, operator, call or subscript in the source refers to, as the checker decided.
public enum Resolution: Sendable, Equatable {
    /// A `let` binding in the enclosing function body.
    case local(String)
    /// The enclosing function's argument at this index.
    case argument(Int)
    /// A model parameter by its layout name, such as `w` or `fc1.weight`.
    case parameter(String)
    /// A named constant (`let dt: Float = 0.1`), with its value.
    case constant(Double)
    /// A builtin operation; operators (`+`, `@`, `<`, unary `-`) resolve to builtins too.
    case builtin(ResolvedCall)
    /// Applying a model's layer to an input, with the optional inputs it was given by label
    /// (such as attention's `padding:` mask).
    case layer(String, input: Expr, options: [String: Expr] = [:])
    /// A call of another function of the same model, arguments in declaration order.
    case modelFunction(String, arguments: [Expr])
    /// A call of a top-level function or derivative, arguments in declaration order.
    case function(String, arguments: [Expr])
    /// A subscript of a tensor; negative indices on literal dimensions are normalized.
    case index(Expr, [SubscriptIndex])
}

/// How a parameter's initial values are drawn, as written in its declaration.
public enum InitializerSpec: Sendable, Equatable {
    /// Every element is the value (`zeros`, `ones`, `0.5`, `-1`).
    case constant(Double)
    /// `uniform(low, high)`.
    case uniform(Double, Double)
    /// `normal(mean, std)`.
    case normal(Double, Double)
    /// `glorotUniform`.
    case glorotUniform
    /// `glorotNormal`.
    case glorotNormal
    /// `heUniform`.
    case heUniform
    /// `heNormal`.
    case heNormal
}

/// A model parameter with its shape and initializer; layers contribute `name.weight` and `name.bias`.
public struct CheckedParameter: Sendable, Equatable {
    /// The layout name, such as `w` or `fc1.weight`.
    public var name: String
    /// The shape (literal dimensions only).
    public var shape: [Int]
    /// How initial values are drawn.
    public var initializer: InitializerSpec
    /// Whether the parameter is excluded from training.
    public var isFrozen: Bool
    /// Whether it is a layer's state (batch normalization's running mean): updated by the
    /// training step, never by optimizers.
    public var isState = false
    /// Whether PyTorch's equivalent module stores it transposed (a Dense layer's weight).
    public var isTransposedInPyTorch = false
    /// The declaration (of the parameter or of its layer).
    public var range: SourceRange

    /// The parameter's value type.
    public var type: ValueType { .tensor(shape.map(Dimension.fixed)) }
}

/// A model's layer: its name and its kind's configuration.
public struct CheckedLayer: Sendable, Equatable {
    /// The layer's name; its parameters are `name.` followed by the kind's parameter names.
    public var name: String
    /// The kind and its configuration, such as `Dense(784 -> 128)` with its activation.
    var kind: any LayerKind
    /// Whether the layer's parameters are excluded from training.
    public var isFrozen: Bool
    /// The declaration.
    public var range: SourceRange

    /// The full name of the kind's parameter `relative`, such as `fc1.weight`.
    func parameterName(_ relative: String) -> String { "\(name).\(relative)" }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.kind.isEqual(to: rhs.kind) && lhs.isFrozen == rhs.isFrozen && lhs.range == rhs.range
    }
}

/// A checked function: a model's method or a top-level function.
public struct CheckedFunction: Sendable {
    /// The function's name.
    public var name: String
    /// The arguments in declaration order.
    public var parameters: [(name: String, type: ValueType)]
    /// The values returned, in order: one named `value`, or a tuple's labeled values.
    public var results: [(name: String, type: ValueType)]
    /// The size variables of the arguments, in order of first appearance.
    public var sizeVariables: [String]
    /// The declaration; look up its expressions' types and resolutions by `Expr.id`.
    public var decl: FunctionDecl

    /// The result type when the function returns one value; `nil` when it returns a tuple.
    public var returnType: ValueType? { decl.returnType.isTuple ? nil : results[0].type }
}

/// A checked model.
public struct CheckedModel: Sendable {
    /// The model's name.
    public var name: String
    /// The parameters in declaration order, each layer expanded to its weight then its bias.
    public var parameters: [CheckedParameter]
    /// The layers in declaration order.
    public var layers: [CheckedLayer]
    /// The methods in declaration order.
    public var functions: [CheckedFunction]
    /// The derivatives of methods with respect to their inputs (`let dx = grad(loss, wrt: x)`).
    public var derivatives: [CheckedDerivative]
    /// The names of the methods another method of the model calls (its helpers).
    public var calledFunctions: Set<String> = []
    /// The declaration.
    public var range: SourceRange
}

/// A checked derivative declaration: `let name = grad(f)`, `jvp(f, wrt: x)` and the other
/// kinds of ``DerivativeKind``.
public struct CheckedDerivative: Sendable {
    /// The derivative's name.
    public var name: String
    /// The transform.
    public var kind: DerivativeKind
    /// The differentiated function: a top-level function or an earlier derivative.
    public var function: String
    /// The top-level function at the bottom of a chain of derivatives (`f` for `grad(grad(f))`).
    public var rootFunction: String
    /// The indices of the arguments differentiated with respect to, in increasing order.
    public var withRespectTo: [Int]
    /// The arguments: the differentiated function's, then those the transform adds: a tangent
    /// per differentiated argument for `jvp` and `hvp` (`xTangent` for `x`), the output gradient
    /// for `vjp` (`outputGradient`), each with a number appended if the name is taken.
    public var parameters: [(name: String, type: ValueType)]
    /// The results, named as the generated Swift labels them: `value` for the function's value,
    /// `tangent` for its derivative along the tangents, and each differentiated argument's name
    /// for its gradient or Hessian-vector product.
    public var results: [(name: String, type: ValueType)]
    /// The size variables of the arguments, in order of first appearance.
    public var sizeVariables: [String]
    /// 1 for a derivative of a function, 2 for a derivative of a derivative (or `hvp`), and so on.
    public var order: Int
    /// The declaration.
    public var range: SourceRange

    /// The result types in order.
    public var resultTypes: [ValueType] { results.map(\.type) }

    /// The result type when the derivative returns one value; `nil` when it returns a tuple.
    public var returnType: ValueType? { results.count == 1 ? results[0].type : nil }

    /// The results' names as a tuple, for messages: `(value, x)`.
    var resultList: String { "(" + results.map(\.name).joined(separator: ", ") + ")" }
}

/// A type-checked program with every name resolved: the input to lowering.
public struct CheckedProgram: Sendable {
    /// The syntax tree that was checked.
    public var file: SourceFile
    /// The models in source order.
    public var models: [CheckedModel]
    /// The top-level functions in source order.
    public var functions: [CheckedFunction]
    /// The derivatives, each after the derivative it differentiates.
    public var derivatives: [CheckedDerivative]
    /// The type of every value expression, by `Expr.id`. Callee names, the layer name in
    /// `fc1.weight` and option names such as `tanh` in `approximate: tanh` are not values and
    /// have no entry.
    public var types: [Int: ValueType]
    /// What every identifier, member, call, operator and subscript refers to, by `Expr.id`
    /// (with the same exceptions as ``types``).
    public var resolutions: [Int: Resolution]
    /// The position each subscript written with loop indices (`x[:, i + 1]`) picks, by the
    /// position expression's `Expr.id`.
    public var positions: [Int: LoopPosition]
    /// The number of iterations of every loop, by where the loop starts (its `for`); a count
    /// written as a named constant has its value here.
    public var loopCounts: [SourceLocation: Int]
    /// The records the file declares, and the functions whose arguments or results were
    /// records before ``file`` took them apart into their fields.
    public var records = RecordLayout()
    /// The types of the values of every call that returns several (a function returning a
    /// tuple, `valueAndGrad`), by the call's `Expr.id`; such a call has no entry in ``types``.
    public var tupleTypes: [Int: [ValueType]] = [:]
    /// The loops that run as loops rather than unrolled, by where they start: those whose
    /// bodies compute only scalars (see `RolledLoops.swift`).
    public var rolledLoops: Set<SourceLocation> = []
    /// Every how many iterations a loop written with `checkpointEvery:` keeps its state for the
    /// reverse pass, by where the loop starts; at most the loop's count.
    public var checkpointIntervals: [SourceLocation: Int] = [:]
}
