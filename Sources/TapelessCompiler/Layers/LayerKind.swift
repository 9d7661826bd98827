/// One kind of layer: everything the compiler knows about it, from the arguments of its
/// declaration to the Swift accessor of its parameters.
///
/// A value is one declared layer's configuration (`Dense(784 -> 128, activation: relu)`). A new
/// kind is one type conforming to this protocol, in its own file, and one entry in
/// ``LayerKinds/all``; the checker, lowering, the summary and the emitter ask the kind.
protocol LayerKind: Sendable {
    /// The kind's name in the language, as in `layer fc = Dense(784 -> 128)`.
    static var name: String { get }

    /// Reads a declaration's arguments; reports each mistake through `reader` and returns `nil`
    /// when the layer can't be used.
    init?(_ reader: inout LayerArgumentReader)

    /// The declaration as the kind reads it, such as `Dense(784 -> 128)`, for messages.
    var description: String { get }

    /// The parameters the layer owns, in layout order, named relative to the layer (`weight`
    /// is `fc1.weight` in a layer named `fc1`).
    var parameters: [LayerParameter] { get }

    /// The kind of element the layer's inputs hold: Float, or Int for a layer that picks rows
    /// by index (`Embedding`). The checker rejects other inputs before asking ``outputType(for:)``
    /// of a Float layer; a layer of Int inputs checks its input's element itself.
    /// The labels of the optional Float inputs an application may give after the input, such as
    /// attention's `padding:` mask; they reach ``lower(_:_:)`` as ``LayerLowering/optionalInputs``.
    var optionalInputs: [String] { get }

    /// Why an optional input of type `type` doesn't fit an application to `input`, if it doesn't.
    func checkOptionalInput(_ label: String, _ type: ValueType, for input: ValueType) -> LayerInputError?

    var inputElement: ValueType.Element { get }

    /// The type of the layer applied to an input of type `input`, or a message that says what
    /// input it needs (the checker places it at the input).
    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError>

    /// The layer applied to `input` in IR, in the context's mode, reading its parameters and
    /// recording its state's new values through `context`.
    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue

    /// The values an application also gives when it is taken apart, `let (y, hN) = gru(x)`,
    /// after the output (a recurrent layer's final states): their names, and their types for an
    /// input of type `input`. None by default. ``lower(_:_:)`` puts them in
    /// ``LayerLowering/finalValues`` when the context asks for them.
    func finalValues(for input: ValueType) -> [(name: String, type: ValueType)]

    /// Whether the layer computes something else in training than in inference (dropout,
    /// batch normalization); a function applying it is lowered once per mode.
    var dependsOnMode: Bool { get }

    /// The runtime type that groups the layer's parameters as one property of the generated
    /// model (`DenseParameters` for `model.fc1`), if the kind has one.
    var accessor: LayerAccessor? { get }

    /// Whether `other` is the same configuration of the same kind.
    func isEqual(to other: any LayerKind) -> Bool
}

extension LayerKind {
    var dependsOnMode: Bool { false }
    var inputElement: ValueType.Element { .float }
    var optionalInputs: [String] { [] }
    func checkOptionalInput(_ label: String, _ type: ValueType, for input: ValueType) -> LayerInputError? { nil }
    func finalValues(for input: ValueType) -> [(name: String, type: ValueType)] { [] }
}

extension LayerKind where Self: Equatable {
    func isEqual(to other: any LayerKind) -> Bool { (other as? Self) == self }
}

/// A parameter of a layer kind, or a tensor of its state.
struct LayerParameter: Sendable, Equatable {
    /// The name relative to the layer, such as `weight`.
    var name: String
    /// The dimensions.
    var shape: [Int]
    /// How `init(seed:)` fills it.
    var initializer: InitializerSpec
    /// Whether it is state (batch normalization's running mean): saved with the parameters,
    /// updated by the training step, never by optimizers.
    var isState = false
    /// Whether PyTorch's module stores it transposed (`nn.Linear`'s weight is `[out, in]`), so
    /// loading a PyTorch state dict transposes it.
    var isTransposedInPyTorch = false
}

/// What a layer's lowering works with: the function's IR, the layer's parameters and state,
/// the mode, and the new values of its state.
struct LayerLowering {
    /// The IR being built.
    var builder: IRBuilder
    /// The value of each parameter and state tensor, by relative name.
    let parameters: [String: IRValue]
    /// The mode the function is lowered in.
    let mode: ExecutionMode
    /// The new value of each state tensor the layer updates, by relative name.
    var stateUpdates: [String: IRValue] = [:]
    /// The optional inputs the application gave, by label.
    var optionalInputs: [String: IRValue] = [:]
    /// Whether the application is taken apart, so the layer's final values are wanted: only
    /// then are they computed, into ``finalValues``.
    var wantsFinalValues = false
    /// The values of ``LayerKind/finalValues(for:)``, when ``wantsFinalValues``.
    var finalValues: [IRValue] = []

    /// The parameter or state tensor with this relative name.
    func parameter(_ name: String) -> IRValue {
        guard let value = parameters[name] else { preconditionFailure("the layer has no parameter '\(name)'") }
        return value
    }
}

/// The runtime type that groups a layer's parameters, such as `DenseParameters(weight:bias:)`.
public struct LayerAccessor: Sendable, Equatable {
    /// The Swift type's name.
    public var typeName: String
    /// Its stored properties, each holding the layer's parameter of the same relative name.
    public var properties: [String]
}

/// Why a layer can't take an input: the message, placed at the input by the checker.
struct LayerInputError: Error {
    var message: String
}

extension Result where Failure == ShapeRules.MessageError {
    /// A shape rule's output type (the last element of its success, or the success itself),
    /// as a layer kind's ``LayerKind/outputType(for:)`` returns it.
    func layerOutput(_ type: (Success) -> ValueType) -> Result<ValueType, LayerInputError> {
        map(type).mapError { LayerInputError(message: $0.message) }
    }
}

/// The layer kinds of the language.
enum LayerKinds {
    /// Every kind, by name: the one registration of a new kind.
    static let all: [String: any LayerKind.Type] = [
        Dense.name: Dense.self, Conv2D.name: Conv2D.self, MaxPool2D.name: MaxPool2D.self, Flatten.name: Flatten.self,
        Dropout.name: Dropout.self, BatchNorm1D.name: BatchNorm1D.self, BatchNorm2D.name: BatchNorm2D.self,
        LayerNorm.name: LayerNorm.self, GroupNorm.name: GroupNorm.self, AvgPool2D.name: AvgPool2D.self,
        GlobalAvgPool2D.name: GlobalAvgPool2D.self, Conv1D.name: Conv1D.self, ConvTranspose2D.name: ConvTranspose2D.self,
        MultiHeadAttention.name: MultiHeadAttention.self, Embedding.name: Embedding.self,
        RNN.name: RNN.self, LSTM.name: LSTM.self, GRU.name: GRU.self,
    ]

    /// The kinds' names, sorted, for messages.
    static var names: [String] { all.keys.sorted() }
}
