import Foundation

/// The keys of a safetensors header's top-level object, read from its text.
///
/// `JSONSerialization` keeps one value per key, so a header that names an entry twice would
/// lose one of them silently (and later show up as a gap in the data). The reader scans the
/// text for keys instead. It runs after `JSONSerialization` has accepted the header, so the
/// scan only needs to follow strings and nesting.
enum HeaderKeys {
    /// The first top-level key that the header holds twice, or `nil`.
    ///
    /// Keys compare as Swift strings (canonically equivalent spellings are equal), as the
    /// keys of the parsed object do.
    static func firstDuplicate(in header: ArraySlice<UInt8>) -> String? {
        var seen: Set<String> = []
        for key in topLevelKeys(in: header) where !seen.insert(key).inserted {
            return key
        }
        return nil
    }

    /// The keys of the top-level object, in the order they are written.
    static func topLevelKeys(in header: ArraySlice<UInt8>) -> [String] {
        var keys: [String] = []
        var depth = 0
        var expectingKey = false
        var index = header.startIndex
        while index < header.endIndex {
            switch header[index] {
            case UInt8(ascii: "\""):
                let closing = closingQuote(in: header, after: index)
                if depth == 1 && expectingKey {
                    keys.append(decoded(header[index...closing]))
                    expectingKey = false
                }
                index = closing
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            default:
                break
            }
            index += 1
        }
        return keys
    }

    /// The index of the quote that closes the string opened at `opening` (the last index if
    /// the string is not closed, which valid JSON rules out).
    private static func closingQuote(in text: ArraySlice<UInt8>, after opening: Int) -> Int {
        var index = opening + 1
        while index < text.endIndex {
            switch text[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index
            default: index += 1
            }
        }
        return text.endIndex - 1
    }

    /// The string a JSON string literal (quotes included) stands for.
    private static func decoded(_ literal: ArraySlice<UInt8>) -> String {
        let contents = literal.dropFirst().dropLast()
        guard contents.contains(UInt8(ascii: "\\")) else { return String(decoding: contents, as: UTF8.self) }
        // Escapes (\n, \u00e9, surrogate pairs) are left to the JSON parser.
        let parsed = try? JSONSerialization.jsonObject(with: Data(literal), options: .fragmentsAllowed)
        return parsed as? String ?? String(decoding: contents, as: UTF8.self)
    }
}
