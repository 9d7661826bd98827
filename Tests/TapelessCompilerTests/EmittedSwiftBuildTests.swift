import Testing
@testable import TapelessCompiler

/// The Swift emitted for the test models and for random programs of every signature shape
/// builds without errors or warnings, as it must in a user's project (the plugin compiles it
/// with the user's settings, which may treat warnings as errors).
///
/// Runs where a Swift toolchain is on `PATH`, as it is for `swift test`.
@Suite(.enabled(if: SwiftTypeChecker.swiftcOnPath != nil, "needs swiftc on PATH"))
struct EmittedSwiftBuildTests {
    @Test(arguments: GoldenFileTests.inputs)
    func testModelBuildsWithoutWarnings(_ name: String) throws {
        let url = GoldenFileTests.models.appendingPathComponent("\(name).tapeless")
        try expectCleanBuild(of: try String(contentsOf: url, encoding: .utf8), name: name)
    }

    @Test(arguments: RandomProgramTests.seeds)
    func randomProgramBuildsWithoutWarnings(seed: UInt64) throws {
        var generator = ProgramGenerator(seed: seed)
        try expectCleanBuild(of: generator.program(), name: "Random\(seed)")
    }

    private func expectCleanBuild(of source: String, name: String) throws {
        let output = Compiler().compile(source: source, path: "\(name).tapeless")
        let program = try #require(output.program, "\(name): \(output.diagnostics)")
        let checker = try SwiftTypeChecker(swiftc: try #require(SwiftTypeChecker.swiftcOnPath))
        let problems = try checker.problems(in: Compiler().swiftSource(for: program), fileName: "\(name).swift")
        #expect(problems.isEmpty, "the Swift emitted for \(name) does not build cleanly:\n\(problems.joined(separator: "\n"))\n\(source)")
    }
}
