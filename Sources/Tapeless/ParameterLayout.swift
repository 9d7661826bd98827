/// Where each of a model's parameters lives in its one flat buffer, and how it starts.
///
/// Every model keeps all of its parameters in one contiguous `[Float]`, in the order of this
/// layout, and its gradient uses the same layout. So an optimizer step is one pass over
/// memory, and a checkpoint is a list of named slices.
public struct ParameterLayout: Sendable, Equatable {
    /// One parameter of a model.
    public struct Entry: Sendable, Equatable {
        /// The parameter's name as written in the model, for example `w` or `fc1.weight`.
        public let name: String
        /// The parameter's shape; `[]` for a scalar.
        public let shape: [Int]
        /// How the parameter's first value is drawn.
        public let initializer: Initializer
        /// Whether optimizers update it; `false` for a `frozen param`.
        public let isTrainable: Bool
        /// The index of its first element in the flat buffer.
        public let offset: Int

        /// The number of elements.
        public var scalarCount: Int { shape.reduce(1, *) }
        /// The elements' positions in the flat buffer.
        public var range: Range<Int> { offset..<(offset + scalarCount) }
    }

    /// The parameters in order.
    public let entries: [Entry]
    /// The length of the flat buffer.
    public let scalarCount: Int
    /// The number of elements that optimizers update: those of every trainable parameter.
    public let trainableScalarCount: Int

    /// Creates a layout that places the parameters one after another in the given order.
    ///
    /// - Precondition: names are unique.
    public init(_ parameters: [(name: String, shape: [Int], initializer: Initializer, isTrainable: Bool)]) {
        var offset = 0
        var entries: [Entry] = []
        for parameter in parameters {
            precondition(
                !entries.contains { $0.name == parameter.name },
                "Parameter name '\(parameter.name)' appears twice in one model."
            )
            let entry = Entry(
                name: parameter.name, shape: parameter.shape, initializer: parameter.initializer,
                isTrainable: parameter.isTrainable, offset: offset)
            entries.append(entry)
            offset += entry.scalarCount
        }
        self.entries = entries
        self.scalarCount = offset
        self.trainableScalarCount = entries.reduce(0) { $0 + ($1.isTrainable ? $1.scalarCount : 0) }
    }

    /// The entry with the given name, if any.
    public func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The flat buffer of a freshly initialized model.
    ///
    /// Parameter `k` (0-based, in layout order) draws from the random stream whose seed is
    /// element `k` of stream `seed` (see ``RandomStream``), so adding a parameter at the end
    /// leaves the others' first values unchanged, and a seed gives the same model everywhere.
    public func initialScalars(seed: UInt64) -> [Float] {
        var scalars = [Float](repeating: 0, count: scalarCount)
        let seeds = RandomStream(seed: seed)
        for (k, entry) in entries.enumerated() {
            let values = entry.initializer.values(shape: entry.shape, stream: RandomStream(seed: seeds.bits(at: k)))
            scalars.replaceSubrange(entry.range, with: values)
        }
        return scalars
    }
}

/// A type that keeps named parameters (or their gradients) in one flat buffer.
///
/// Generated models and their nested `Gradient` types conform to it, so the runtime can
/// enumerate, update, save and load any model without knowing its type.
public protocol ParameterContainer: Sendable {
    /// The names, shapes and positions of the parameters.
    static var parameterLayout: ParameterLayout { get }
    /// Every parameter's elements, one after another in layout order.
    var parameterScalars: [Float] { get set }
    /// Creates a value from a flat buffer laid out as ``parameterLayout``.
    init(parameterScalars: [Float])
}

extension ParameterContainer {
    /// A value whose every element is zero.
    public static var zero: Self {
        Self(parameterScalars: [Float](repeating: 0, count: parameterLayout.scalarCount))
    }

    /// The parameter with the given name, as a tensor (a scalar parameter has shape `[]`).
    ///
    /// - Precondition: the layout has a parameter of that name.
    public subscript(parameter name: String) -> Tensor {
        get {
            let entry = Self.requireEntry(name)
            return Tensor(shape: entry.shape, scalars: Array(parameterScalars[entry.range]))
        }
        set {
            let entry = Self.requireEntry(name)
            precondition(
                newValue.shape == entry.shape,
                "Parameter '\(name)' has shape \(entry.shape); a tensor of shape \(newValue.shape) cannot replace it."
            )
            parameterScalars.replaceSubrange(entry.range, with: newValue.scalars)
        }
    }

    /// Every parameter with its name, in layout order (PyTorch's `named_parameters()`).
    public var namedParameters: [(name: String, value: Tensor)] {
        Self.parameterLayout.entries.map { ($0.name, self[parameter: $0.name]) }
    }

    /// The number of parameters, counting every element (trainable and frozen).
    public static var parameterCount: Int { parameterLayout.scalarCount }

    private static func requireEntry(_ name: String) -> ParameterLayout.Entry {
        guard let entry = parameterLayout.entry(named: name) else {
            let known = parameterLayout.entries.map(\.name).joined(separator: ", ")
            preconditionFailure("\(Self.self) has no parameter named '\(name)'; it has: \(known).")
        }
        return entry
    }
}

/// A model: named parameters with a gradient type of the same layout.
///
/// The compiler generates a conforming struct for every `model` in a `.tapeless` file.
public protocol Model: ParameterContainer {
    /// The gradient of a scalar with respect to every parameter, laid out like the model.
    associatedtype Gradient: ParameterContainer

    /// The parameters that PyTorch's equivalent modules store transposed, such as a `Dense`
    /// layer's weight (`[in, out]` here, `[out, in]` in `nn.Linear`); ``load(fromPyTorch:renaming:)-(URL,_)``
    /// transposes them. Empty unless the generated model lists some.
    static var pyTorchTransposedParameters: Set<String> { get }
}

extension Model {
    public static var pyTorchTransposedParameters: Set<String> { [] }

    /// Creates a model whose parameters are drawn by their initializers from a seeded generator.
    ///
    /// The same seed gives the same model on every machine.
    public init(seed: UInt64) {
        self.init(parameterScalars: Self.parameterLayout.initialScalars(seed: seed))
    }
}

/// A model with a forward function from one batch of inputs to one batch of outputs, which the
/// runtime's losses, ``Module/fit(x:y:loss:optimizer:epochs:batchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:)``
/// and custom training loops can drive.
public protocol Module: Model {
    /// The shape of the forward function's input as declared: each dimension's size, or `nil`
    /// for a size variable (`[batch, 784]` is `[nil, 784]`). `fit` and `evaluate` check data
    /// against it before anything runs.
    static var inputShape: [Int?] { get }

    /// Runs the forward function on a batch (rows are examples), in inference mode.
    func callAsFunction(_ input: Tensor) -> Tensor

    /// Runs the forward function in `mode`, hands its output to `outputGradient` together
    /// with a tensor to fill with the gradient of the loss with respect to that output, and
    /// writes the gradient of every trainable parameter into `gradient`.
    ///
    /// In training mode the step also updates the model's state (batch normalization's
    /// running statistics), which is why it is `mutating`; a model without such layers
    /// ignores the mode and changes nothing. Both tensors handed to `outputGradient` are
    /// reused from call to call on the same thread, and the output gradient's storage is
    /// reused when the closure writes it in place (``Loss/value(_:_:gradientInto:)`` does),
    /// so a training step allocates nothing:
    /// ```swift
    /// var gradient = MLP.Gradient.zero
    /// var lossValue: Float = 0
    /// try model.gradient(at: xb, mode: .training(seed: 0, step: step), into: &gradient) { logits, logitsGradient in
    ///     lossValue = try criterion.value(logits, yb, gradientInto: &logitsGradient)
    /// }
    /// ```
    mutating func gradient(
        at input: Tensor,
        mode: ForwardMode,
        into gradient: inout Gradient,
        outputGradient: (_ output: Tensor, _ outputGradient: inout Tensor) throws -> Void
    ) rethrows
}

extension Module {
    /// Runs the forward function in `mode`, asks `outputGradient` for the gradient of the loss
    /// with respect to the output, and writes the gradient of every trainable parameter into
    /// `gradient`.
    ///
    /// The model itself is left as it is: a state update of a training step is discarded (call
    /// ``gradient(at:mode:into:outputGradient:)`` on the model to keep it).
    public func gradient(
        at input: Tensor,
        mode: ForwardMode = .training(),
        outputGradient: (_ output: Tensor) throws -> Tensor,
        into gradient: inout Gradient
    ) rethrows {
        var model = self
        try model.gradient(at: input, mode: mode, into: &gradient) { output, seed in seed = try outputGradient(output) }
    }

    /// Runs the forward function in `mode`, asks `outputGradient` for the gradient of the loss
    /// with respect to the output, and returns the gradient with respect to every parameter.
    ///
    /// The model itself is left as it is, as by ``gradient(at:mode:outputGradient:into:)``.
    public func gradient(
        at input: Tensor,
        mode: ForwardMode = .training(),
        outputGradient: (_ output: Tensor) throws -> Tensor
    ) rethrows -> Gradient {
        var gradient = Gradient.zero
        try self.gradient(at: input, mode: mode, outputGradient: outputGradient, into: &gradient)
        return gradient
    }
}

/// The weight and bias of a `Dense` layer, as one value.
///
/// Generated models expose each layer's parameters through this type, so `model.fc1.weight`
/// reads like PyTorch's `model.fc1.weight`.
public struct DenseParameters: Sendable, Equatable {
    /// The weight, input-major: shape `[inputs, outputs]`, used as `x @ weight`.
    public var weight: Tensor
    /// The bias, shape `[outputs]`.
    public var bias: Tensor

    /// Creates a layer's parameters from its weight and bias.
    public init(weight: Tensor, bias: Tensor) {
        self.weight = weight
        self.bias = bias
    }
}
