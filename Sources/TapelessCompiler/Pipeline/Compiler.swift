/// The whole compiler as one pipeline:
///
/// 1. **Lexer and parser**: source text to a syntax tree (``parse(source:path:)``).
/// 2. **Checker**: names, types and shapes (``check(_:)``).
/// 3. **Lowering**: the checked tree to straight-line IR, with calls inlined (``Lowering``).
/// 4. **Autodiff**: gradients by source transformation (``ReverseMode``), inside lowering.
/// 5. **Simplify**: folding, identities, common subexpressions, dead code (``Simplifier``).
/// 6. **Fusion and buffer plan**: loops and workspace slots (``Fusion``).
/// 7. **Emitter**: IR to Swift (``SwiftEmitter``).
///
/// Each stage's output can be printed (``Stage``), so a user can see what was derived.
public struct Compiler {
    /// A stage whose output `tapeless explain` prints.
    public enum Stage: String, CaseIterable, Sendable {
        /// The syntax tree.
        case ast
        /// The IR of every function, before differentiation.
        case ir
        /// The derived functions (value and gradients), before simplification.
        case gradient
        /// Every function as emitted: differentiated and simplified.
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
        /// The lowered program, when there were no errors.
        public var program: LoweredProgram?

        /// Whether any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// The emitter that renders the generated Swift.
    public var emitter: SwiftEmitter

    /// The most operations a lowered function may hold (``Lowering/defaultInstructionLimit``
    /// unless a test lowers it).
    var instructionLimit = Lowering.defaultInstructionLimit

    /// Creates a compiler that renders Swift with `emitter`.
    public init(emitter: SwiftEmitter = SwiftEmitter()) {
        self.emitter = emitter
    }

    /// Runs every stage up to lowering; stops after the first stage that reports an error.
    public func compile(source: String, path: String) -> Output {
        let (file, syntaxDiagnostics) = parse(source: source, path: path)
        if syntaxDiagnostics.contains(where: { $0.severity == .error }) {
            return Output(diagnostics: syntaxDiagnostics, program: nil)
        }
        let (checked, checkDiagnostics) = check(file)
        let diagnostics = (syntaxDiagnostics + checkDiagnostics).sorted { $0.range.start < $1.range.start }
        if diagnostics.contains(where: { $0.severity == .error }) {
            return Output(diagnostics: diagnostics, program: nil)
        }
        do {
            var lowering = Lowering(program: checked, source: source)
            lowering.instructionLimit = instructionLimit
            let program = try lowering.lower()
            return Output(diagnostics: diagnostics, program: program)
        } catch let tooLarge as Lowering.TooLarge {
            return Output(diagnostics: diagnostics + [.error(tooLarge.message, at: tooLarge.range)], program: nil)
        } catch {
            let start = SourceLocation(line: 1, column: 1, offset: 0)
            let internalError = Diagnostic.error(
                "internal compiler error: \(error); please report it with this file", at: SourceRange(start: start, end: start))
            return Output(diagnostics: diagnostics + [internalError], program: nil)
        }
    }

    /// The generated Swift for a program compiled without errors.
    public func swiftSource(for program: LoweredProgram) -> String {
        emitter.emit(program)
    }

    /// The text of one stage for `tapeless explain`, or the diagnostics that stopped it.
    public func explain(source: String, path: String, stage: Stage) -> (text: String?, diagnostics: [Diagnostic]) {
        if stage == .ast {
            let (file, diagnostics) = parse(source: source, path: path)
            return (ASTPrinter.render(file), diagnostics)
        }
        let output = compile(source: source, path: path)
        guard let program = output.program else { return (nil, output.diagnostics) }
        switch stage {
        case .ast: return (nil, output.diagnostics)
        case .swift: return (emitter.emit(program), output.diagnostics)
        case .ir, .gradient, .optimized, .fused:
            return (StagePrinter.render(program, stage: stage), output.diagnostics)
        }
    }
}
