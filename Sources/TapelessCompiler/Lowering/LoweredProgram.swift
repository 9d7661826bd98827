/// A checked program in IR form, as three stages leave it: lowered (each function's own
/// primal IR, calls and `grad` requests unresolved), differentiated (calls inlined, every
/// derivative derived), and simplified (what planning and the emitter read).
public struct LoweredProgram: Sendable, Equatable {
    /// The `.tapeless` file it came from, for the header comment.
    public var sourcePath: String
    /// The models, in source order.
    public var models: [LoweredModel]
    /// Top-level functions and `grad` definitions, in source order.
    public var functions: [LoweredFunction]
    /// The custom derivative rules of top-level functions, by the function's name.
    public var rules: [String: CustomRuleNames]
    /// The records, and the functions whose arguments or results were records before they were
    /// taken apart: the generated Swift declares a struct per record and a function taking them.
    public var records: RecordLayout

    /// Creates a program from its lowered models and top-level functions.
    public init(
        sourcePath: String, models: [LoweredModel], functions: [LoweredFunction], rules: [String: CustomRuleNames] = [:],
        records: RecordLayout = RecordLayout()
    ) {
        self.sourcePath = sourcePath
        self.models = models
        self.functions = functions
        self.rules = rules
        self.records = records
    }
}

/// The custom derivative rules of one top-level function (`@vjp`, `@jvp`), by the names of
/// the top-level functions that compute them.
public struct CustomRuleNames: Sendable, Equatable {
    /// The reverse rule of each Float argument, by the argument's position.
    public var pullbacks: [Int: String] = [:]
    /// The forward rule, if any.
    public var pushforward: String?
}

/// A model: its parameters in layout order and its functions.
public struct LoweredModel: Sendable, Equatable {
    /// The model's name, which is also the name of the generated struct.
    public var name: String
    /// The 1-based source line of the `model` declaration.
    public var line: Int
    /// Every parameter, layers' included, in the order they are laid out in the flat buffer.
    public var parameters: [LoweredParameter]
    /// The layers, each grouping some of the parameters.
    public var layers: [LoweredLayer]
    /// The model's functions, in source order.
    public var functions: [LoweredFunction]
    /// The function that makes the model a `Module` (one Float tensor in, one out), if any.
    public var forwardFunction: String?

    /// Creates a model from its lowered parts.
    public init(
        name: String, line: Int, parameters: [LoweredParameter], layers: [LoweredLayer], functions: [LoweredFunction],
        forwardFunction: String?
    ) {
        self.name = name
        self.line = line
        self.parameters = parameters
        self.layers = layers
        self.functions = functions
        self.forwardFunction = forwardFunction
    }

    /// Where each parameter starts in the flat buffer, and its length.
    public var offsets: [String: (offset: Int, count: Int)] {
        var offsets: [String: (Int, Int)] = [:]
        var offset = 0
        for parameter in parameters {
            let count = parameter.shape.reduce(1, *)
            offsets[parameter.name] = (offset, count)
            offset += count
        }
        return offsets
    }

    /// Whether two models are the same (``offsets`` is derived, so it is not compared).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.line == rhs.line && lhs.parameters == rhs.parameters && lhs.layers == rhs.layers
            && lhs.functions == rhs.functions && lhs.forwardFunction == rhs.forwardFunction
    }
}

/// A layer of a model: the parameters it groups, and how the generated model presents them.
public struct LoweredLayer: Sendable, Equatable {
    /// The layer's name.
    public var name: String
    /// The full names of its parameters, in layout order, such as `fc1.weight`.
    public var parameters: [String]
    /// The runtime type whose value is the layer's property of the generated model, if any.
    public var accessor: LayerAccessor?

    /// Creates a layer.
    public init(name: String, parameters: [String], accessor: LayerAccessor?) {
        self.name = name
        self.parameters = parameters
        self.accessor = accessor
    }
}

/// One model parameter.
public struct LoweredParameter: Sendable, Equatable {
    /// The name as written, with a dot for layer parameters: `w`, `fc1.weight`.
    public var name: String
    /// The dimensions, all known at compile time.
    public var shape: [Int]
    /// How the generated `init(seed:)` fills the parameter.
    public var initializer: InitializerSpec
    /// Whether optimizers update the parameter; `false` for a frozen parameter or layer, and
    /// for state.
    public var isTrainable: Bool
    /// Whether it is a layer's state, which the training step updates.
    public var isState: Bool
    /// Whether PyTorch's equivalent module stores it transposed (a Dense layer's weight).
    public var isTransposedInPyTorch: Bool
    /// The 1-based source line of the declaration.
    public var line: Int

    /// Creates a parameter.
    public init(
        name: String, shape: [Int], initializer: InitializerSpec, isTrainable: Bool, isState: Bool = false,
        isTransposedInPyTorch: Bool = false, line: Int
    ) {
        self.name = name
        self.shape = shape
        self.initializer = initializer
        self.isTrainable = isTrainable
        self.isState = isState
        self.isTransposedInPyTorch = isTransposedInPyTorch
        self.line = line
    }
}

/// A function with every form the emitter renders.
public struct LoweredFunction: Sendable, Equatable {
    /// The name as written.
    public var name: String
    /// The declaration's place in the file, where later stages report a function too large.
    public var range: SourceRange
    /// The declaration as written, for the doc comment (for example `func loss(x: [n]) -> Float`).
    public var declaration: String
    /// The function itself: its results are its value(s), or for a `grad` definition the
    /// gradients it returns (after the lowering stage, a `grad` definition's body holds only
    /// its arguments).
    public var body: IRFunction
    /// For a `grad` definition: the function it differentiates, and with respect to what.
    public var derivative: DerivativeRequest?
    /// For a scalar model function: its value and the gradient of every trainable parameter.
    public var withGradient: IRFunction?
    /// For a model's forward function: the gradient of every trainable parameter, seeded by the
    /// gradient of the output (the function's last argument).
    public var pullback: IRFunction?
    /// For a function whose layers depend on the mode (dropout, batch normalization), which of
    /// its two forms this is; `nil` for a function that computes the same in both.
    public var mode: ExecutionMode?

    /// Creates a function; the derived forms are `nil` until the differentiation stage.
    public init(
        name: String, range: SourceRange, declaration: String, body: IRFunction, derivative: DerivativeRequest? = nil,
        withGradient: IRFunction? = nil, pullback: IRFunction? = nil, mode: ExecutionMode? = nil
    ) {
        self.name = name
        self.range = range
        self.declaration = declaration
        self.body = body
        self.derivative = derivative
        self.withGradient = withGradient
        self.pullback = pullback
        self.mode = mode
    }

    /// The 1-based source line of the declaration.
    public var line: Int { range.start.line }
}

/// What a derivative definition (`grad`, `jvp`, …) derives.
public struct DerivativeRequest: Sendable, Equatable {
    /// The transform.
    public var kind: DerivativeKind
    /// The function (or earlier derivative definition) of the same scope it differentiates.
    public var function: String
    /// The indices of the arguments it differentiates with respect to, in increasing order.
    public var withRespectTo: [Int]
    /// For a `jacobian`, whether each argument's is derived in reverse mode (over the
    /// result's elements) rather than forward mode (over the argument's): see
    /// ``prefersReverseMode(argument:result:)``. Empty for the other kinds.
    public var reverseMode: [Bool]
    /// The names of the results, as the checker gave them (`value`, `tangent`, `meanTangent`,
    /// `tangent.position`…); empty to keep the ones the derivation gives.
    public var resultNames: [String]

    /// Creates a request.
    public init(kind: DerivativeKind = .grad, function: String, withRespectTo: [Int], reverseMode: [Bool] = [], resultNames: [String] = []) {
        self.kind = kind
        self.function = function
        self.withRespectTo = withRespectTo
        self.reverseMode = reverseMode
        self.resultNames = resultNames
    }

    /// Whether a Jacobian is cheaper in reverse mode: one pass per element of the result
    /// against one per element of the argument (forward mode), fewer winning and forward mode
    /// on a tie. A size variable counts as 64 elements; a count the IR can't write rules its
    /// mode out.
    public static func prefersReverseMode(argument: [IRDimension], result: [IRDimension]) -> Bool {
        guard let inputs = IRDimension.product(argument) else { return true }
        guard let outputs = IRDimension.product(result) else { return false }
        func estimate(_ dimension: IRDimension) -> Int { dimension.fixedValue ?? 64 }
        return estimate(outputs) < estimate(inputs)
    }
}

/// The two ways a model's layers can compute: PyTorch's `model.eval()` and `model.train()`.
public enum ExecutionMode: String, Sendable, Hashable {
    /// Dropout passes its input through; batch normalization uses its running statistics.
    case inference
    /// Dropout draws a mask; batch normalization uses the batch's statistics and updates its
    /// running ones (the function's state results).
    case training
}
