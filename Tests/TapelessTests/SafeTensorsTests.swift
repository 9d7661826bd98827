import Foundation
import Testing
@testable import Tapeless

/// The bytes of a safetensors file built directly from the format's description: an 8-byte
/// little-endian header length, the header, then the data.
func safetensorsBytes(header: String, data: [UInt8]) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    return littleEndianBytes(UInt64(headerBytes.count)) + headerBytes + data
}

func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian, Array.init)
}

func float32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { littleEndianBytes($0.bitPattern) }
}

func resourceURL(_ name: String, _ ext: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources"))
}

func expectCheckpointError(_ expected: CheckpointError, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("Expected \(expected), but nothing was thrown.", sourceLocation: sourceLocation)
    } catch let error as CheckpointError {
        #expect(error == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("Expected \(expected), got \(error).", sourceLocation: sourceLocation)
    }
}

@Suite struct SafeTensorsReaderTests {
    @Test func readsTheFileWrittenByPythonSafetensors() throws {
        let file = try SafeTensorsFile(contentsOf: resourceURL("model", "safetensors"))
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: resourceURL("model", "json"))) as! [String: Any]
        #expect(file.metadata == reference["metadata"] as! [String: String])
        let tensors = reference["tensors"] as! [String: [String: Any]]
        #expect(Set(file.entries.map(\.name)) == Set(tensors.keys))
        // Entries come in data order: step [0, 8), fc1.bias [8, 20), fc1.weight [20, 68), scale [68, 72).
        #expect(file.entries.map(\.name) == ["step", "fc1.bias", "fc1.weight", "scale"])
        for (name, description) in tensors {
            let entry = try #require(file[name])
            #expect(entry.dtype.rawValue == description["dtype"] as! String)
            #expect(entry.shape == description["shape"] as! [Int])
            let offsets = description["data_offsets"] as! [Int]
            #expect(entry.bytes.count == offsets[1] - offsets[0])
            let values = description["values"] as! [Double]
            if entry.dtype == .int64 {
                #expect(try entry.integerScalars() == values.map { Int($0) })
            } else {
                #expect(try entry.floatScalars() == values.map { Float($0) })
            }
        }
        #expect(try file["scale"]!.tensor() == Tensor(2.5))
        #expect(try file["step"]!.intTensor() == IntTensor([12]))
    }

    @Test func readsAFileBuiltFromTheSpecification() throws {
        let header = #"{"__metadata__":{"note":"by hand"},"w":{"dtype":"F64","shape":[1,1],"data_offsets":[4,12]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let data = float32Bytes([-1.5]) + littleEndianBytes(Double(2.5).bitPattern)
        let file = try SafeTensorsFile(bytes: safetensorsBytes(header: header, data: data))
        #expect(file.metadata == ["note": "by hand"])
        #expect(file.entries.map(\.name) == ["b", "w"])
        var model = AffineModel(w: 0, b: 0)
        try model.load(from: file)
        #expect(model.w == 2.5)
        #expect(model.b == -1.5)
    }

    @Test func convertsHalfAndBrainFloats() throws {
        // 1.5 in binary16 is 0x3E00; -2 in bfloat16 is 0xC000 (the top half of -2's binary32 0xC0000000).
        let header = #"{"h":{"dtype":"F16","shape":[],"data_offsets":[0,2]},"b":{"dtype":"BF16","shape":[],"data_offsets":[2,4]}}"#
        let file = try SafeTensorsFile(bytes: safetensorsBytes(header: header, data: [0x00, 0x3E, 0x00, 0xC0]))
        #expect(try file["h"]!.floatScalars() == [1.5])
        #expect(try file["b"]!.floatScalars() == [-2])
    }

    @Test func rejectsBrokenFilesWithTheRightError() throws {
        let one = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        expectCheckpointError(.fileTooShort(byteCount: 3)) { _ = try SafeTensorsFile(bytes: [1, 2, 3]) }
        expectCheckpointError(.headerLengthExceedsFile(headerLength: 100, fileSize: 12)) {
            _ = try SafeTensorsFile(bytes: littleEndianBytes(UInt64(100)) + [0x7B, 0x7D, 0x20, 0x20])
        }
        expectCheckpointError(.invalidHeader(reason: "it is not valid UTF-8")) {
            _ = try SafeTensorsFile(bytes: littleEndianBytes(UInt64(3)) + [0x7B, 0xFF, 0x7D])
        }
        do {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: #"{"a":"#, data: []))
            Issue.record("Invalid JSON was accepted.")
        } catch CheckpointError.invalidHeader(let reason) {
            #expect(reason.contains("not valid JSON"))
        }
        expectCheckpointError(.unsupportedDType(entry: "a", dtype: "F99", accepted: SafeTensorsDType.allCases)) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: one.replacingOccurrences(of: "F32", with: "F99"), data: [0, 0, 0, 0]))
        }
        expectCheckpointError(.byteCountMismatch(entry: "a", dtype: "F32", shape: [2], expected: 8, found: 4)) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: one.replacingOccurrences(of: "[1]", with: "[2]"), data: [0, 0, 0, 0]))
        }
        expectCheckpointError(.invalidEntry(entry: "a", reason: "its \"shape\" is not an array of non-negative integers")) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: one.replacingOccurrences(of: "[1]", with: "[-1]"), data: [0, 0, 0, 0]))
        }
        let overlapping = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        expectCheckpointError(.overlappingEntries("a", "b")) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: overlapping, data: [UInt8](repeating: 0, count: 12)))
        }
        let gapped = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        expectCheckpointError(.gapInData(start: 4, end: 8, previous: "a", next: "b")) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: gapped, data: [UInt8](repeating: 0, count: 12)))
        }
        let reference = try [UInt8](Data(contentsOf: resourceURL("model", "safetensors")))
        expectCheckpointError(.truncatedData(entry: "scale", end: 72, dataSize: 70)) {
            _ = try SafeTensorsFile(bytes: reference.dropLast(2))
        }
        expectCheckpointError(.trailingBytes(count: 4, last: "scale")) { _ = try SafeTensorsFile(bytes: reference + [0, 0, 0, 0]) }
        var corrupted = reference
        corrupted[8] = UInt8(ascii: "[")
        expectCheckpointError(.invalidHeader(reason: "it does not start with '{'")) { _ = try SafeTensorsFile(bytes: corrupted) }
        expectCheckpointError(.invalidMetadata(key: "n", reason: "its value must be a string")) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: #"{"__metadata__":{"n":1}}"#, data: []))
        }
    }

    /// Every cut of a real file is rejected, and random corruption is either read or rejected
    /// with a ``CheckpointError``: never a trap, and every value of an accepted file readable.
    @Test func rejectsEveryTruncationAndSurvivesRandomCorruption() throws {
        let reference = try [UInt8](Data(contentsOf: resourceURL("model", "safetensors")))
        for length in 0..<reference.count {
            do {
                _ = try SafeTensorsFile(bytes: reference.prefix(length))
                Issue.record("the file cut to \(length) of \(reference.count) bytes was accepted")
            } catch is CheckpointError {}
        }
        let random = RandomStream(seed: 7)
        var accepted = 0
        for trial in 0..<3_000 {
            var bytes = reference
            for change in 0..<(1 + Int(random.bits(at: 8 * trial) % 3)) {
                let draw = random.bits(at: 8 * trial + 1 + change)
                bytes[Int(draw % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: draw >> 32)
            }
            do {
                let file = try SafeTensorsFile(bytes: bytes)
                for entry in file.entries {
                    // A changed dtype may make either reading unsupported, which throws.
                    _ = try? entry.floatScalars()
                    _ = try? entry.integerScalars()
                }
                accepted += 1
            } catch is CheckpointError {}
        }
        // Changes to the data bytes leave a valid file: the values differ, the format does not.
        #expect(accepted > 0)
        // Sizes whose product overflows are rejected, not multiplied.
        let huge = #"{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#
        #expect(throws: CheckpointError.self) { _ = try SafeTensorsFile(bytes: safetensorsBytes(header: huge, data: [0, 0, 0, 0])) }
    }

    @Test func messagesNameTheEntryAndSayWhatToDo() {
        let truncated = CheckpointError.truncatedData(entry: "fc1.weight", end: 72, dataSize: 70).description
        #expect(truncated.contains("'fc1.weight'") && truncated.contains("cut short"))
        let shape = CheckpointError.shapeMismatch(parameter: "w", expected: [1, 1], found: [2]).localizedDescription
        #expect(shape.contains("[1, 1]") && shape.contains("[2]") && shape.contains("'w'"))
        #expect(CheckpointError.mismatchedEntries(missing: [], unexpected: ["step"]).description.contains("unknownEntries: .ignore"))
        let both = CheckpointError.mismatchedEntries(missing: ["fc1.weight"], unexpected: ["dense.weight"]).description
        #expect(both.contains("'fc1.weight'") && both.contains("'dense.weight'") && both.contains("renamed"))
    }
}

@Suite struct SafeTensorsReaderErrorTests {
    @Test func anEntryNamedTwiceIsRejectedByName() {
        // The second "a" would replace the first in a JSON object, leaving its bytes unclaimed.
        let twice = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        expectCheckpointError(.duplicateEntry("a")) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: twice, data: [UInt8](repeating: 0, count: 12)))
        }
        // Spelled differently in the text (an escape, a combining accent) but the same name.
        let escaped = #"{"\u00e9":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e\u0301":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        expectCheckpointError(.duplicateEntry("é")) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: escaped, data: [UInt8](repeating: 0, count: 8)))
        }
        #expect(CheckpointError.duplicateEntry("a").description.contains("two entries named 'a'"))
    }

    @Test func keysAreReadOnlyAtTheTopLevel() {
        let header = Array(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"a":"x, \"b\": y","c":"d"}, "b" :{}}"#.utf8)
        #expect(HeaderKeys.topLevelKeys(in: header[...]) == ["a", "__metadata__", "b"])
        #expect(HeaderKeys.firstDuplicate(in: header[...]) == nil)
    }

    @Test func dataOffsetErrorsNameTheEntriesAtFault() {
        let gapped = CheckpointError.gapInData(start: 4, end: 8, previous: "a", next: "b").description
        #expect(gapped.contains("'a' ends at data byte 4") && gapped.contains("'b', begins at byte 8"))
        let leading = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        expectCheckpointError(.gapInData(start: 0, end: 4, previous: nil, next: "a")) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: leading, data: [UInt8](repeating: 0, count: 8)))
        }
        // An entry past the end of the data is a cut file, not a gap.
        let beyond = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        expectCheckpointError(.truncatedData(entry: "b", end: 12, dataSize: 6)) {
            _ = try SafeTensorsFile(bytes: safetensorsBytes(header: beyond, data: [UInt8](repeating: 0, count: 6)))
        }
        #expect(CheckpointError.trailingBytes(count: 4, last: "scale").description.contains("after its last entry, 'scale'"))
    }

    @Test func theHeaderLengthErrorCountsTheLengthField() {
        // 10 bytes of header after the 8-byte field need 18 bytes; the file has 12.
        let message = CheckpointError.headerLengthExceedsFile(headerLength: 10, fileSize: 12).description
        #expect(message.contains("needs 18 bytes") && message.contains("only 12 bytes"))
        expectCheckpointError(.headerLengthExceedsFile(headerLength: 10, fileSize: 12)) {
            _ = try SafeTensorsFile(bytes: littleEndianBytes(UInt64(10)) + [0x7B, 0x7D, 0x20, 0x20])
        }
        #expect(CheckpointError.headerLengthExceedsFile(headerLength: .max, fileSize: 9).description.contains("more than"))
    }

    /// The dtypes an error lists as accepted are exactly those the reading accepts.
    @Test func dtypeErrorsListTheDtypesActuallyAccepted() {
        func entry(_ dtype: SafeTensorsDType) -> SafeTensorsFile.Entry {
            .init(name: "t", dtype: dtype, shape: [1], bytes: [UInt8](repeating: 0, count: dtype.byteCount))
        }
        func accepted(by read: () throws -> Void) -> Set<SafeTensorsDType>? {
            do {
                try read()
                return nil
            } catch let CheckpointError.unsupportedDType(_, _, accepted) {
                return Set(accepted)
            } catch {
                return nil
            }
        }
        let floats = Set(SafeTensorsDType.allCases.filter { (try? entry($0).floatScalars()) != nil })
        let integers = Set(SafeTensorsDType.allCases.filter { (try? entry($0).integerScalars()) != nil })
        #expect(floats == [.float32, .float64, .float16, .bfloat16])
        #expect(accepted { _ = try entry(.int64).floatScalars() } == floats)
        #expect(accepted { _ = try entry(.float32).integerScalars() } == integers)
        let message = CheckpointError.unsupportedDType(entry: "w", dtype: "I64", accepted: SafeTensorsDType.readableAsFloat).description
        #expect(floats.allSatisfy { message.contains($0.rawValue) }, "\(message)")
    }
}

@Suite struct SafeTensorsWriterTests {
    @Test func writesAPaddedHeaderAndTiledDataInEntryOrder() throws {
        let file = SafeTensorsFile(
            entries: [
                .init(name: "m", tensor: Tensor([[1, 2], [3, 4]])),
                .init(name: "s", tensor: Tensor(7)),
                .init(name: "i", integers: IntTensor([-1, 2])),
            ],
            metadata: ["quote\"d": "line\nbreak"])
        let bytes = file.serialized()
        let headerLength = Int(bytes[0..<8].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        #expect(headerLength % 8 == 0)
        let header = try #require(String(validating: bytes[8..<(8 + headerLength)], as: UTF8.self))
        #expect(header.hasPrefix("{"))
        let trimmed = header.replacingOccurrences(of: " +$", with: "", options: .regularExpression)
        #expect(header.count - trimmed.count < 8)
        let json = try JSONSerialization.jsonObject(with: Data(header.utf8)) as! [String: Any]
        #expect(json["__metadata__"] as! [String: String] == ["quote\"d": "line\nbreak"])
        let offsets = ["m", "s", "i"].map { (json[$0] as! [String: Any])["data_offsets"] as! [Int] }
        #expect(offsets == [[0, 16], [16, 20], [20, 36]])
        #expect((json["s"] as! [String: Any])["shape"] as! [Int] == [])
        #expect((json["i"] as! [String: Any])["dtype"] as! String == "I64")
        let data = Array(bytes[(8 + headerLength)...])
        #expect(data == float32Bytes([1, 2, 3, 4, 7]) + littleEndianBytes(Int64(-1)) + littleEndianBytes(Int64(2)))
        #expect(try SafeTensorsFile(bytes: bytes) == file)
    }

    @Test func rewritingThePythonFileKeepsEveryTensor() throws {
        let original = try SafeTensorsFile(contentsOf: resourceURL("model", "safetensors"))
        let reread = try SafeTensorsFile(bytes: original.serialized())
        #expect(reread == original)
    }
}
