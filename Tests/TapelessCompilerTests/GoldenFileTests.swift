import Foundation
import Testing
@testable import TapelessCompiler

/// The exact Swift emitted for each model of `Tests/GeneratedCodeTests/Models`, compared with
/// the checked-in file of the same name in `Golden/`. The same models are compiled by the plugin
/// and run in `GeneratedCodeTests`, so the emitted code is tested both as text and by behaviour.
///
/// After an intended change to the emitter, re-record every golden file with
/// `TAPELESS_RECORD_GOLDEN=1 swift test --filter GoldenFileTests`, then review the diff.
@Suite struct GoldenFileTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let models = tests.appendingPathComponent("GeneratedCodeTests/Models")
    static let folder = tests.appendingPathComponent("TapelessCompilerTests/Golden")
    static let isRecording = ProcessInfo.processInfo.environment["TAPELESS_RECORD_GOLDEN"] == "1"

    static func files(in folder: URL, withExtension pathExtension: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".\(pathExtension)") }.map { String($0.dropLast(pathExtension.count + 1)) }.sorted()
    }

    static var inputs: [String] { files(in: models, withExtension: "tapeless") }

    @Test func everyModelHasAGoldenFileAndEveryGoldenFileAModel() {
        #expect(Self.inputs.count >= 3)
        if !Self.isRecording { #expect(Self.files(in: Self.folder, withExtension: "swift") == Self.inputs) }
    }

    @Test(arguments: inputs)
    func emittedSwiftMatchesGoldenFile(_ name: String) throws {
        let input = Self.models.appendingPathComponent("\(name).tapeless")
        let expectedURL = Self.folder.appendingPathComponent("\(name).swift")
        let source = try String(contentsOf: input, encoding: .utf8)
        // The full path, as the plugin passes it: the output must not depend on where the
        // package is cloned.
        let output = Compiler().compile(source: source, path: input.path)
        let program = try #require(output.program, "\(name) does not compile: \(output.diagnostics)")
        let emitted = Compiler().swiftSource(for: program)
        if Self.isRecording {
            try emitted.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? ""
        #expect(
            emitted == expected,
            "The Swift emitted for \(name) differs from \(expectedURL.lastPathComponent) (re-record with TAPELESS_RECORD_GOLDEN=1 if intended):\n\(Self.diff(expected, emitted))"
        )
    }

    /// A unified diff of two texts, from `diff -U5` where available.
    static func diff(_ old: String, _ new: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tapeless-golden-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (oldURL, newURL) = (directory.appendingPathComponent("expected.swift"), directory.appendingPathComponent("emitted.swift"))
        try? old.write(to: oldURL, atomically: true, encoding: .utf8)
        try? new.write(to: newURL, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["diff", "-U5", oldURL.path, newURL.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "(diff is not available)" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
