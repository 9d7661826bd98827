/// Renders IR as text, one instruction a line, for `tapeless explain` and for tests.
///
/// ```
/// func loss(x: [n], y: [n]) -> (value: Float)
///   %0 = argument 0 : [n]
///   %1 = parameter w : Float
///   %2 = multiply %1, %0 : [n]          // line 6: w * x
///   return value = %9, gradient w = %14
/// ```
public enum IRPrinter {
    /// The text of `function`: its signature, one line per instruction (with the source line
    /// when it changes) and its results.
    public static func render(_ function: IRFunction) -> String {
        let arguments = function.arguments.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        var lines = ["func \(function.name)(\(arguments))"]
        var lastOrigin: SourceOrigin?
        for instruction in function.instructions {
            var line = "  \(instruction.result) = \(describe(instruction.op))"
            if !instruction.operands.isEmpty {
                line += " " + instruction.operands.map(\.description).joined(separator: ", ")
            }
            line += " : \(instruction.type)"
            if let origin = instruction.origin, origin.description != lastOrigin?.description {
                line += String(repeating: " ", count: max(44 - line.count, 0)) + "  // \(origin)"
                lastOrigin = origin
            }
            lines.append(line)
            if case .loop(let loop) = instruction.op {
                lines += render(loop.body).split(separator: "\n").map { "    " + $0 }
                if let replay = loop.replay {
                    lines.append("    replayed from the kept states:")
                    lines += render(replay.step).split(separator: "\n").map { "    " + $0 }
                }
            }
        }
        let results = function.results.map { result -> String in
            switch result.role {
            case .value: return "\(result.name) = \(result.value)"
            case .gradient: return "gradient \(result.name) = \(result.value)"
            case .state: return "state \(result.name) = \(result.value)"
            }
        }
        lines.append("  return " + results.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The name of an operation with its attributes, as printed.
    public static func describe(_ op: IROp) -> String {
        switch op {
        case .argument(let index): return "argument \(index)"
        case .parameter(let name): return "parameter \(name)"
        case .constant(let value): return "constant \(format(value))"
        case .count(let dimensions): return "count [" + dimensions.map(\.description).joined(separator: ", ") + "]"
        case .unary(let function): return function.rawValue
        case .binary(let function): return function.rawValue
        case .compare(let comparison): return "compare \(comparison.rawValue)"
        case .select: return "select"
        case .matmul(let left, let right):
            return "matmul" + (left ? " transposeLeft" : "") + (right ? " transposeRight" : "")
        case .transpose: return "transpose"
        case .broadcast: return "broadcast"
        case .sumToShape: return "sumToShape"
        case .reduceSum(let axis): return "reduceSum" + (axis.map { " axis \($0)" } ?? "")
        case .reduceMax(let axis): return "reduceMax" + (axis.map { " axis \($0)" } ?? "")
        case .expandAxis(let axis): return "expandAxis \(axis)"
        case .logSumExp(let axis): return "logSumExp axis \(axis)"
        case .softmax(let axis): return "softmax axis \(axis)"
        case .pickClass: return "pickClass"
        case .scatterClass: return "scatterClass"
        case .slice(let axis, let start, let end): return "slice axis \(axis) \(start)..<\(end)"
        case .pad(let axis, let start): return "pad axis \(axis) at \(start)"
        case .stopGradient: return "stopGradient"
        case .reshape: return "reshape"
        case .convolution2D(let window): return "convolution2D" + describe(window)
        case .convolution2DInputGradient(let window): return "convolution2DInputGradient" + describe(window)
        case .convolution2DWeightGradient(let window): return "convolution2DWeightGradient" + describe(window)
        case .maxPoolSelect(let window): return "maxPoolSelect" + describe(window)
        case .maxPoolScatter(let window): return "maxPoolScatter" + describe(window)
        case .gather: return "gather"
        case .scatterAdd: return "scatterAdd"
        case .argmax(let axis): return "argmax axis \(axis)"
        case .dropoutMask(let mask): return "dropoutMask \(mask)"
        case .iota(let axis): return "iota axis \(axis)"
        case .permute(let permutation): return "permute [" + permutation.map(String.init).joined(separator: ", ") + "]"
        case .call(let callee): return "call \(callee)"
        case .loop(let loop):
            let times = switch loop.extent {
            case .counted: "\(loop.count) times"
            case .whileCondition: "while its last result holds, at most \(loop.count) times"
            case .tripCount: "as many times as its last operand, at most \(loop.count)"
            }
            let kept = loop.checkpointInterval > 1 && loop.statesStart != nil ? ", its states kept every \(loop.checkpointInterval) iterations" : ""
            let replayed = loop.replay.map { ", replaying \($0.stateCount == 1 ? "1 state" : "\($0.stateCount) states") every \($0.interval) iterations" } ?? ""
            return "loop \(loop.isReversed ? "reversed " : "")\(times) carrying \(loop.carried)\(kept)\(replayed)"
        case .elementAt(let stride, let offset): return "elementAt stride \(stride) offset \(offset)"
        }
    }

    /// A convolution's settings other than PyTorch's defaults: ` stride 2x2 padding 1,1 groups 2`.
    private static func describe(_ window: ConvolutionWindow) -> String {
        var text = ""
        if (window.strideY, window.strideX) != (1, 1) { text += " stride \(window.strideY)x\(window.strideX)" }
        if (window.paddingTop, window.paddingLeft) != (0, 0) { text += " padding \(window.paddingTop),\(window.paddingLeft)" }
        if (window.dilationY, window.dilationX) != (1, 1) { text += " dilation \(window.dilationY)x\(window.dilationX)" }
        if window.groups != 1 { text += " groups \(window.groups)" }
        return text
    }

    /// A pooling window: ` kernel 2x2 stride 2x2`, then any padding or dilation.
    private static func describe(_ window: PoolingWindow) -> String {
        var text = " kernel \(window.kernelHeight)x\(window.kernelWidth) stride \(window.strideY)x\(window.strideX)"
        if (window.paddingTop, window.paddingLeft) != (0, 0) { text += " padding \(window.paddingTop),\(window.paddingLeft)" }
        if (window.dilationY, window.dilationX) != (1, 1) { text += " dilation \(window.dilationY)x\(window.dilationX)" }
        return text
    }

    /// A number as briefly as it round-trips: `3`, `0.5`, `1e-08`.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
