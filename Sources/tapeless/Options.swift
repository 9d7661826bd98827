import TapelessCompiler

/// A mistake in the command line.
struct UsageError: Error {
    var message: String
}

/// The options of every command, parsed from the words after the command's name.
struct Options {
    var files: [String] = []
    var output: String?
    var outputDirectory: String?
    var access: SwiftEmitter.AccessLevel = .public
    var stage: Compiler.Stage = .optimized

    init(parsing words: [String], for command: Command) throws {
        var remaining = words[...]
        while let word = remaining.popFirst() {
            switch word {
            case "-o" where command == .generate, "--output" where command == .generate:
                output = try value(after: word, &remaining)
            case "--output-dir" where command == .generate:
                outputDirectory = try value(after: word, &remaining)
            case "--access" where command == .generate:
                let text = try value(after: word, &remaining)
                guard let level = SwiftEmitter.AccessLevel(rawValue: text) else {
                    throw UsageError(message: "--access must be 'public' or 'internal', not '\(text)'")
                }
                access = level
            case "--stage" where command == .explain:
                let text = try value(after: word, &remaining)
                guard let stage = Compiler.Stage(rawValue: text) else {
                    let stages = Compiler.Stage.allCases.map(\.rawValue).joined(separator: ", ")
                    throw UsageError(message: "unknown stage '\(text)'; stages are: \(stages)")
                }
                self.stage = stage
            case "-":
                files.append(word)
            case _ where word.hasPrefix("-"):
                throw UsageError(message: "unknown option '\(word)' for '\(command.rawValue)'")
            default:
                files.append(word)
            }
        }
        guard !files.isEmpty else { throw UsageError(message: "no input file; give a .tapeless file, or - for standard input") }
        if output != nil && outputDirectory != nil {
            throw UsageError(message: "use either -o or --output-dir, not both")
        }
        if output != nil && files.count > 1 {
            throw UsageError(message: "-o writes one file; use --output-dir for \(files.count) inputs")
        }
        if command == .explain && files.count > 1 {
            throw UsageError(message: "explain takes one file")
        }
    }

    private func value(after option: String, _ remaining: inout ArraySlice<String>) throws -> String {
        guard let value = remaining.popFirst() else { throw UsageError(message: "\(option) needs a value") }
        return value
    }
}
