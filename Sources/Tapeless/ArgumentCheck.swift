/// Checks that generated functions are called with the shapes, labels and indices they were
/// compiled for, and stops with a message that names the function, the argument and both shapes
/// (or the value out of range).
///
/// Generated code checks shapes once per call, before any loop runs, and labels and indices
/// before it reads by them, so a mistake is reported at the call site rather than as a crash
/// deep inside a kernel.
public enum ArgumentCheck {
    /// Stops because an argument's shape is not the declared one. Generated code compares
    /// the shapes itself (without allocating) and calls this only on a mismatch.
    ///
    /// - Parameters:
    ///   - actual: the shape of the tensor that was passed.
    ///   - expected: the declared shape with the sizes bound so far, such as `[32, 784]`.
    ///   - argument: the argument's name, such as `x`.
    ///   - declared: the type as written in the model, such as `[batch, 784]`.
    ///   - function: the Swift name of the called function, such as `loss(x:labels:)`.
    public static func shapeMismatch(
        _ actual: [Int], expected: String, argument: String, declared: String, function: String
    ) -> Never {
        preconditionFailure(
            "\(function): argument '\(argument)' must have shape \(declared) (here \(expected)), but it has shape \(actual)."
        )
    }

    /// Stops unless `label` is a valid class index.
    @inlinable
    public static func label(_ label: Int, classes: Int, at index: Int, argument: String, function: String) {
        guard label < 0 || label >= classes else { return }
        preconditionFailure(
            "\(function): label \(label) at index \(index) of '\(argument)' is out of range 0..<\(classes); labels must be class indices."
        )
    }

    /// Stops unless each of `count` indices picks a row of a table with `rows` rows, naming
    /// the first that doesn't.
    ///
    /// Generated code calls it before it picks rows by the indices (`gather`, an `Embedding`
    /// layer) or adds into them, once per call for each tensor of indices and table size.
    ///
    /// - Parameters:
    ///   - indices: The indices, in row-major order.
    ///   - count: The number of indices.
    ///   - rows: The number of rows of the table; each index must be in `0..<rows`.
    ///   - argument: The name of the indices in the model, such as `tokens`.
    ///   - function: The Swift name of the called function, such as `loss(tokens:labels:)`.
    public static func indices(_ indices: UnsafePointer<Int>, count: Int, rows: Int, argument: String, function: String) {
        for position in 0..<count where indices[position] < 0 || indices[position] >= rows {
            preconditionFailure(
                "\(function): index \(indices[position]) at position \(position) of '\(argument)' is out of range 0..<\(rows); "
                    + "indices pick rows of a table with \(rows) rows."
            )
        }
    }
}

extension Tensor {
    /// Creates a tensor by copying `count` elements from a buffer (used by generated code to
    /// return results).
    public init(shape: [Int], copying buffer: UnsafeBufferPointer<Float>) {
        let count = shape.reduce(1, *)
        precondition(buffer.count >= count, "A buffer of \(buffer.count) elements cannot fill shape \(shape).")
        self.init(shape: shape, unsafeUninitializedScalars: { target in
            if count > 0 { target.baseAddress!.initialize(from: buffer.baseAddress!, count: count) }
        })
    }
}
