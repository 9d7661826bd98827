import Foundation

/// A problem reading or writing a safetensors file, or matching it with a model or optimizer.
///
/// Every message names the file position or entry involved and says what to do.
public enum CheckpointError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The file could not be written; any previous file at `path` is unchanged.
    case unwritableFile(path: String, reason: String)
    /// The file is shorter than the 8-byte header length.
    case fileTooShort(byteCount: Int)
    /// The header length at the start of the file points past its end.
    case headerLengthExceedsFile(headerLength: UInt64, fileSize: Int)
    /// The header is not a UTF-8 JSON object of the safetensors form.
    case invalidHeader(reason: String)
    /// The `__metadata__` object holds something other than strings, or a value Tapeless
    /// reads (such as `optimizer.step`) does not parse.
    case invalidMetadata(key: String, reason: String)
    /// An entry's description is malformed (a missing field, a negative dimension, …).
    case invalidEntry(entry: String, reason: String)
    /// An entry's dtype is not a safetensors dtype, or not one this operation can convert.
    case unsupportedDType(entry: String, dtype: String)
    /// An entry's byte range does not match its dtype and shape.
    case byteCountMismatch(entry: String, dtype: String, shape: [Int], expected: Int, found: Int)
    /// Two entries' byte ranges overlap.
    case overlappingEntries(String, String)
    /// No entry covers the bytes `start..<end` of the data section.
    case gapInData(start: Int, end: Int)
    /// An entry's bytes extend past the end of the file: the file was cut short.
    case truncatedData(entry: String, end: Int, dataSize: Int)
    /// The data section has bytes after the last entry.
    case trailingBytes(count: Int)
    /// The file has no entry for these parameters (or optimizer buffers).
    case missingEntries([String])
    /// The file has entries that belong to nothing being loaded.
    case unexpectedEntries([String])
    /// A parameter's shape in the file differs from the model's.
    case shapeMismatch(parameter: String, expected: [Int], found: [Int])
    /// The file holds no optimizer state (no `optimizer.step` metadata).
    case missingOptimizerState

    /// A sentence that says what went wrong and what to do.
    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "Cannot read the checkpoint '\(path)': \(reason). Check the path and the file's permissions."
        case let .unwritableFile(path, reason):
            return "Cannot write the checkpoint '\(path)': \(reason). Any previous file there is unchanged; check the directory exists, is writable and has space."
        case .fileTooShort(let count):
            return "The file has \(count) bytes, fewer than the 8-byte header length every safetensors file starts with; it is empty, cut short, or not a safetensors file."
        case let .headerLengthExceedsFile(length, size):
            return "The header length is \(length) bytes but the file has only \(size) bytes; the file is cut short or not a safetensors file."
        case .invalidHeader(let reason):
            return "The safetensors header is invalid: \(reason). The file is corrupted or not a safetensors file."
        case let .invalidMetadata(key, reason):
            return "The metadata entry '\(key)' is invalid: \(reason)."
        case let .invalidEntry(entry, reason):
            return "The entry '\(entry)' is invalid: \(reason). The file is corrupted or was written by a faulty writer."
        case let .unsupportedDType(entry, dtype):
            return "The entry '\(entry)' has dtype \(dtype), which cannot be used here; parameters and optimizer buffers must be F32 or F64 (convert the tensor before saving)."
        case let .byteCountMismatch(entry, dtype, shape, expected, found):
            return "The entry '\(entry)' of dtype \(dtype) and shape \(shape) needs \(expected) bytes, but its data_offsets span \(found); the file is corrupted."
        case let .overlappingEntries(first, second):
            return "The byte ranges of the entries '\(first)' and '\(second)' overlap; the file is corrupted."
        case let .gapInData(start, end):
            return "No entry covers the data bytes \(start)..<\(end); the file is corrupted."
        case let .truncatedData(entry, end, size):
            return "The entry '\(entry)' ends at data byte \(end) but the data section has only \(size) bytes; the file was cut short (an interrupted copy or download?)."
        case .trailingBytes(let count):
            return "The data section has \(count) bytes after its last entry; the file is corrupted."
        case .missingEntries(let names):
            return "The checkpoint has no entry for \(Self.list(names)); it was saved from a different model (or optimizer), or the model has changed since."
        case .unexpectedEntries(let names):
            return "The checkpoint has entries that the model does not have: \(Self.list(names)). Load it into the model it was saved from, or pass unknownEntries: .ignore to skip them."
        case let .shapeMismatch(parameter, expected, found):
            return "The parameter '\(parameter)' has shape \(expected) in the model but \(found) in the checkpoint; it was saved from a model of a different size."
        case .missingOptimizerState:
            return "The checkpoint holds no optimizer state (no 'optimizer.step' metadata); save it with model.save(to:optimizer:) to resume training."
        }
    }

    /// The same text as ``description``.
    public var errorDescription: String? { description }

    private static func list(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
