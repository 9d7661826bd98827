/// How a builtin is called from source: its name and the slots its arguments fill.
struct BuiltinForm {
    /// What an argument slot holds.
    enum SlotKind {
        /// A tensor or scalar expression.
        case value
        /// A numeric literal such as `0.2` or `-1` (slope, alpha, exponent, delta, label smoothing).
        case constant
        /// An integer literal axis, negative counting from the end.
        case axis
        /// `approximate: tanh` or `approximate: none` for gelu.
        case approximation
        /// A positive integer literal window option: `kernel:`, `stride:`, `dilation:`, `groups:`.
        case windowSize(WindowOptions.Size)
        /// `padding:` of a convolution or pooling: a nonnegative integer literal, `same` or `valid`.
        case padding
        /// `keepDims:` of a reduction: `true` or `false`.
        case keepDimensions
    }

    /// One argument position.
    struct Slot {
        var label: String
        var kind: SlotKind
        var isRequired: Bool

        static func value(_ label: String) -> Slot { Slot(label: label, kind: .value, isRequired: true) }
        static func constant(_ label: String, isRequired: Bool = false) -> Slot {
            Slot(label: label, kind: .constant, isRequired: isRequired)
        }
        static let axis = Slot(label: "axis", kind: .axis, isRequired: false)
        static func windowSize(_ size: WindowOptions.Size, isRequired: Bool = false) -> Slot {
            Slot(label: size.rawValue, kind: .windowSize(size), isRequired: isRequired)
        }
        static let padding = Slot(label: "padding", kind: .padding, isRequired: false)
        static let keepDimensions = Slot(label: "keepDims", kind: .keepDimensions, isRequired: false)
    }

    var builtin: Builtin
    var slots: [Slot]

    /// The builtin function names as written in source: every spelled ``UnaryFunction``, then
    /// the builtins composed of primitives or taking more than one tensor.
    static let sourceNames = UnaryFunction.allCases.compactMap(\.definition.spelling) + [
        "square", "leakyRelu", "elu", "gelu", "silu", "pow", "stopGradient", "min", "max", "clamp", "where",
        "matmul", "transpose", "sum", "mean", "logSumExp", "softmax", "logSoftmax", "mse", "mae", "huber",
        "binaryCrossEntropy", "crossEntropy", "conv2D", "maxPool2D", "flatten", "variance", "oneHot", "gather", "argmax",
        "norm", "normalize",
    ] + Checker.shapeBuiltinNames

    /// The form of an elementwise builtin of one tensor (the ones a layer's `activation:` may
    /// name, and `pow` and `stopGradient`).
    static func unaryForm(named name: String) -> BuiltinForm? {
        if let function = UnaryFunction.bySpelling[name] {
            return BuiltinForm(builtin: .elementwise(function), slots: [.value("x")])
        }
        switch name {
        case "square": return BuiltinForm(builtin: .square, slots: [.value("x")])
        case "silu": return BuiltinForm(builtin: .silu, slots: [.value("x")])
        case "stopGradient": return BuiltinForm(builtin: .stopGradient, slots: [.value("x")])
        case "leakyRelu": return BuiltinForm(builtin: .leakyRelu, slots: [.value("x"), .constant("slope")])
        case "elu": return BuiltinForm(builtin: .elu, slots: [.value("x"), .constant("alpha")])
        case "gelu":
            return BuiltinForm(
                builtin: .gelu, slots: [.value("x"), Slot(label: "approximate", kind: .approximation, isRequired: false)])
        case "pow": return BuiltinForm(builtin: .pow, slots: [.value("x"), .constant("exponent", isRequired: true)])
        default: return nil
        }
    }

    /// The form of the builtin `name` for these arguments (`max(a, b)` is elementwise,
    /// `max(x)` and `max(x, axis: 1)` reduce). `name` is one of ``sourceNames``.
    static func form(named name: String, arguments: [Argument]) -> BuiltinForm {
        if let unary = unaryForm(named: name) { return unary }
        let isReduction = arguments.count == 1 || arguments.contains { $0.label?.name == "axis" }
        switch name {
        case "min" where isReduction: return BuiltinForm(builtin: .minReduce, slots: [.value("x"), .axis, .keepDimensions])
        case "min": return BuiltinForm(builtin: .minimum, slots: [.value("a"), .value("b")])
        case "variance":
            return BuiltinForm(builtin: .variance, slots: [.value("x"), .axis, .constant("correction"), .keepDimensions])
        case "max" where isReduction: return BuiltinForm(builtin: .maxReduce, slots: [.value("x"), .axis, .keepDimensions])
        case "max": return BuiltinForm(builtin: .maximum, slots: [.value("a"), .value("b")])
        case "clamp": return BuiltinForm(builtin: .clamp, slots: [.value("x"), .value("low"), .value("high")])
        case "where": return BuiltinForm(builtin: .where, slots: [.value("condition"), .value("a"), .value("b")])
        case "matmul": return BuiltinForm(builtin: .matmul, slots: [.value("a"), .value("b")])
        case "transpose": return BuiltinForm(builtin: .transpose, slots: [.value("x")])
        case "sum": return BuiltinForm(builtin: .sum, slots: [.value("x"), .axis, .keepDimensions])
        case "mean": return BuiltinForm(builtin: .mean, slots: [.value("x"), .axis, .keepDimensions])
        case "logSumExp": return BuiltinForm(builtin: .logSumExp, slots: [.value("x"), .axis, .keepDimensions])
        case "oneHot": return BuiltinForm(builtin: .oneHot, slots: [.value("labels"), .constant("classes", isRequired: true)])
        case "softmax": return BuiltinForm(builtin: .softmax, slots: [.value("x"), .axis])
        case "logSoftmax": return BuiltinForm(builtin: .logSoftmax, slots: [.value("x"), .axis])
        case "norm": return BuiltinForm(builtin: .norm, slots: [.value("x"), .axis, .keepDimensions])
        case "normalize": return BuiltinForm(builtin: .normalize, slots: [.value("x"), .axis, .constant("eps")])
        case "mse": return BuiltinForm(builtin: .mse, slots: [.value("predicted"), .value("target")])
        case "mae": return BuiltinForm(builtin: .mae, slots: [.value("predicted"), .value("target")])
        case "huber":
            return BuiltinForm(builtin: .huber, slots: [.value("predicted"), .value("target"), .constant("delta")])
        case "binaryCrossEntropy":
            return BuiltinForm(builtin: .binaryCrossEntropy, slots: [.value("logits"), .value("labels")])
        case "crossEntropy":
            return BuiltinForm(
                builtin: .crossEntropy, slots: [.value("logits"), .value("labels"), .constant("labelSmoothing")])
        case "conv2D":
            return BuiltinForm(builtin: .convolution2D, slots: [
                .value("x"), .value("weight"), Slot(label: "bias", kind: .value, isRequired: false), .windowSize(.stride),
                .padding, .windowSize(.dilation), .windowSize(.groups),
            ])
        case "maxPool2D":
            return BuiltinForm(builtin: .maxPool2D, slots: [
                .value("x"), .windowSize(.kernel, isRequired: true), .windowSize(.stride), .padding, .windowSize(.dilation),
            ])
        case "flatten":
            return BuiltinForm(builtin: .flatten, slots: [.value("x"), Slot(label: "from", kind: .axis, isRequired: false)])
        case "gather": return BuiltinForm(builtin: .gather, slots: [.value("table"), .value("indices")])
        case "argmax": return BuiltinForm(builtin: .argmax, slots: [.value("x"), Slot(label: "axis", kind: .axis, isRequired: true)])
        default:
            preconditionFailure("'\(name)' is not a builtin function name")
        }
    }
}
