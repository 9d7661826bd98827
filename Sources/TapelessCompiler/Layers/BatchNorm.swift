/// `BatchNorm1D(features)`: PyTorch's `nn.BatchNorm1d`, over `[batch, features]` or
/// `[batch, features, length]`. See ``BatchNormalization`` for its options and modes.
struct BatchNorm1D: BatchNormalizationKind {
    static let name = "BatchNorm1D"
    static let example = "BatchNorm1D(64)"
    static let inputRanks: Set<Int> = [2, 3]

    var normalization: BatchNormalization

    var inputShapes: String { "[batch, \(normalization.channels)] or [batch, \(normalization.channels), length]" }
}

/// `BatchNorm2D(channels)`: PyTorch's `nn.BatchNorm2d`, over `[batch, channels, height,
/// width]`. See ``BatchNormalization`` for its options and modes.
struct BatchNorm2D: BatchNormalizationKind {
    static let name = "BatchNorm2D"
    static let example = "BatchNorm2D(16)"
    static let inputRanks: Set<Int> = [4]

    var normalization: BatchNormalization

    var inputShapes: String { "[batch, \(normalization.channels), height, width]" }
}

/// A batch normalization layer kind: which input ranks it takes; the rest is shared.
protocol BatchNormalizationKind: LayerKind, Equatable {
    static var example: String { get }
    static var inputRanks: Set<Int> { get }
    var normalization: BatchNormalization { get }
    /// The shapes it takes, for messages.
    var inputShapes: String { get }
    init(normalization: BatchNormalization)
}

extension BatchNormalizationKind {
    init?(_ reader: inout LayerArgumentReader) {
        guard let normalization = BatchNormalization(&reader, example: Self.example) else { return nil }
        self.init(normalization: normalization)
    }

    var description: String { "\(Self.name)(\(normalization.channels))" }
    var parameters: [LayerParameter] { normalization.parameters }
    var dependsOnMode: Bool { true }
    var accessor: LayerAccessor? { nil }

    func outputType(for input: ValueType) -> Result<ValueType, LayerInputError> {
        normalization.outputType(for: input, ranks: Self.inputRanks, shapes: inputShapes)
    }

    func lower(_ input: IRValue, _ context: inout LayerLowering) throws -> IRValue {
        normalization.lower(input, &context)
    }
}

/// What the batch normalization layers share: PyTorch's semantics over axis 1 (the channels),
/// with statistics over every other axis.
///
/// - Training: `y = (x - mean) / sqrt(var + epsilon) * weight + bias` with the batch's mean
///   and biased variance; then `running_mean ← (1 - momentum) · running_mean + momentum · mean`,
///   `running_var` the same with the unbiased variance (`var · n / (n - 1)`; with one value per
///   channel, where PyTorch stops with an error, the variance itself), and
///   `num_batches_tracked` counts the steps.
/// - Inference: the same formula with `running_mean` and `running_var`.
///
/// Options: `epsilon:` (1e-5) and `momentum:` (0.1), as PyTorch's `eps` and `momentum`.
/// Parameters `weight` (ones) and `bias` (zeros); state `running_mean` (zeros), `running_var`
/// (ones) and `num_batches_tracked` (0), named as in PyTorch's `state_dict`.
struct BatchNormalization: Equatable {
    var channels: Int
    var epsilon: Double
    var momentum: Double

    init?(_ reader: inout LayerArgumentReader, example: String) {
        let channels = reader.count(example: example)
        let epsilon = reader.positiveNumber("epsilon", example: "1e-5")
        let momentum = reader.number("momentum")
        reader.finish(options: ["epsilon", "momentum"], example: "momentum: 0.1")
        if let momentum, !(0...1).contains(momentum.value) {
            reader.error("'momentum:' of layer '\(reader.layerName)' must be in [0, 1], such as 0.1", at: momentum.range)
        }
        guard let channels, !reader.hasErrors else { return nil }
        (self.channels, self.epsilon, self.momentum) = (channels, epsilon ?? 1e-5, momentum?.value ?? 0.1)
    }

    var parameters: [LayerParameter] {
        [
            LayerParameter(name: "weight", shape: [channels], initializer: .constant(1)),
            LayerParameter(name: "bias", shape: [channels], initializer: .constant(0)),
            LayerParameter(name: "running_mean", shape: [channels], initializer: .constant(0), isState: true),
            LayerParameter(name: "running_var", shape: [channels], initializer: .constant(1), isState: true),
            LayerParameter(name: "num_batches_tracked", shape: [], initializer: .constant(0), isState: true),
        ]
    }

    func outputType(for input: ValueType, ranks: Set<Int>, shapes: String) -> Result<ValueType, LayerInputError> {
        guard input.element == .float, ranks.contains(input.rank), input.shape[1] == .fixed(channels) else {
            return .failure(LayerInputError(message: "needs an input \(shapes), not \(input)"))
        }
        return .success(input)
    }

    func lower(_ x: IRValue, _ context: inout LayerLowering) -> IRValue {
        var b = context.builder
        defer { context.builder = b }
        let shape = b.type(of: x).shape
        // A per-channel vector as `[channels, 1, …]`, which broadcasts against the input.
        let perChannel: (IRValue) -> IRValue = { [shape] vector in
            shape.count == 2 ? vector : b.emit(.reshape, [vector], type: .float([shape[1]] + shape.dropFirst(2).map { _ in .fixed(1) }))
        }
        let mean: IRValue, variance: IRValue
        switch context.mode {
        case .inference:
            (mean, variance) = (context.parameter("running_mean"), context.parameter("running_var"))
        case .training:
            let count = b.emit(.count([shape[0]] + shape.dropFirst(2)), type: .scalar)
            mean = b.divide(channelSum(x, &b), count)
            let centered = b.subtract(x, perChannel(mean))
            variance = b.divide(channelSum(b.multiply(centered, centered), &b), count)
            let keep = b.constant(1 - momentum), take = b.constant(momentum)
            // n / (n - 1), with n - 1 kept at least 1: a batch of one value per channel (where
            // PyTorch stops with an error) leaves the running variance finite.
            let unbiased = b.multiply(variance, b.divide(count, b.binary(.maximum, b.subtract(count, b.constant(1)), b.constant(1))))
            context.stateUpdates["running_mean"] = b.add(b.multiply(keep, context.parameter("running_mean")), b.multiply(take, mean))
            context.stateUpdates["running_var"] = b.add(b.multiply(keep, context.parameter("running_var")), b.multiply(take, unbiased))
            context.stateUpdates["num_batches_tracked"] = b.add(context.parameter("num_batches_tracked"), b.constant(1))
        }
        let scale = b.multiply(b.unary(.rsqrt, b.add(variance, b.constant(epsilon))), context.parameter("weight"))
        let shift = b.subtract(context.parameter("bias"), b.multiply(mean, scale))
        return b.add(b.multiply(x, perChannel(scale)), perChannel(shift))
    }

    /// The sum of `x` over every axis but 1: `[channels]`.
    private func channelSum(_ x: IRValue, _ b: inout IRBuilder) -> IRValue {
        var sum = x
        while b.type(of: sum).shape.count > 2 { sum = b.reduceSum(sum, axis: b.type(of: sum).shape.count - 1) }
        return b.reduceSum(sum, axis: 0)
    }
}
