/// A `Float` function of a generated model (`Trained`) together with the examples it is computed on:
/// what ``Model/fit(by:optimizer:epochs:batchSize:microBatchSize:shuffle:seed:validationSplit:validationData:callbacks:verbosity:output:across:)``
/// minimizes and ``Model/evaluate(_:batchSize:)`` measures.
///
/// The plugin writes one for each model function that returns a `Float` and whose arguments
/// all hold examples along their first dimension (the same size variable, such as `batch`),
/// named after the function:
/// ```swift
/// // In the model file: func loss(x: [batch, 64], labels: Int[batch]) -> Float { … }
/// try model.fit(by: .loss(x: images, labels: labels), optimizer: &optimizer, epochs: 10)
/// let testLoss = try model.evaluate(.loss(x: testImages, labels: testLabels))
/// ```
/// Training by a function of the model file, rather than ``Module/fit(x:y:loss:optimizer:epochs:batchSize:shuffle:seed:validationSplit:validationData:metrics:callbacks:verbosity:output:)``'s
/// forward function and runtime ``Loss``, trains any differentiable objective with any number
/// of inputs: a loss with several inputs, a penalty on the model's own derivatives, a
/// physics-informed residual.
public struct Objective<Trained: Model, Examples: ArgumentBatch> {
    /// The function's Swift name, such as `loss(x:labels:)`, for messages.
    public let function: String
    /// The function's arguments, examples along the first dimension of each.
    public let examples: Examples
    /// The function's value on a batch, in inference mode.
    let value: (Trained, Examples) -> Float
    /// The function's value on a batch in a mode, with its gradient with respect to the
    /// parameters written into the gradient (and the model's state updated in training).
    let valueAndGradient: (inout Trained, Examples, ForwardMode, inout Trained.Gradient) -> Float

    /// Creates an objective; the plugin writes the calls.
    ///
    /// - Parameters:
    ///   - function: The function's Swift name, for messages.
    ///   - examples: Its arguments, examples along the first dimension of each.
    ///   - value: Computes the function on a batch in inference mode.
    ///   - valueAndGradient: Computes the function on a batch in a mode and writes its
    ///     gradient with respect to the parameters.
    public init(
        function: String, examples: Examples, value: @escaping (Trained, Examples) -> Float,
        valueAndGradient: @escaping (inout Trained, Examples, ForwardMode, inout Trained.Gradient) -> Float
    ) {
        self.function = function
        self.examples = examples
        self.value = value
        self.valueAndGradient = valueAndGradient
    }
}

/// The arguments of one model function for many examples, each along its first dimension:
/// the examples of an ``Objective``. The plugin writes a conforming structure per function.
public protocol ArgumentBatch: Batchable {
    /// Each argument's label, shape and declared shape, in order.
    var argumentShapes: [ArgumentShape] { get }
}

/// The shape of one argument of an ``ArgumentBatch`` and the shape it was declared with.
public struct ArgumentShape: Sendable {
    /// The argument's label in the function's Swift name.
    public var label: String
    /// The argument's shape.
    public var shape: [Int]
    /// The declared shape, each dimension a number or a size variable's name.
    public var declared: [String]
    /// For Int labels that the function uses as class indices: the labels, and the number of
    /// classes (a number or a size variable's name).
    public var labels: (values: IntTensor, classes: String)?

    /// Creates the description of one argument.
    public init(label: String, shape: [Int], declared: [String], labels: (values: IntTensor, classes: String)? = nil) {
        self.label = label
        self.shape = shape
        self.declared = declared
        self.labels = labels
    }
}

extension Objective {
    /// The same function on other examples.
    func on(_ examples: Examples) -> Self {
        Self(function: function, examples: examples, value: value, valueAndGradient: valueAndGradient)
    }

    /// Checks every argument's shape against its declaration, binding each size variable
    /// where it first appears, and every class label against the number of classes; returns
    /// the number of examples, which is at least one.
    func checkedExampleCount(dataSet: String) throws -> Int {
        var sizes: [String: (size: Int, from: String)] = [:]
        let arguments = examples.argumentShapes
        for argument in arguments {
            var fits = argument.shape.count == argument.declared.count && !argument.shape.isEmpty
            var bound: [String: (size: Int, from: String)] = [:]
            for (size, declared) in zip(argument.shape, argument.declared) where fits {
                if let fixed = Int(declared) {
                    fits = size == fixed
                } else if let known = sizes[declared] ?? bound[declared] {
                    fits = size == known.size
                } else {
                    bound[declared] = (size, argument.label)
                }
            }
            guard fits else {
                let expected = argument.declared.map { name in
                    sizes[name].map { "\(name) = \($0.size) (from '\($0.from)')" } ?? name
                }
                throw TrainingError.argumentShapeMismatch(
                    function: function, argument: argument.label, expected: "[" + expected.joined(separator: ", ") + "]",
                    given: argument.shape, dataSet: dataSet)
            }
            sizes.merge(bound) { first, _ in first }
        }
        let count = examples.exampleCount
        guard count > 0 else { throw TrainingError.emptyDataSet(dataSet: dataSet) }
        for case let (values, classesName)? in arguments.map(\.labels) {
            guard let classes = Int(classesName) ?? sizes[classesName]?.size else { continue }
            let perExample = values.scalarCount / count
            if let position = values.scalars.firstIndex(where: { $0 < 0 || $0 >= classes }) {
                throw TrainingError.labelOutOfRange(
                    function: function, label: values.scalars[position], example: position / max(perExample, 1), classes: classes)
            }
        }
        return count
    }
}
