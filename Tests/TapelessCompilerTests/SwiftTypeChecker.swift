import Foundation
import Testing

/// Type-checks generated Swift with the toolchain's `swiftc -typecheck` against the `Tapeless`
/// module that `swift test` has just built, and returns what the Swift compiler reports.
///
/// Type-checking is enough to catch what fails or warns in a user's build (a malformed
/// signature, a `let` never read) and takes a fraction of a second per file.
struct SwiftTypeChecker {
    let swiftc: URL
    /// The folder of the build products (`.build/<triple>/debug`), where the modules are.
    let products: URL

    /// The `swiftc` on `PATH`, or `nil` where there is none.
    static let swiftcOnPath: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("swiftc") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// A checker using `swiftc` and the products folder that holds this test bundle.
    init(swiftc: URL) throws {
        self.swiftc = swiftc
        products = Bundle.module.bundleURL.deletingLastPathComponent()
        let module = modules.appendingPathComponent("Tapeless.swiftmodule")
        try #require(
            FileManager.default.fileExists(atPath: module.path),
            "No built Tapeless module at \(module.path); run the tests with 'swift test', which builds it")
    }

    private var modules: URL { products.appendingPathComponent("Modules") }

    /// The errors and warnings `swiftc` reports for `source`, one line each, such as
    /// `Model.swift:12:9: warning: initialization of immutable value 'n' was never used`.
    func problems(in source: String, fileName: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tapeless-typecheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(fileName)
        try source.write(to: file, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = swiftc
        process.arguments = [
            "-typecheck", "-diagnostic-style", "llvm", "-I", modules.path,
            // The runtime imports its C kernels, whose module map SwiftPM writes beside their objects.
            "-Xcc", "-fmodule-map-file=" + products.appendingPathComponent("CTapelessKernels.build/module.modulemap").path,
            file.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let problems = output.split(separator: "\n").filter { $0.contains(": warning: ") || $0.contains(": error: ") }
            .map { $0.replacingOccurrences(of: directory.path + "/", with: "") + Self.quotedLine(of: $0, in: source) }
        if process.terminationStatus != 0 && problems.isEmpty { return ["swiftc failed: \(output)"] }
        return problems
    }

    /// The line of `source` a `file:line:column: …` message points at, on a line of its own.
    private static func quotedLine(of message: Substring, in source: String) -> String {
        let fields = message.split(separator: ":")
        guard fields.count > 2, let line = Int(fields[1]) else { return "" }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.indices.contains(line - 1) ? "\n    " + lines[line - 1].trimmingCharacters(in: .whitespaces) : ""
    }
}
