import TapelessCompiler

/// The subcommands of `tapeless`.
enum Command: String, CaseIterable {
    case generate, check, explain, summary

    var help: String {
        switch self {
        case .generate:
            return """
                OVERVIEW: Write the Swift code for .tapeless files.

                USAGE: tapeless generate <file>... [-o <output.swift> | --output-dir <dir>] [--access public|internal]

                OPTIONS:
                  -o, --output <file>    Write the Swift for one input to this file.
                  --output-dir <dir>     Write <name>.swift for each input into this folder.
                  --access <level>       public (default) or internal declarations.

                Without -o or --output-dir the Swift goes to standard output. A file is
                rewritten only when its contents change, so builds stay incremental.
                """
        case .check:
            return """
                OVERVIEW: Check .tapeless files and print every diagnostic.

                USAGE: tapeless check <file>...

                Exits with 1 when any file has an error.
                """
        case .explain:
            return """
                OVERVIEW: Print one stage of the compiler, to see exactly what was derived.

                USAGE: tapeless explain <file> [--stage ast|checked|ir|gradient|optimized|fused|swift]

                STAGES:
                  ast        the syntax tree
                  checked    every declaration with the types and shapes the checker resolved
                  ir         each function's own IR, calls and grad definitions unresolved
                  gradient   calls inlined and the derived functions, before simplification
                  optimized  every function and derived function, simplified (default)
                  fused      the fused loops and the workspace buffer plan
                  swift      the generated Swift
                """
        case .summary:
            return """
                OVERVIEW: Report each model before anything runs, like Keras's model.summary().

                USAGE: tapeless summary <file>...

                Per parameter and in total: element count and bytes; per function: forward
                and backward FLOPs and activation memory per example (size variables set to 1);
                and the size of the Swift generated for the file.
                """
        }
    }

    /// Runs the command on every file; returns 1 if any had errors.
    func run(_ options: Options) throws -> Int32 {
        let compiler = Compiler(emitter: SwiftEmitter(access: options.access))
        var failed = false
        for path in options.files {
            let source = try FileIO.readText(path)
            let displayPath = path == "-" ? "<stdin>" : path
            switch self {
            case .check:
                let output = compiler.compile(source: source, path: displayPath)
                report(output.diagnostics, path: displayPath, source: source)
                failed = failed || output.hasErrors
            case .generate:
                let compilation = compiler.run(source: source, path: displayPath)
                report(compilation.diagnostics, path: displayPath, source: source)
                guard let swift = compilation.swift else { failed = true; continue }
                try write(swift, for: path, options)
            case .explain:
                let (text, diagnostics) = compiler.explain(source: source, path: displayPath, stage: options.stage)
                report(diagnostics, path: displayPath, source: source)
                if let text { print(text, terminator: "") } else { failed = true }
            case .summary:
                let compilation = compiler.run(source: source, path: displayPath)
                report(compilation.diagnostics, path: displayPath, source: source)
                guard let program = compilation.simplified else { failed = true; continue }
                print(ModelSummary(program: program, generatedSwift: compilation.swift).render(), terminator: "")
            }
        }
        return failed ? 1 : 0
    }

    private func report(_ diagnostics: [Diagnostic], path: String, source: String) {
        guard !diagnostics.isEmpty else { return }
        let renderer = DiagnosticRenderer(path: path, source: source)
        FileIO.printError(diagnostics.map { renderer.render($0) }.joined())
        FileIO.printError(DiagnosticRenderer.summary(of: diagnostics))
    }

    private func write(_ swift: String, for path: String, _ options: Options) throws {
        if let output = options.output {
            try FileIO.writeIfChanged(swift, to: output)
        } else if let directory = options.outputDirectory {
            let name = path == "-" ? "stdin" : FileIO.stem(of: path)
            try FileIO.createDirectories(directory)
            try FileIO.writeIfChanged(swift, to: FileIO.path(of: "\(name).swift", in: directory))
        } else {
            print(swift, terminator: "")
        }
    }
}
