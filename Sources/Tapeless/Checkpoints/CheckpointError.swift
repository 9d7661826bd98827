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
    /// The header length at the start of the file points past its end: the file needs the
    /// 8-byte length field plus `headerLength` bytes of header, but has `fileSize` bytes.
    case headerLengthExceedsFile(headerLength: UInt64, fileSize: Int)
    /// The header is not a UTF-8 JSON object of the safetensors form.
    case invalidHeader(reason: String)
    /// The `__metadata__` object holds something other than strings, or a value Tapeless
    /// reads (such as `optimizer.step`) does not parse.
    case invalidMetadata(key: String, reason: String)
    /// An entry's description is malformed (a missing field, a negative dimension, …).
    case invalidEntry(entry: String, reason: String)
    /// The header describes two entries of the same name.
    case duplicateEntry(String)
    /// An entry's dtype is not a safetensors dtype, or not one this operation can convert;
    /// `accepted` lists those it can.
    case unsupportedDType(entry: String, dtype: String, accepted: [SafeTensorsDType])
    /// An entry's byte range does not match its dtype and shape.
    case byteCountMismatch(entry: String, dtype: String, shape: [Int], expected: Int, found: Int)
    /// Two entries' byte ranges overlap.
    case overlappingEntries(String, String)
    /// No entry covers the bytes `start..<end` of the data section, between the end of the
    /// entry `previous` (`nil` at the start of the data) and the entry `next`.
    case gapInData(start: Int, end: Int, previous: String?, next: String)
    /// An entry's bytes extend past the end of the file: the file was cut short.
    case truncatedData(entry: String, end: Int, dataSize: Int)
    /// The data section has bytes after the entry `last` (`nil` when the file has none).
    case trailingBytes(count: Int, last: String?)
    /// The file's entries do not match what is being loaded: it has no entry for the names
    /// in `missing`, and entries that belong to nothing being loaded in `unexpected`. Both
    /// sides are reported at once, so that a renamed parameter shows up as a pair.
    case mismatchedEntries(missing: [String], unexpected: [String])
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
            let (needed, overflow) = length.addingReportingOverflow(8)
            let total = overflow ? "more than \(UInt64.max)" : "\(needed)"
            return "The header length field says the header has \(length) bytes, so the file needs \(total) bytes before its data "
                + "(the 8-byte length field, then the header), but it has only \(size) bytes; the file is cut short or not a safetensors file."
        case .invalidHeader(let reason):
            return "The safetensors header is invalid: \(reason). The file is corrupted or not a safetensors file."
        case let .invalidMetadata(key, reason):
            return "The metadata entry '\(key)' is invalid: \(reason)."
        case let .invalidEntry(entry, reason):
            return "The entry '\(entry)' is invalid: \(reason). The file is corrupted or was written by a faulty writer."
        case .duplicateEntry(let entry):
            return "The header describes two entries named '\(entry)'; the file was written by a faulty writer. Save the tensors again under distinct names."
        case let .unsupportedDType(entry, dtype, accepted):
            let names = accepted.map(\.rawValue).joined(separator: ", ")
            return "The entry '\(entry)' has dtype \(dtype), which cannot be read here; the accepted dtypes are \(names). Convert the tensor to one of them before saving."
        case let .byteCountMismatch(entry, dtype, shape, expected, found):
            return "The entry '\(entry)' of dtype \(dtype) and shape \(shape) needs \(expected) bytes, but its data_offsets span \(found); the file is corrupted."
        case let .overlappingEntries(first, second):
            return "The byte ranges of the entries '\(first)' and '\(second)' overlap; the file is corrupted."
        case let .gapInData(start, end, previous, next):
            let before = previous.map { "the entry '\($0)' ends at data byte \(start)" } ?? "the data starts at byte 0"
            return "No entry covers the data bytes \(start)..<\(end): \(before), but the next entry, '\(next)', begins at byte \(end) "
                + "(its data_offsets); the file is corrupted."
        case let .truncatedData(entry, end, size):
            return "The entry '\(entry)' ends at data byte \(end) but the data section has only \(size) bytes; the file was cut short (an interrupted copy or download?)."
        case let .trailingBytes(count, last):
            let after = last.map { "after its last entry, '\($0)'" } ?? "but the header describes no entries"
            return "The data section has \(count) bytes \(after); the file is corrupted."
        case let .mismatchedEntries(missing, unexpected):
            var problems: [String] = []
            if !missing.isEmpty { problems.append("it has no entry for \(Self.list(missing))") }
            if !unexpected.isEmpty { problems.append("it has entries that the model does not have: \(Self.list(unexpected))") }
            let advice = missing.isEmpty
                ? "Load it into the model it was saved from, or pass unknownEntries: .ignore to skip them."
                : "It was saved from a different model (or optimizer), or the model has changed since (a renamed parameter appears on both sides)."
            return "The checkpoint does not match: \(problems.joined(separator: "; ")). \(advice)"
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
