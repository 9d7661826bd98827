/// `Dense(in -> out, activation: f)`: `x @ weight + bias`, then the activation, applied to an
/// input `[in]`, `[rows, in]` or `[…, rows, in]` (each row on its own, as `nn.Linear`). The weight `[in, out]` starts Glorot uniform and the bias
/// `[out]` at zero, as in Keras.
struct Dense: LayerKind, Equatable {
    static let name = "Dense"
    static let example = "Dense(784 -> 128)"

    var inputSize: Int
    var outputSize: Int
    /// The elementwise activation applied to the output, with its constant (leakyRelu's
    /// slope, elu's alpha), if any.
    var activation: (builtin: Builtin, constant: Double?)?

    init?(_ reader: inout LayerArgumentReader) {
        let sizes = reader.sizes(example: Self.example)
        let activationValue = reader.option("activation")
        activation = activationValue.flatMap { reader.checker.layerActivation($0) }
        reader.finish(options: ["activation"], example: "activation: relu")
        guard let sizes, !reader.hasErrors, activationValue == nil || activation != nil else { return nil }
        (inputSize, outputSize) = sizes
        guard reader.weightFits([inputSize, outputSize]) else { return nil }
    }

    var description: String { "Dense(\(inputSize) -> \(outputSize))" }

    var parameters: [LayerParameter] {
        [
            LayerParameter(name: "weight", shape: [inputSize, outputSize], initializer: .glorotUniform, isTransposedInPyTorch: true),
            LayerParameter(name: "bias", shape: [outputSize], initializer: .constant(0)),
        ]
    }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        guard input.rank >= 1, input.shape.last == .fixed(inputSize) else {
            return .failure(LayerInputError(
                message: "needs an input whose last axis has \(inputSize) features, such as [batch, \(inputSize)], not \(input)"))
        }
        return .success(.tensor(input.shape.dropLast() + [.fixed(outputSize)]))
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        let product = BuiltinLowering.matrixProduct(input, context.parameter("weight"), &context.builder)
        let affine = context.builder.add(product, context.parameter("bias"))
        return try BuiltinLowering.apply(activation, to: affine, &context.builder)
    }

    var accessor: LayerAccessor? { LayerAccessor(typeName: "DenseParameters", properties: ["weight", "bias"]) }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.inputSize == rhs.inputSize && lhs.outputSize == rhs.outputSize
            && lhs.activation?.builtin == rhs.activation?.builtin && lhs.activation?.constant == rhs.activation?.constant
    }
}
