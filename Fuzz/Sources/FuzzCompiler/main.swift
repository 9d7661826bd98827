import FuzzDriver
import Foundation
import TapelessCompiler

/// The instruction limit of the compiler under test, lower than the standard 100,000. The
/// fuzzer soon writes programs whose calls multiply at every level; under the standard limit
/// each such program takes seconds to compile (just under the limit, every stage handles a
/// hundred thousand instructions) and they took most of the fuzzer's time. The largest model
/// in the repository holds about 100 instructions, so this limit is still far above every real
/// program, and the code that reports the limit runs more often.
let instructionLimit = 5_000

/// One input: the bytes, decoded as UTF-8 (invalid sequences become U+FFFD, as when the CLI
/// reads a file), go through every stage the `tapeless` command runs. Any trap, sanitizer
/// report or broken invariant below is a finding.
func compile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var compiler = Compiler()
    compiler.instructionLimit = instructionLimit
    let compilation = compiler.run(source: source, path: "fuzz.tapeless")

    // What `tapeless` prints: the located diagnostics, every stored stage, the summary.
    _ = DiagnosticRenderer(path: "fuzz.tapeless", source: source).render(compilation.diagnostics)
    for stage in Compiler.Stage.allCases {
        _ = compilation.text(of: stage)
    }
    if let simplified = compilation.simplified {
        _ = ModelSummary(program: simplified).render()
    }

    // Whatever passes the checks compiles to Swift (the promise `tapeless check` makes).
    precondition(compilation.hasErrors == (compilation.swift == nil), "errors and emitted Swift disagree")
    return 0
}

exit(fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, compile))
