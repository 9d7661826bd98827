/// A dense tensor of `Double`s for the interpreter (integers and booleans as whole numbers).
public struct IRTensor: Equatable, Sendable, CustomStringConvertible {
    /// The dimensions, outermost first; empty for a scalar.
    public var shape: [Int]
    /// The elements in row-major order; as many as the product of ``shape``.
    public var values: [Double]

    /// Creates a tensor; `values` must fill `shape` exactly.
    public init(shape: [Int], values: [Double]) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// Creates a scalar.
    public init(_ scalar: Double) { self.init(shape: [], values: [scalar]) }

    /// The shape followed by the values.
    public var description: String { "\(shape) \(values)" }
}

/// Evaluates IR in `Double` precision.
///
/// It is the reference semantics of every operation: tests check derivative rules against
/// finite differences through it, and check generated Swift against it.
public struct IRInterpreter {
    /// A reason evaluation could not proceed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The function takes `expected` arguments but `given` were passed.
        case argumentCount(expected: Int, given: Int)
        /// An argument's shape does not match its declared type (or a size variable bound earlier).
        case shapeMismatch(argument: String, expected: String, given: [Int])
        /// The function reads a model parameter that was not passed.
        case missingParameter(String)
        /// The function calls another (only the lowered stage has calls; later stages inline them).
        case call(String)
        /// An index at `position` (row-major) of a gather's or scatter-add's indices is not a row
        /// of the table.
        case indexOutOfRange(index: Double, position: Int, rows: Int)
        /// A `while` loop's condition still held after its bound of iterations.
        case iterationLimit(Int)

        /// A message that names what was expected and what was given.
        public var description: String {
            switch self {
            case .argumentCount(let expected, let given): return "expected \(expected) arguments, got \(given)"
            case .shapeMismatch(let argument, let expected, let given):
                return "argument '\(argument)' has shape \(given), expected \(expected)"
            case .missingParameter(let name): return "no value for parameter '\(name)'"
            case .call(let name): return "the function calls '\(name)'; run a stage where calls are inlined"
            case .indexOutOfRange(let index, let position, let rows):
                return "index \(IRPrinter.format(index)) at position \(position) is out of range 0..<\(rows) of the table's rows"
            case .iterationLimit(let bound):
                return "a 'while' loop's condition still held after its \(bound) iterations"
            }
        }
    }

    /// Runs `function` and returns its results by name; a training-mode function's dropout
    /// masks are drawn for the step `randomKey` (seed and number).
    public static func run(
        _ function: IRFunction, arguments: [IRTensor], parameters: [String: IRTensor] = [:],
        randomKey: (seed: UInt64, step: Int) = (0, 0)
    ) throws -> [String: IRTensor] {
        guard arguments.count == function.arguments.count else {
            throw Failure.argumentCount(expected: function.arguments.count, given: arguments.count)
        }
        var sizes: [String: Int] = [:]
        for (declared, given) in zip(function.arguments, arguments) {
            let mismatch = Failure.shapeMismatch(argument: declared.name, expected: declared.type.description, given: given.shape)
            guard declared.type.shape.count == given.shape.count else { throw mismatch }
            for (dimension, size) in zip(declared.type.shape, given.shape) {
                switch dimension {
                case .fixed(let n): guard n == size else { throw mismatch }
                case .size(let name):
                    if let bound = sizes[name], bound != size { throw mismatch }
                    sizes[name] = size
                }
            }
        }
        var values: [IRValue: IRTensor] = [:]
        for instruction in function.instructions {
            let operands = instruction.operands.map { values[$0]! }
            let shape = instruction.type.shape.map { dimension -> Int in
                switch dimension {
                case .fixed(let n): return n
                case .size(let name): return sizes[name] ?? 0
                }
            }
            values[instruction.result] = try evaluate(
                instruction.op, operands, shape: shape, arguments: arguments, parameters: parameters, sizes: sizes,
                randomKey: randomKey)
        }
        return Dictionary(uniqueKeysWithValues: function.results.map { ($0.name, values[$0.value]!) })
    }

    private static func evaluate(
        _ op: IROp, _ x: [IRTensor], shape: [Int], arguments: [IRTensor], parameters: [String: IRTensor],
        sizes: [String: Int], randomKey: (seed: UInt64, step: Int)
    ) throws -> IRTensor {
        switch op {
        case .argument(let index): return arguments[index]
        case .parameter(let name):
            guard let value = parameters[name] else { throw Failure.missingParameter(name) }
            return value
        case .constant(let value): return IRTensor(shape: shape, values: Array(repeating: value, count: shape.reduce(1, *)))
        case .count(let dimensions):
            return IRTensor(Double(dimensions.reduce(1) { product, dimension in
                switch dimension {
                case .fixed(let n): return product * n
                case .size(let name): return product * (sizes[name] ?? 0)
                }
            }))
        case .unary(let function): return map(x, to: shape) { [value = function.definition.value] in value($0[0]) }
        case .binary(let function): return map(x, to: shape) { [value = function.definition.value] in value($0[0], $0[1]) }
        case .compare(let comparison): return map(x, to: shape) { comparison.holds($0[0], $0[1]) ? 1 : 0 }
        case .select: return map(x, to: shape) { $0[0] != 0 ? $0[1] : $0[2] }
        case .broadcast, .stopGradient: return map(x, to: shape) { $0[0] }
        case .sumToShape: return sum(x[0], toShape: shape)
        case .reduceSum(let axis): return reduce(x[0], axis: axis, initial: 0, +)
        case .reduceMax(let axis): return reduce(x[0], axis: axis, initial: -.infinity, Swift.max)
        case .expandAxis(let axis): return expand(x[0], axis: axis, shape: shape)
        case .logSumExp(let axis): return logSumExp(x[0], axis: axis)
        case .softmax(let axis): return softmax(x[0], axis: axis)
        case .matmul(let transposeLeft, let transposeRight):
            return matrixProduct(x[0], x[1], transposeLeft: transposeLeft, transposeRight: transposeRight, shape: shape)
        case .transpose: return transpose(x[0], shape: shape)
        case .pickClass: return pickClass(x[0], labels: x[1], shape: shape)
        case .scatterClass: return scatterClass(x[0], labels: x[1], shape: shape)
        case .slice(let axis, let start, let end): return slice(x[0], axis: axis, start: start, end: end, shape: shape)
        case .pad(let axis, let start): return pad(x[0], axis: axis, start: start, shape: shape)
        case .reshape: return IRTensor(shape: shape, values: x[0].values)
        case .permute(let permutation): return permute(x[0], permutation, shape: shape)
        case .iota(let axis): return iota(axis: axis, shape: shape)
        case .gather: return try gather(x[0], indices: x[1], shape: shape)
        case .scatterAdd: return try scatterAdd(x[0], indices: x[1], shape: shape)
        case .argmax(let axis): return argmax(x[0], axis: axis)
        case .convolution2D, .convolution2DInputGradient, .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter:
            return convolution(op, x[0], x[1], shape: shape)
        case .dropoutMask(let mask):
            return IRTensor(shape: shape, values: (0..<shape.reduce(1, *)).map { mask.element($0, seed: randomKey.seed, step: randomKey.step) })
        case .call(let callee): throw Failure.call(callee.name)
        case .loop(let loop): return try runLoop(loop, x)
        case .elementAt(let stride, let offset): return try element(of: x[0], at: x[1], stride: stride, offset: offset)
        }
    }

    /// Applies `body` at every position of `shape`, reading each operand at its broadcast position.
    private static func map(_ operands: [IRTensor], to shape: [Int], _ body: ([Double]) -> Double) -> IRTensor {
        let indices = operands.map { broadcastIndices(from: $0.shape, to: shape) }
        let count = shape.reduce(1, *)
        return IRTensor(shape: shape, values: (0..<count).map { position in
            body(operands.indices.map { operands[$0].values[indices[$0][position]] })
        })
    }

    /// For each position of `target`, the position of `source` that NumPy broadcasting reads.
    static func broadcastIndices(from source: [Int], to target: [Int]) -> [Int] {
        let offset = target.count - source.count
        var strides = Array(repeating: 0, count: target.count)
        var step = 1
        for axis in stride(from: source.count - 1, through: 0, by: -1) {
            strides[axis + offset] = source[axis] == 1 ? 0 : step
            step *= source[axis]
        }
        let count = target.reduce(1, *)
        return (0..<count).map { position in
            var remainder = position
            var index = 0
            for axis in stride(from: target.count - 1, through: 0, by: -1) {
                index += (remainder % target[axis]) * strides[axis]
                remainder /= target[axis]
            }
            return index
        }
    }

    static func split(_ shape: [Int], at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Applies `body` to every line of `x` along `axis`.
    static func alongAxis(
        _ x: IRTensor, axis: Int, keepsAxis: Bool, _ body: ([Double]) -> [Double]
    ) -> IRTensor {
        let (outer, length, inner) = split(x.shape, at: axis)
        var shape = x.shape
        if !keepsAxis { shape.remove(at: axis) }
        var values = Array(repeating: 0.0, count: shape.reduce(1, *))
        for o in 0..<outer {
            for i in 0..<inner {
                let line = body((0..<length).map { x.values[(o * length + $0) * inner + i] })
                for (position, value) in line.enumerated() { values[(o * line.count + position) * inner + i] = value }
            }
        }
        return IRTensor(shape: shape, values: values)
    }
}
