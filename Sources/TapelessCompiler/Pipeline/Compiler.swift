/// The whole compiler as one pipeline of stages, run in one place (``run(source:path:through:)``),
/// each stage reading the stored result of the one before:
///
/// 1. **Parse**: source text to a syntax tree (``Compilation/syntax``).
/// 2. **Check**: names, types and shapes (``Compilation/checked``).
/// 3. **Lower**: each function's own primal IR, calls and `grad` requests unresolved
///    (``Lowering``, ``Compilation/lowered``).
/// 4. **Differentiate**: calls inlined and every derivative the program needs derived by
///    source transformation (`Differentiation`, ``Compilation/differentiated``).
/// 5. **Simplify**: every function form simplified (``Compilation/simplified``).
/// 6. **Plan**: fused loops and workspace buffers of every function form
///    (``Compilation/planned``).
/// 7. **Emit**: the Swift (``Compilation/swift``), rendered from the stored plans.
///
/// `tapeless explain` prints the stored result of a stage (``Stage``), so a user sees exactly
/// what the next stage read.
public struct Compiler {
    /// A stage whose output `tapeless explain` prints.
    public enum Stage: String, CaseIterable, Sendable {
        /// The syntax tree.
        case ast
        /// Every declaration with its resolved types and shapes.
        case checked
        /// Each function's own IR, before calls are inlined and derivatives derived.
        case ir
        /// Every function with calls inlined, and its derived forms, before simplification.
        case gradient
        /// Every function form simplified: what planning reads.
        case optimized
        /// The fused loops and the buffer plan of every function.
        case fused
        /// The generated Swift.
        case swift
    }

    /// The result of compiling one file.
    public struct Output: Sendable {
        /// Everything the stages reported, sorted by location.
        public var diagnostics: [Diagnostic]
        /// The simplified program, when there were no errors.
        public var program: LoweredProgram?

        /// Whether any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// The emitter that renders the generated Swift.
    public var emitter: SwiftEmitter

    /// The most operations a function may hold once calls are inlined and derivatives derived;
    /// a program past it is reported as too large. 100,000 unless lowered: tests lower it to
    /// reach it cheaply, and the fuzz target so that a program growing exponentially costs
    /// milliseconds instead of seconds.
    public var instructionLimit = InstructionLimit.standard.maximum

    /// Creates a compiler that renders Swift with `emitter`.
    public init(emitter: SwiftEmitter = SwiftEmitter()) {
        self.emitter = emitter
    }

    /// Runs the stages up to the one `last` prints, storing each result; stops after the
    /// first stage that reports an error.
    public func run(source: String, path: String, through last: Stage = .swift) -> Compilation {
        let (file, syntaxDiagnostics) = parse(source: source, path: path)
        var compilation = Compilation(diagnostics: syntaxDiagnostics, syntax: file)
        guard last != .ast, !compilation.hasErrors else { return compilation }
        let (checked, checkDiagnostics) = check(file)
        compilation.checked = checked
        compilation.diagnostics = (syntaxDiagnostics + checkDiagnostics).sorted { $0.range.start < $1.range.start }
        guard last != .checked, !compilation.hasErrors else { return compilation }
        do {
            let limit = InstructionLimit(maximum: instructionLimit)
            let lowered = try Lowering(program: checked, source: source).lower()
            compilation.lowered = lowered
            guard last != .ir else { return compilation }
            let differentiated = try Differentiation.run(lowered, limit: limit)
            compilation.differentiated = differentiated
            guard last != .gradient else { return compilation }
            compilation.simplified = try Simplification.run(differentiated, limit: limit)
        } catch let tooLarge as InstructionLimit.Exceeded {
            compilation.diagnostics.append(.error(tooLarge.message, at: tooLarge.range))
        } catch let unsupported as Differentiation.Unsupported {
            compilation.diagnostics.append(.error(unsupported.message, at: unsupported.range))
        } catch {
            let start = SourceLocation(line: 1, column: 1, offset: 0)
            compilation.diagnostics.append(.error(
                "internal compiler error: \(error); please report it with this file", at: SourceRange(start: start, end: start)))
        }
        guard let simplified = compilation.simplified, last == .fused || last == .swift else { return compilation }
        let planned = PlannedProgram(simplified)
        compilation.planned = planned
        if last == .swift { compilation.swift = emitter.emit(planned) }
        return compilation
    }

    /// Runs every stage up to simplification (the checks `tapeless check` needs).
    public func compile(source: String, path: String) -> Output {
        let compilation = run(source: source, path: path, through: .optimized)
        return Output(diagnostics: compilation.diagnostics, program: compilation.simplified)
    }

    /// The generated Swift for a program compiled without errors.
    public func swiftSource(for program: LoweredProgram) -> String {
        emitter.emit(PlannedProgram(program))
    }

    /// The stored result of one stage as text, for `tapeless explain`, or the diagnostics that
    /// stopped the pipeline before it.
    public func explain(source: String, path: String, stage: Stage) -> (text: String?, diagnostics: [Diagnostic]) {
        let compilation = run(source: source, path: path, through: stage)
        return (compilation.text(of: stage), compilation.diagnostics)
    }
}
