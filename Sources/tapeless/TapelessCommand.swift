import TapelessCompiler

/// The command-line front end of the compiler.
enum TapelessCommand {
    static let version = "0.1.0"

    static let usage = """
        OVERVIEW: Compile differentiable models written in .tapeless files to Swift.

        USAGE: tapeless <command> [options] <file>...

        COMMANDS:
          generate    Write the Swift for each file (to standard output, -o FILE or --output-dir DIR).
          check       Report diagnostics only.
          explain     Print one compiler stage: ast, ir, gradient, optimized, fused or swift.
          summary     Report each model's parameters, FLOPs and activation memory per example.

        OPTIONS:
          -h, --help  Show help for tapeless or for a command (tapeless help <command>).
          --version   Show the version.

        A file named - is read from standard input.
        """

    /// Runs the command line and returns the exit status: 0 on success, 1 when any file has
    /// errors, 2 when the command line itself is wrong.
    static func run(_ arguments: [String]) -> Int32 {
        var arguments = arguments
        guard let first = arguments.first else {
            FileIO.printError(usage)
            return 2
        }
        arguments.removeFirst()
        if first == "-h" || first == "--help" || first == "help" {
            if let topic = arguments.first, let command = Command(rawValue: topic) {
                print(command.help)
            } else {
                print(usage)
            }
            return 0
        }
        if first == "--version" {
            print(version)
            return 0
        }
        guard let command = Command(rawValue: first) else {
            FileIO.printError("error: unknown command '\(first)'. Commands are: \(Command.allCases.map(\.rawValue).joined(separator: ", ")). See 'tapeless --help'.")
            return 2
        }
        if arguments.contains("-h") || arguments.contains("--help") {
            print(command.help)
            return 0
        }
        do {
            let options = try Options(parsing: arguments, for: command)
            return try command.run(options)
        } catch let error as UsageError {
            FileIO.printError("error: \(error.message)\n\n\(command.help)")
            return 2
        } catch {
            FileIO.printError("error: \(error)")
            return 1
        }
    }
}

