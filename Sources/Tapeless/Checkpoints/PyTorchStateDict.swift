import Foundation

/// Loading PyTorch's weights: a `state_dict` saved as safetensors, for a model of the same
/// architecture.
///
/// ```python
/// from safetensors.torch import save_file
/// save_file(model.state_dict(), "model.safetensors")
/// ```
/// ```swift
/// var model = CNN.zero
/// try model.load(fromPyTorch: URL(fileURLWithPath: "model.safetensors"))
/// ```
/// Entries match by name: a layer declared `layer conv1 = Conv2D(…)` takes `conv1.weight`
/// and `conv1.bias`, as an `nn.Module` attribute `conv1` writes them, and batch normalization
/// takes `running_mean`, `running_var` and `num_batches_tracked` too. Layouts carry over:
/// convolution weights are OIHW in both, and a `Dense` weight, stored `[out, in]` by
/// `nn.Linear`, is transposed (``Model/pyTorchTransposedParameters``). Integer entries (the
/// `int64` step counter) become `Float`; `F64`, `F16` and `BF16` entries are rounded.
extension Model {
    /// Replaces every parameter and state tensor with the entries of a PyTorch state dict saved
    /// as safetensors.
    ///
    /// - Parameters:
    ///   - url: The file that `safetensors.torch.save_file(model.state_dict(), path)` wrote.
    ///   - renaming: Maps each of the file's names to the model's, for modules named otherwise
    ///     (an `nn.Sequential` writes `0.weight`); the identity by default.
    /// - Throws: ``CheckpointError/mismatchedEntries(missing:unexpected:)`` naming every
    ///   entry the file lacks and every one the model lacks,
    ///   ``CheckpointError/shapeMismatch(parameter:expected:found:)`` naming an entry of
    ///   another shape (in PyTorch's layout), and the errors of an invalid file. On error the
    ///   model is unchanged.
    public mutating func load(fromPyTorch url: URL, renaming: (String) -> String = { $0 }) throws {
        try load(fromPyTorch: SafeTensorsFile(contentsOf: url), renaming: renaming)
    }

    /// Replaces every parameter and state tensor with the entries of a parsed PyTorch state
    /// dict (see ``load(fromPyTorch:renaming:)-(URL,_)``).
    public mutating func load(fromPyTorch file: SafeTensorsFile, renaming: (String) -> String = { $0 }) throws {
        let layout = Self.parameterLayout
        var entries: [String: SafeTensorsFile.Entry] = [:]
        for entry in file.entries { entries[renaming(entry.name)] = entry }
        try requireMatchingEntries(
            missing: layout.entries.map(\.name).filter { entries[$0] == nil },
            unexpected: entries.keys.filter { layout.entry(named: $0) == nil }.sorted())
        var scalars = [Float](repeating: 0, count: layout.scalarCount)
        for parameter in layout.entries {
            let entry = entries[parameter.name]!
            let isTransposed = Self.pyTorchTransposedParameters.contains(parameter.name) && parameter.shape.count == 2
            let expected = isTransposed ? parameter.shape.reversed() : parameter.shape
            guard entry.shape == expected else {
                throw CheckpointError.shapeMismatch(parameter: entry.name, expected: expected, found: entry.shape)
            }
            let values = SafeTensorsDType.readableAsInteger.contains(entry.dtype)
                ? try entry.integerScalars().map(Float.init) : try entry.floatScalars()
            scalars.replaceSubrange(parameter.range, with: isTransposed ? Self.transposed(values, rows: expected[0], columns: expected[1]) : values)
        }
        parameterScalars = scalars
    }

    /// A row-major `rows × columns` matrix's elements in column-major order.
    private static func transposed(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        (0..<(rows * columns)).map { index in values[(index % rows) * columns + index / rows] }
    }
}
