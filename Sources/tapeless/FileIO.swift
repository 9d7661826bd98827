#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Files and standard streams, through the C library.
///
/// `tapeless` links only the Swift standard library, not Foundation, so a statically linked
/// build is a few megabytes: small enough to ship as the plugin's prebuilt tool.
enum FileIO {
    /// A file that could not be read or written, with the reason in words.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The text of `path`, or of standard input for `-`.
    static func readText(_ path: String) throws -> String {
        let bytes: [UInt8]
        if path == "-" {
            bytes = try readAll(STDIN_FILENO, path: "<stdin>")
        } else {
            let file = open(path, O_RDONLY)
            guard file >= 0 else { throw Failure(description: "cannot read '\(path)': \(reason())") }
            defer { close(file) }
            bytes = try readAll(file, path: path)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else {
            throw Failure(description: "'\(path)' is not UTF-8 text")
        }
        return text
    }

    /// Writes `text` to `path` unless the file already holds exactly it.
    ///
    /// The text goes to a temporary file beside `path` that is then renamed over it, so a
    /// reader (or an interrupted build) never sees half a file.
    static func writeIfChanged(_ text: String, to path: String) throws {
        if let existing = try? readText(path), existing.utf8.elementsEqual(text.utf8) { return }
        let temporary = "\(path).tmp-\(getpid())"
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard file >= 0 else { throw Failure(description: "cannot write '\(path)': \(reason())") }
        let written = writeAll(Array(text.utf8), to: file)
        let closed = close(file) == 0
        guard written, closed, rename(temporary, path) == 0 else {
            let failure = Failure(description: "cannot write '\(path)': \(reason())")
            unlink(temporary)
            throw failure
        }
    }

    /// Creates the folder `path` and any missing folders above it.
    static func createDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw Failure(description: "cannot create the folder '\(prefix)': \(reason())")
            }
            prefix += "/"
        }
    }

    /// `path`'s last component without its extension: `Models/Net.tapeless` gives `Net`.
    static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The path of `name` inside the folder `directory` (the current folder when it is empty).
    static func path(of name: String, in directory: String) -> String {
        directory.isEmpty ? name : directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Writes a line to standard error.
    static func printError(_ text: String) {
        _ = writeAll(Array((text + "\n").utf8), to: STDERR_FILENO)
    }

    /// Ends the process with `status` as its exit status.
    static func finish(with status: Int32) -> Never {
        exit(status)
    }

    private static func readAll(_ file: Int32, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Failure(description: "cannot read '\(path)': \(reason())") }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// Writes every byte, retrying short writes; false when the file refuses.
    private static func writeAll(_ bytes: [UInt8], to file: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(file, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// The C library's words for the last error.
    private static func reason() -> String {
        String(cString: strerror(errno))
    }
}
