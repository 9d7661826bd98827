/// A layer declaration's arguments as its kind reads them: sizes and labeled options, each
/// taken once, with every mistake reported where it is written.
struct LayerArgumentReader {
    /// The declaration being read.
    let declaration: LayerDecl
    let checker: Checker
    /// The arguments not taken yet.
    private var remaining: [LayerArgument]
    /// Whether a mistake was reported.
    private(set) var hasErrors = false

    init(_ declaration: LayerDecl, checker: Checker) {
        self.declaration = declaration
        self.checker = checker
        remaining = declaration.arguments
    }

    /// The layer's name, for messages.
    var layerName: String { declaration.name.name }

    /// Reports a mistake at `range`.
    mutating func error(_ message: String, at range: SourceRange) {
        checker.error(message, at: range)
        hasErrors = true
    }

    /// The first argument as `in -> out` literal sizes (each positive), as in `Dense(784 -> 128)`.
    mutating func sizes(example: String) -> (input: Int, output: Int)? {
        guard let first = remaining.first, first.label == nil else {
            error("expected the layer's sizes first, as in '\(example)'", at: remaining.first?.range ?? declaration.kind.range)
            return nil
        }
        remaining.removeFirst()
        guard case .sizes(let input, let output) = first.value else {
            let end = SourceRange(start: first.range.end, end: first.range.end)
            error("expected '->' between the layer's input and output sizes, as in '\(example)'", at: end)
            // `Dense(784, 128)`: the next unlabeled argument is the output size, not an option.
            if let next = remaining.first, next.label == nil { remaining.removeFirst() }
            return nil
        }
        guard let inputSize = size(input, "input"), let outputSize = size(output, "output") else { return nil }
        return (inputSize, outputSize)
    }

    /// Whether a weight of `shape` has at most ``ValueType/maximumElementCount`` elements;
    /// reports it at the declaration when it has more.
    mutating func weightFits(_ shape: [Int]) -> Bool {
        let weight = ValueType.tensor(shape.map(Dimension.fixed))
        guard !weight.isWithinSizeLimit else { return true }
        error(ValueType.sizeLimitMessage("the weight of layer '\(layerName)' (\(weight))"), at: declaration.range)
        return false
    }

    /// The first argument, unlabeled, as in `Dropout(0.5)` or `BatchNorm2D(16)`; `what` names
    /// it in the message when it is missing (after which the other arguments are not read, so
    /// one mistake gives one message).
    mutating func leadingValue(_ what: String, example: String) -> Expr? {
        guard let first = remaining.first, first.label == nil, case .expression(let value) = first.value else {
            error("layer '\(layerName)' needs its \(what) first, as in '\(example)'", at: remaining.first?.range ?? declaration.kind.range)
            remaining = []
            return nil
        }
        remaining.removeFirst()
        return value
    }

    /// The first argument as a literal, positive size, as in `BatchNorm2D(16)`.
    mutating func count(example: String) -> Int? {
        guard let value = leadingValue("size", example: example) else { return nil }
        guard let number = integerLiteral(value), number >= 1 else {
            error("the size of layer '\(layerName)' must be a positive integer, as in '\(example)'", at: value.range)
            return nil
        }
        return number
    }

    /// The option `label:` as a number literal, if given.
    mutating func number(_ label: String) -> (value: Double, range: SourceRange)? {
        guard let value = option(label) else { return nil }
        guard let number = numberLiteral(value) else {
            error("'\(label):' of layer '\(layerName)' must be a number", at: value.range)
            return nil
        }
        return (number, value.range)
    }

    /// The option `label:` as a positive number literal, if given.
    mutating func positiveNumber(_ label: String, example: String) -> Double? {
        guard let (value, range) = number(label) else { return nil }
        guard value > 0 else {
            error("'\(label):' of layer '\(layerName)' must be positive, such as \(example)", at: range)
            return nil
        }
        return value
    }

    /// A literal, positive size.
    private mutating func size(_ dimension: DimExpr, _ role: String) -> Int? {
        switch dimension {
        case .literal(let value, let range):
            guard value >= 1 else {
                error("the \(role) size of layer '\(layerName)' must be positive, not \(value)", at: range)
                return nil
            }
            return value
        case .symbol(let symbol):
            if symbol.name.isEmpty {
                hasErrors = true  // the parser reported it
            } else {
                error("layer sizes must be literal: '\(symbol.name)' is a size variable; write the size as a number", at: symbol.range)
            }
            return nil
        }
    }

    /// The value of the option `label:`, if given; the kind reads it.
    mutating func option(_ label: String) -> Expr? {
        guard let index = remaining.firstIndex(where: { $0.label?.name == label }) else { return nil }
        let argument = remaining.remove(at: index)
        if remaining.contains(where: { $0.label?.name == label }) {
            let repeated = remaining.first { $0.label?.name == label }!
            error("'\(label):' is given twice", at: repeated.label!.range)
            remaining.removeAll { $0.label?.name == label }
        }
        guard case .expression(let value) = argument.value else {
            error("'\(label):' takes a value, not sizes", at: argument.range)
            return nil
        }
        return value
    }

    /// The option `size:` of a convolution or pooling as a positive integer literal, if given.
    mutating func windowSize(_ size: WindowOptions.Size) -> Int? {
        guard let value = option(size.rawValue) else { return nil }
        guard let number = integerLiteral(value), number >= 1 else {
            error("'\(size.rawValue):' of layer '\(layerName)' must be a positive integer, such as 2", at: value.range)
            return nil
        }
        return number
    }

    /// The options of a pooling layer: `kernel:` (required), `stride:`, `padding:` (a number)
    /// and, if it takes one, `dilation:`; `nil` after reporting a mistake.
    mutating func poolingOptions(kind: String, pyTorchName: String, takesDilation: Bool) -> WindowOptions? {
        var options = WindowOptions()
        options.kernel = windowSize(.kernel)
        options.stride = windowSize(.stride)
        options.padding = padding()
        if takesDilation { options.dilation = windowSize(.dilation) ?? 1 }
        finish(options: ["kernel", "stride", "padding"] + (takesDilation ? ["dilation"] : []), example: "kernel: 2")
        if options.kernel == nil, !hasErrors {
            error("layer '\(layerName)' needs a window size, as in '\(kind)(kernel: 2)'", at: declaration.range)
        }
        if options.padding == .same {
            error("layer '\(layerName)' takes its padding as a number (PyTorch's \(pyTorchName) has no 'same')", at: declaration.range)
        }
        return hasErrors ? nil : options
    }

    /// `padding:` as a nonnegative integer, `same` or `valid`; `.size(0)` when not given.
    mutating func padding() -> WindowOptions.Padding {
        guard let value = option("padding") else { return .size(0) }
        guard let padding = WindowOptions.Padding(value) else {
            error("'padding:' of layer '\(layerName)' must be a nonnegative integer, same or valid", at: value.range)
            return .size(0)
        }
        return padding
    }

    /// The option `label:` as `true` or `false`; `defaultValue` when not given.
    mutating func flag(_ label: String, default defaultValue: Bool) -> Bool {
        guard let value = option(label) else { return defaultValue }
        switch value.kind {
        case .identifier("true"): return true
        case .identifier("false"): return false
        default:
            error("'\(label):' of layer '\(layerName)' must be true or false", at: value.range)
            return defaultValue
        }
    }

    /// Reports every argument the kind did not take: an unlabeled one, or an option it lacks.
    /// `example` is one of its options with a value, such as `activation: relu`.
    mutating func finish(options: [String], example: String) {
        for argument in remaining {
            guard let label = argument.label else {
                error("a layer option needs a label, as in '\(example)'", at: argument.range)
                continue
            }
            let known = switch options.count {
            case 0: "it takes none"
            case 1: "its only option is '\(options[0]):'"
            default: "its options are " + options.map { "'\($0):'" }.joined(separator: ", ")
            }
            error("\(declaration.kind.name) has no option '\(label.name)'; \(known)", at: label.range)
        }
        remaining = []
    }
}
