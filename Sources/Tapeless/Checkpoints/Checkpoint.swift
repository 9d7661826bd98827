import Foundation

/// What loading does with file entries that match nothing being loaded.
public enum UnknownEntryPolicy: Sendable {
    /// Throw ``CheckpointError/mismatchedEntries(missing:unexpected:)`` naming them (the
    /// default): a file with extra tensors usually belongs to a different model.
    case reject
    /// Skip them, for files that carry extra tensors (such as a step counter from Python).
    case ignore
}

/// Checkpoints: a model's parameters (and optionally an optimizer's state) in a safetensors file.
///
/// Every parameter is one `F32` entry named as in the model's layout (`w`, `fc1.weight`, …)
/// with its shape (`[]` for a scalar), so PyTorch and NumPy read the file with
/// `safetensors.torch.load_file` / `safetensors.numpy.load_file`. An optimizer's buffers are
/// stored per parameter as `optimizer.<buffer>.<parameter>` (for example
/// `optimizer.exp_avg.fc1.weight`), and its step and learning rate as the metadata
/// `optimizer.step` and `optimizer.learning_rate`.
/// ```swift
/// try model.save(to: url, optimizer: adam, metadata: ["epoch": "12"])
/// var restored = try MLP(contentsOf: url)
/// try adam.loadState(from: url, for: MLP.self)
/// ```
extension ParameterContainer {
    /// Saves the parameters to a safetensors file, atomically (see ``SafeTensorsFile/write(to:)``).
    ///
    /// - Precondition: no metadata key starts with `optimizer.`.
    /// - Throws: ``CheckpointError/unwritableFile(path:reason:)``.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try checkpointFile(optimizerState: nil, metadata: metadata).write(to: url)
    }

    /// Saves the parameters and the optimizer's state to a safetensors file, atomically.
    ///
    /// - Precondition: no metadata key starts with `optimizer.`, buffer names contain no `.`,
    ///   and every buffer is as long as the parameter buffer.
    /// - Throws: ``CheckpointError/unwritableFile(path:reason:)``.
    public func save(to url: URL, optimizer: some Optimizer, metadata: [String: String] = [:]) throws {
        try checkpointFile(optimizerState: (optimizer.state, optimizer.learningRate), metadata: metadata).write(to: url)
    }

    /// Creates a value from the parameters in a safetensors file.
    ///
    /// `F64`, `F16` and `BF16` entries are converted to `Float`; `optimizer.` entries are
    /// left for ``Optimizer/loadState(from:for:)``.
    ///
    /// - Throws: ``CheckpointError`` when the file is invalid, lacks a parameter, has a
    ///   parameter of another shape or a non-float dtype, or (unless `unknownEntries` is
    ///   ``UnknownEntryPolicy/ignore``) has entries the model does not have.
    public init(contentsOf url: URL, unknownEntries: UnknownEntryPolicy = .reject) throws {
        self = .zero
        try load(from: SafeTensorsFile(contentsOf: url), unknownEntries: unknownEntries)
    }

    /// Replaces the parameters with those in a safetensors file (see ``init(contentsOf:unknownEntries:)``).
    ///
    /// On error the parameters are unchanged.
    public mutating func load(from url: URL, unknownEntries: UnknownEntryPolicy = .reject) throws {
        try load(from: SafeTensorsFile(contentsOf: url), unknownEntries: unknownEntries)
    }

    /// Replaces the parameters with those in a parsed safetensors file (see
    /// ``init(contentsOf:unknownEntries:)``). On error the parameters are unchanged.
    public mutating func load(from file: SafeTensorsFile, unknownEntries: UnknownEntryPolicy = .reject) throws {
        let layout = Self.parameterLayout
        let unknown = unknownEntries == .ignore ? [] : file.entries.map(\.name).filter {
            !$0.hasPrefix(CheckpointNames.optimizerPrefix) && layout.entry(named: $0) == nil
        }
        try requireMatchingEntries(missing: missingNames(in: file, layout: layout, name: { $0.name }), unexpected: unknown)
        parameterScalars = try readSlices(from: file, layout: layout, name: { $0.name })
    }

    /// The checkpoint's contents: one entry per parameter, then the optimizer's buffers.
    private func checkpointFile(optimizerState: (state: OptimizerState, learningRate: Float)?, metadata: [String: String]) -> SafeTensorsFile {
        precondition(
            !metadata.keys.contains { $0.hasPrefix(CheckpointNames.optimizerPrefix) },
            "Metadata keys starting with '\(CheckpointNames.optimizerPrefix)' are reserved for the optimizer's state.")
        let layout = Self.parameterLayout
        var file = SafeTensorsFile(metadata: metadata)
        parameterScalars.withUnsafeBufferPointer { scalars in
            for entry in layout.entries {
                file.append(.init(name: entry.name, shape: entry.shape, scalars: scalars[entry.range]))
            }
        }
        guard let (state, learningRate) = optimizerState else { return file }
        file.metadata[CheckpointNames.step] = String(state.step)
        file.metadata[CheckpointNames.learningRate] = String(learningRate)
        for (buffer, values) in state.buffers.sorted(by: { $0.key < $1.key }) {
            precondition(!buffer.contains("."), "Optimizer buffer name '\(buffer)' must not contain '.'.")
            precondition(
                values.count == layout.scalarCount,
                "Optimizer buffer '\(buffer)' has \(values.count) scalars but the model has \(layout.scalarCount) parameter scalars.")
            for entry in layout.entries {
                file.append(.init(name: CheckpointNames.optimizerEntry(buffer, entry.name), shape: entry.shape, scalars: values[entry.range]))
            }
        }
        return file
    }
}

extension Optimizer {
    /// Replaces the optimizer's state (step, buffers and learning rate) with the one saved
    /// by ``ParameterContainer/save(to:optimizer:metadata:)`` for a model of type `model`.
    ///
    /// Buffers are read for every parameter of `model`'s layout, so the state lines up with the
    /// model's flat parameter buffer. The saved learning rate, if present, replaces the
    /// current one so that a schedule resumes where it stopped.
    ///
    /// - Throws: ``CheckpointError`` when the file is invalid, holds no optimizer state, lacks
    ///   a buffer entry for a parameter, has one of the wrong shape, or has optimizer entries
    ///   for parameters the model does not have. A built-in optimizer also rejects buffers it
    ///   does not keep (a state saved by another optimizer) and, past step 0, a missing buffer
    ///   its next update needs. On error the state is unchanged.
    public mutating func loadState<M: ParameterContainer>(from url: URL, for model: M.Type) throws {
        try loadState(from: SafeTensorsFile(contentsOf: url), layout: M.parameterLayout)
    }

    /// Replaces the optimizer's state with the one in a parsed safetensors file, for a model
    /// with the given layout (see ``loadState(from:for:)``).
    public mutating func loadState(from file: SafeTensorsFile, layout: ParameterLayout) throws {
        guard let stepText = file.metadata[CheckpointNames.step] else { throw CheckpointError.missingOptimizerState }
        // Below Int.max: the next update adds one to it.
        guard let step = Int(stepText), step >= 0, step < Int.max else {
            throw CheckpointError.invalidMetadata(key: CheckpointNames.step, reason: "'\(stepText)' is not a non-negative integer below Int.max")
        }
        var rate: Float?
        if let rateText = file.metadata[CheckpointNames.learningRate] {
            guard let value = Float(rateText), value.isFinite, value >= 0 else {
                throw CheckpointError.invalidMetadata(key: CheckpointNames.learningRate, reason: "'\(rateText)' is not a finite, non-negative number")
            }
            rate = value
        }

        // A built-in optimizer's rules turn another optimizer's buffers into unexpected entries
        // and a buffer the next update needs into missing ones, instead of traps.
        let rules = (self as? any FollowsStateRules)?.stateRules
        var bufferNames: Set<String> = []
        var unknown: [String] = []
        for entry in file.entries where entry.name.hasPrefix(CheckpointNames.optimizerPrefix) {
            let rest = entry.name.dropFirst(CheckpointNames.optimizerPrefix.count)
            guard let dot = rest.firstIndex(of: "."), layout.entry(named: String(rest[rest.index(after: dot)...])) != nil,
                  rules?.kept.contains(String(rest[..<dot])) ?? true
            else {
                unknown.append(entry.name)
                continue
            }
            bufferNames.insert(String(rest[..<dot]))
        }
        if step > 0, let rules {
            bufferNames.formUnion(rules.required)
        }
        let buffers = bufferNames.sorted()
        let missing = buffers.flatMap { buffer in
            missingNames(in: file, layout: layout, name: { CheckpointNames.optimizerEntry(buffer, $0.name) })
        }
        try requireMatchingEntries(missing: missing, unexpected: unknown)

        var values: [String: [Float]] = [:]
        for buffer in buffers {
            values[buffer] = try readSlices(from: file, layout: layout, name: { CheckpointNames.optimizerEntry(buffer, $0.name) })
        }
        state = OptimizerState(step: step, buffers: values)
        if let rate {
            learningRate = rate
        }
    }
}

/// The names Tapeless gives optimizer entries and metadata in checkpoints.
enum CheckpointNames {
    static let optimizerPrefix = "optimizer."
    static let step = "optimizer.step"
    static let learningRate = "optimizer.learning_rate"

    static func optimizerEntry(_ buffer: String, _ parameter: String) -> String {
        "\(optimizerPrefix)\(buffer).\(parameter)"
    }
}

/// The names of the entries, `name(layoutEntry)` for every layout entry, that `file` lacks.
private func missingNames(
    in file: SafeTensorsFile, layout: ParameterLayout, name: (ParameterLayout.Entry) -> String
) -> [String] {
    layout.entries.map(name).filter { file[$0] == nil }
}

/// Throws ``CheckpointError/mismatchedEntries(missing:unexpected:)`` with both lists, unless
/// both are empty.
func requireMatchingEntries(missing: [String], unexpected: [String]) throws {
    guard missing.isEmpty && unexpected.isEmpty else {
        throw CheckpointError.mismatchedEntries(missing: missing, unexpected: unexpected)
    }
}

/// Assembles a flat buffer laid out as `layout` from one float entry per layout entry, the
/// entry for a layout entry being the one called `name(layoutEntry)`.
///
/// - Throws: ``CheckpointError/mismatchedEntries(missing:unexpected:)`` listing every absent
///   entry, ``CheckpointError/shapeMismatch(parameter:expected:found:)``, or
///   ``CheckpointError/unsupportedDType(entry:dtype:accepted:)`` for a non-float entry.
private func readSlices(
    from file: SafeTensorsFile, layout: ParameterLayout,
    name: (ParameterLayout.Entry) -> String
) throws -> [Float] {
    try requireMatchingEntries(missing: missingNames(in: file, layout: layout, name: name), unexpected: [])
    var scalars = [Float](repeating: 0, count: layout.scalarCount)
    for parameter in layout.entries {
        let entry = file[name(parameter)]!
        guard entry.shape == parameter.shape else {
            throw CheckpointError.shapeMismatch(parameter: entry.name, expected: parameter.shape, found: entry.shape)
        }
        scalars.replaceSubrange(parameter.range, with: try entry.floatScalars())
    }
    return scalars
}
