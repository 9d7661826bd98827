/// Renders what lets `fit(by:)` and `evaluate(_:)` train by a function of the model file: for
/// each function that returns a `Float`, has a gradient, and takes only tensors whose first
/// dimension is one size variable (the examples), a structure of its arguments for many
/// examples (`LossExamples`, inside the model) and a constructor of the runtime's `Objective`
/// named after the function (`.loss(x:labels:)`, outside it).
struct ObjectiveEmitter {
    /// A function that can be trained by.
    struct Trainable {
        /// Its inference form (or its only form).
        let function: LoweredFunction
        /// Whether it also has a training form, taking a `mode:`.
        let hasTrainingForm: Bool
        /// The Swift name of its examples' structure.
        let examplesType: String
    }

    let modelType: String
    let trainables: [Trainable]
    /// `public ` or empty.
    let modifier: String

    init(model: LoweredModel, plans: [FunctionPlans], modifier: String) {
        modelType = SwiftNames.identifier(model.name)
        self.modifier = modifier
        let trainingForms = Set(model.functions.filter { $0.mode == .training }.map(\.name))
        trainables = zip(model.functions, plans).compactMap { function, plans in
            guard function.mode != .training, plans.withGradient != nil, Self.takesExamples(function.body) else { return nil }
            let examplesType = function.name.prefix(1).uppercased() + function.name.dropFirst() + "Examples"
            return Trainable(function: function, hasTrainingForm: trainingForms.contains(function.name), examplesType: examplesType)
        }
    }

    /// Whether `function` returns one `Float` and every argument is a tensor whose first
    /// dimension is the same size variable.
    private static func takesExamples(_ function: IRFunction) -> Bool {
        let returned = function.returnedResults
        guard returned.count == 1, SwiftTypes.name(of: returned[0].value, in: function) == "Float",
              let first = function.arguments.first?.type.shape.first, first.sizeName != nil
        else { return false }
        // A record's fields (`s.x`) are not examples yet.
        return function.arguments.allSatisfy { $0.type.shape.first == first && !$0.name.contains(".") }
    }

    /// For each argument that the function uses as class labels (a class pick reads it as it
    /// is), the number of classes, so that `fit(by:)` can check the labels and throw instead of
    /// the function trapping.
    private static func classCounts(of function: IRFunction) -> [Int: IRDimension] {
        let definitions = function.definitions()
        var arguments: [IRValue: Int] = [:]
        var classes: [Int: IRDimension] = [:]
        for instruction in function.instructions {
            if case .argument(let index) = instruction.op { arguments[instruction.result] = index }
            guard instruction.op == .pickClass, let index = arguments[instruction.operands[1]],
                  let logits = definitions[instruction.operands[0]], logits.type.shape.count == 2
            else { continue }
            classes[index] = logits.type.shape[1]
        }
        return classes
    }

    /// The structures of the trainable functions' examples, inside the model's structure.
    func emitExamples(into printer: inout CodePrinter) {
        for trainable in trainables {
            let arguments = trainable.function.body.arguments
            let labels = arguments.map(\.name)
            let fields = labels.map(SwiftNames.identifier)
            let types = arguments.map { SwiftTypes.name(of: $0.type) }
            let signature = SwiftTypes.signature(trainable.function.name, labels)
            printer.line()
            printer.line("/// The arguments of `\(signature)` for many examples, along the first dimension of each: what")
            printer.line("/// `Objective.\(signature)` trains by or evaluates.")
            printer.block("\(modifier)struct \(trainable.examplesType): ArgumentBatch {") { p in
                for (field, type) in zip(fields, types) { p.line("\(modifier)var \(field): \(type)") }
                p.line()
                p.line("/// Collects the arguments.")
                let parameters = zip(fields, types).map { "\($0): \($1)" }.joined(separator: ", ")
                p.block("\(modifier)init(\(parameters)) {") { p in
                    for field in fields { p.line("self.\(field) = \(field)") }
                }
                p.line()
                p.line("/// The number of examples: the first dimension of `\(labels[0])`.")
                p.line("\(modifier)var exampleCount: Int { \(fields[0]).exampleCount }")
                p.line()
                p.line("/// Each argument's shape and declared shape, which `fit(by:)` and `evaluate(_:)` check before anything runs.")
                p.block("\(modifier)var argumentShapes: [ArgumentShape] {", closing: "}") { p in
                    p.block("[", closing: "]") { p in
                        let classes = Self.classCounts(of: trainable.function.body)
                        for (index, (argument, field)) in zip(arguments, fields).enumerated() {
                            let declared = argument.type.shape.map { "\"\(SwiftNames.escapedString($0.description))\"" }.joined(separator: ", ")
                            let labels = classes[index].map { ", labels: (\(field), classes: \"\(SwiftNames.escapedString($0.description))\")" } ?? ""
                            p.line("ArgumentShape(label: \"\(SwiftNames.escapedString(argument.name))\", shape: \(field).shape, declared: [\(declared)]\(labels)),")
                        }
                    }
                }
                p.line()
                p.line("/// The examples at `indices`, in that order.")
                p.block("\(modifier)func gathering(examples indices: some Collection<Int>) -> Self {") { p in
                    p.line("Self(\(zip(labels, fields).map { "\($0): \($1).gathering(examples: indices)" }.joined(separator: ", ")))")
                }
                p.line()
                p.line("/// Writes the examples at `indices` into `batch`, reusing its storage.")
                p.block("\(modifier)func gather(examples indices: some Collection<Int>, into batch: inout Self) {") { p in
                    for field in fields { p.line("\(field).gather(examples: indices, into: &batch.\(field))") }
                }
            }
        }
    }

    /// The constructors of `Objective`, after the model's structure.
    func emitConstructors(into printer: inout CodePrinter) {
        for trainable in trainables {
            let function = trainable.function
            let labels = function.body.arguments.map(\.name)
            let fields = labels.map(SwiftNames.identifier)
            let types = function.body.arguments.map { SwiftTypes.name(of: $0.type) }
            let examples = "\(modelType).\(trainable.examplesType)"
            let signature = SwiftTypes.signature(function.name, labels)
            let batchArguments = zip(labels, fields).map { "\($0): batch.\($1)" }
            let mode = ModeNames(avoiding: labels).mode
            let gradientCall = trainable.hasTrainingForm
                ? "{ model, batch, mode, gradient in model.\(function.name)WithGradient(\((batchArguments + ["\(mode): mode", "into: &gradient"]).joined(separator: ", "))) }"
                : "{ model, batch, _, gradient in model.\(function.name)WithGradient(\((batchArguments + ["into: &gradient"]).joined(separator: ", "))) }"
            printer.line()
            printer.block("extension Objective where Trained == \(modelType), Examples == \(examples) {") { p in
                p.line("/// `\(SwiftNames.comment(function.declaration))` (line \(function.line)) on these examples, to train by with")
                p.line("/// `fit(by:)` or measure with `evaluate(_:)`.")
                let parameters = zip(fields, types).map { "\($0): \($1)" }.joined(separator: ", ")
                p.block("\(modifier)static func \(SwiftNames.identifier(function.name))(\(parameters)) -> Self {") { p in
                    p.block("Self(", closing: ")") { p in
                        p.line("function: \"\(SwiftNames.escapedString(signature))\",")
                        p.line("examples: \(examples)(\(zip(labels, fields).map { "\($0): \($1)" }.joined(separator: ", "))),")
                        p.line("value: { model, batch in model.\(SwiftNames.identifier(function.name))(\(batchArguments.joined(separator: ", "))) },")
                        p.line("valueAndGradient: \(gradientCall)")
                    }
                }
            }
        }
    }
}
