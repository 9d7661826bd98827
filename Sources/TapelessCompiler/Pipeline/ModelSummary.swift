/// A report of each model before anything runs, like Keras's `model.summary()` but from the
/// compiled IR: parameters and state per tensor and in total, and per function (per mode for
/// one compiled in both) the FLOPs and activation memory of one example (every size variable
/// set to 1), and what its reverse pass keeps from the forward pass (``ReverseStorage``).
public struct ModelSummary {
    /// The program the summary describes.
    public let program: LoweredProgram
    /// The Swift generated for the program, whose size the summary reports, if known.
    public let generatedSwift: String?

    /// Creates a summary of the models of a compiled program, and of the size of its Swift.
    public init(program: LoweredProgram, generatedSwift: String? = nil) {
        self.program = program
        self.generatedSwift = generatedSwift
    }

    /// The report as aligned text.
    public func render() -> String {
        var lines: [String] = []
        for model in program.models {
            lines.append("Model \(model.name)")
            var rows = [["Parameter", "Shape", "Elements", "Bytes", "Trainable"]]
            var layersShown = Set<String>()
            for parameter in model.parameters {
                // A layer's parameters follow a row with the layer's total.
                let layer = model.layers.first { $0.parameters.contains(parameter.name) }
                if let layer, layersShown.insert(layer.name).inserted {
                    let own = model.parameters.filter { layer.parameters.contains($0.name) }
                    let count = own.reduce(0) { $0 + $1.shape.reduce(1, *) }
                    let learned = own.filter { !$0.isState }
                    let trainable = learned.allSatisfy(\.isTrainable) ? "yes" : learned.contains(where: \.isTrainable) ? "partly" : "no"
                    rows.append([layer.name + " (layer)", "", String(count), Self.bytes(count * 4), trainable])
                }
                let count = parameter.shape.reduce(1, *)
                let isInLayer = layer != nil
                rows.append([
                    (isInLayer ? "  " : "") + parameter.name, "[" + parameter.shape.map(String.init).joined(separator: ", ") + "]",
                    String(count), Self.bytes(count * 4), parameter.isState ? "state" : parameter.isTrainable ? "yes" : "no",
                ])
            }
            let total = model.parameters.reduce(0) { $0 + $1.shape.reduce(1, *) }
            let trainable = model.parameters.filter(\.isTrainable).reduce(0) { $0 + $1.shape.reduce(1, *) }
            rows.append(["Total", "", String(total), Self.bytes(total * 4), "\(trainable) trainable"])
            lines += Self.table(rows)
            var costs = [["Function", "Forward FLOPs", "Backward FLOPs", "Activations", "Kept for backward"]]
            for function in model.functions {
                let forward = Cost(function.body)
                let derived = (function.withGradient ?? function.pullback).map { Cost($0) }
                let plans = FunctionPlans(function, in: model)
                let reverse = (plans.withGradient ?? plans.pullback).flatMap { ReverseStorage($0) }
                // What checkpoints make the backward pass compute again.
                let backwardPlan = plans.withGradient ?? plans.pullback
                let again: Int = backwardPlan.map { plan in Cost(plan.function) { $0.origin?.isRecomputed == true }.flops } ?? 0
                costs.append([
                    function.name + (function.mode.map { " (\($0.rawValue))" } ?? ""), String(forward.flops),
                    derived.map { (cost: Cost) -> String in String(max(0, cost.flops - forward.flops) + again) } ?? "-",
                    Self.bytes(forward.activationBytes), reverse.map { Self.bytes($0.bytesPerExample) } ?? "-",
                ])
            }
            lines.append("Per example:")
            lines += Self.table(costs)
            lines.append("")
        }
        if let generatedSwift {
            // Every edit of the model recompiles this much Swift in the user's build.
            let count = generatedSwift.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            lines.append("Generated Swift: \(count) lines, \(Self.bytes(generatedSwift.utf8.count))")
        }
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    /// Operation counts of one IR function with every size variable set to 1.
    struct Cost {
        var flops = 0
        /// The bytes of the activations: 4 per Float (or truth value), 8 per Int.
        var activationBytes = 0

        /// Whether values of the operation are activations: not names of values the function
        /// is given, nor constants or broadcasts, which the generated code reads in place.
        private static func holdsActivations(_ op: IROp) -> Bool {
            if case .constant = op { return false }
            return op.operationClass != .name && op != .broadcast
        }

        /// The costs of the instructions of `function` that `counts`.
        init(_ function: IRFunction, counting counts: (IRInstruction) -> Bool = { _ in true }) {
            let definitions = function.definitions()
            func elements(_ type: IRType) -> Int {
                type.shape.reduce(1) { product, dimension in
                    if case .fixed(let n) = dimension { return product * n }
                    return product
                }
            }
            for instruction in function.instructions where counts(instruction) {
                let operands = instruction.operands.map { definitions[$0]!.type }
                flops += instruction.op.flops(result: instruction.type, operands: operands, elements: elements)
                if Self.holdsActivations(instruction.op) && !instruction.type.isScalar {
                    activationBytes += elements(instruction.type) * (instruction.type.element == .int ? 8 : 4)
                }
            }
        }
    }

    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20 { return String(format1(Double(count) / Double(1 << 20))) + " MiB" }
        if count >= 1 << 10 { return String(format1(Double(count) / Double(1 << 10))) + " KiB" }
        return "\(count) B"
    }

    private static func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
    }
}
