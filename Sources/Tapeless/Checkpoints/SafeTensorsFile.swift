import Foundation

/// The contents of a safetensors file: named tensors and string metadata.
///
/// The format (Hugging Face `safetensors`): an 8-byte little-endian unsigned header length
/// `N`, then `N` bytes of UTF-8 JSON, then the data section. The JSON object maps every tensor
/// name to `{"dtype": "F32", "shape": [4, 3], "data_offsets": [begin, end]}`, with offsets
/// relative to the start of the data section, plus an optional `"__metadata__"` object of
/// string values. The header may end with spaces that pad it to a multiple of 8 bytes. Data
/// are raw little-endian elements in row-major order, and the entries' byte ranges tile the
/// data section exactly.
///
/// Reading checks all of that and throws a ``CheckpointError`` that names the problem.
/// Writing lays entries out in ``entries`` order, pads the header to 8-byte alignment, and
/// replaces the destination atomically.
/// ```swift
/// let file = try SafeTensorsFile(contentsOf: url)
/// let weight = try file["fc1.weight"]?.tensor()
/// ```
public struct SafeTensorsFile: Sendable, Equatable {
    /// The tensors, in the order of their data.
    public private(set) var entries: [Entry]
    /// The position of every entry in ``entries``, by name.
    private var positions: [String: Int] = [:]
    /// The `__metadata__` strings.
    public var metadata: [String: String]

    /// The name of the header key that holds the metadata.
    static let metadataKey = "__metadata__"

    /// Creates a file's contents from entries (written in this order) and metadata.
    ///
    /// - Precondition: entry names are distinct and none is `__metadata__`.
    public init(entries: [Entry] = [], metadata: [String: String] = [:]) {
        self.entries = []
        self.metadata = metadata
        for entry in entries {
            append(entry)
        }
    }

    /// Adds an entry after the existing ones.
    ///
    /// - Precondition: no entry has the same name, and the name is not `__metadata__`.
    public mutating func append(_ entry: Entry) {
        precondition(entry.name != Self.metadataKey, "'\(Self.metadataKey)' is reserved for metadata and cannot name a tensor.")
        precondition(positions[entry.name] == nil, "A safetensors file cannot hold two entries named '\(entry.name)'.")
        positions[entry.name] = entries.count
        entries.append(entry)
    }

    /// The entry with the given name, if any.
    public subscript(name: String) -> Entry? {
        positions[name].map { entries[$0] }
    }

    /// Reads and validates the file at `url`.
    ///
    /// - Throws: ``CheckpointError`` when the file cannot be read or is not a valid
    ///   safetensors file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CheckpointError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        try self.init(bytes: data)
    }

    /// Parses and validates the bytes of a safetensors file.
    ///
    /// - Throws: ``CheckpointError`` naming the first problem found.
    public init(bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        guard bytes.count >= 8 else { throw CheckpointError.fileTooShort(byteCount: bytes.count) }
        let headerLength = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw CheckpointError.headerLengthExceedsFile(headerLength: headerLength, fileSize: bytes.count)
        }
        let dataStart = 8 + Int(headerLength)
        let descriptions = try Self.parseHeader(bytes[8..<dataStart])
        let dataSize = bytes.count - dataStart
        let ordered = try Self.inDataOrder(descriptions.entries, dataSize: dataSize)
        self.init(
            entries: ordered.map { description in
                Entry(
                    name: description.name, dtype: description.dtype, shape: description.shape,
                    bytes: Array(bytes[(dataStart + description.begin)..<(dataStart + description.end)]))
            },
            metadata: descriptions.metadata)
    }

    /// The bytes of the file: header length, padded JSON header, then the data.
    public func serialized() -> [UInt8] {
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.jsonString($0)):\(Self.jsonString(metadata[$0]!))" }
            fields.append("\(Self.jsonString(Self.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for entry in entries {
            let end = offset + entry.bytes.count
            let shape = entry.shape.map(String.init).joined(separator: ",")
            fields.append(
                "\(Self.jsonString(entry.name)):{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: headerBytes)
        for entry in entries {
            bytes.append(contentsOf: entry.bytes)
        }
        return bytes
    }

    /// Writes the file to `url`, atomically: a crash or error mid-write leaves any previous
    /// file at `url` unchanged.
    ///
    /// - Throws: ``CheckpointError/unwritableFile(path:reason:)``.
    public func write(to url: URL) throws {
        try AtomicFile.write(serialized(), to: url)
    }

    // MARK: - Validation

    /// One tensor as the header describes it.
    private struct Description {
        var name: String
        var dtype: SafeTensorsDType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// Parses the JSON header and checks every entry on its own.
    private static func parseHeader(_ header: ArraySlice<UInt8>) throws -> (entries: [Description], metadata: [String: String]) {
        guard String(validating: header, as: UTF8.self) != nil else {
            throw CheckpointError.invalidHeader(reason: "it is not valid UTF-8")
        }
        guard header.first == UInt8(ascii: "{") else {
            throw CheckpointError.invalidHeader(reason: "it does not start with '{'")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(header))
        } catch {
            throw CheckpointError.invalidHeader(reason: "it is not valid JSON (\(error.localizedDescription))")
        }
        guard let fields = object as? [String: Any] else {
            throw CheckpointError.invalidHeader(reason: "it is not a JSON object")
        }
        // JSONSerialization keeps only the last of two equal keys, so they are counted in the text.
        if let duplicate = HeaderKeys.firstDuplicate(in: header) {
            throw CheckpointError.duplicateEntry(duplicate)
        }
        var metadata: [String: String] = [:]
        var entries: [Description] = []
        for (name, value) in fields {
            if name == metadataKey {
                guard let pairs = value as? [String: Any] else {
                    throw CheckpointError.invalidMetadata(key: metadataKey, reason: "it must be an object of strings")
                }
                for (key, value) in pairs {
                    guard let string = value as? String else {
                        throw CheckpointError.invalidMetadata(key: key, reason: "its value must be a string")
                    }
                    metadata[key] = string
                }
            } else {
                entries.append(try parseEntry(name: name, value))
            }
        }
        return (entries, metadata)
    }

    private static func parseEntry(name: String, _ value: Any) throws -> Description {
        guard let fields = value as? [String: Any] else {
            throw CheckpointError.invalidEntry(entry: name, reason: "its description is not a JSON object")
        }
        guard let dtypeName = fields["dtype"] as? String else {
            throw CheckpointError.invalidEntry(entry: name, reason: "it has no \"dtype\" string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw CheckpointError.unsupportedDType(entry: name, dtype: dtypeName, accepted: SafeTensorsDType.allCases)
        }
        guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw CheckpointError.invalidEntry(entry: name, reason: "its \"shape\" is not an array of non-negative integers")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
            throw CheckpointError.invalidEntry(entry: name, reason: "its \"data_offsets\" is not a pair [begin, end] with 0 <= begin <= end")
        }
        let (count, countOverflow) = shape.reduce((1, false)) { partial, dimension in
            let product = partial.0.multipliedReportingOverflow(by: dimension)
            return (product.partialValue, partial.1 || product.overflow)
        }
        let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
        guard !countOverflow && !byteOverflow && byteCount == offsets[1] - offsets[0] else {
            throw CheckpointError.byteCountMismatch(
                entry: name, dtype: dtypeName, shape: shape, expected: countOverflow || byteOverflow ? Int.max : byteCount,
                found: offsets[1] - offsets[0])
        }
        return Description(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// A JSON array of integers as `[Int]`, or `nil` if it is anything else (booleans and
    /// numbers with a fraction or exponent included).
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for element in array {
            // JSON booleans arrive as NSNumbers of Objective-C type "c" (char), which would
            // otherwise convert to 0 and 1.
            guard let number = element as? NSNumber, String(cString: number.objCType) != "c",
                  let integer = element as? Int
            else { return nil }
            result.append(integer)
        }
        return result
    }

    /// The entries sorted by position, after checking that their byte ranges tile
    /// `0..<dataSize` exactly.
    private static func inDataOrder(_ entries: [Description], dataSize: Int) throws -> [Description] {
        let sorted = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var cursor = 0
        var previous: String?
        for entry in sorted {
            if entry.begin < cursor, let previous {
                throw CheckpointError.overlappingEntries(previous, entry.name)
            }
            // Past the end before a gap: an entry beyond the data is a cut file, not a hole in it.
            if entry.end > dataSize {
                throw CheckpointError.truncatedData(entry: entry.name, end: entry.end, dataSize: dataSize)
            }
            if entry.begin > cursor {
                throw CheckpointError.gapInData(start: cursor, end: entry.begin, previous: previous, next: entry.name)
            }
            cursor = entry.end
            previous = entry.name
        }
        if cursor < dataSize {
            throw CheckpointError.trailingBytes(count: dataSize - cursor, last: previous)
        }
        return sorted
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    private static func jsonString(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
