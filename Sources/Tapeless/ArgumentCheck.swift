/// Checks that generated functions are called with the shapes and labels they were compiled
/// for, and stops with a message that names the function, the argument and both shapes.
///
/// Generated code calls these once per call, before any loop runs, so a mistake is reported
/// at the call site rather than as a crash deep inside a kernel.
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
