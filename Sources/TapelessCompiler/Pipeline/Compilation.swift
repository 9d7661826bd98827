/// The stored result of every stage the compiler ran on one source file (see ``Compiler``).
///
/// A stage's result is `nil` when the pipeline stopped before it: after a stage that reported
/// an error, or at the stage that was asked for.
public struct Compilation: Sendable {
    /// Everything the stages reported, sorted by location within each stage.
    public var diagnostics: [Diagnostic]
    /// 1. The syntax tree; pieces the parser could not read are placeholders.
    public var syntax: SourceFile
    /// 2. The program with every name, type and shape resolved.
    public var checked: CheckedProgram?
    /// 3. Each function's own primal IR, calls and `grad` requests unresolved.
    public var lowered: LoweredProgram?
    /// 4. Every function with calls inlined, and every derivative the program needs.
    public var differentiated: LoweredProgram?
    /// 5. Every function form simplified.
    public var simplified: LoweredProgram?
    /// 6. The fused loops and buffers of every function form.
    public var planned: PlannedProgram?
    /// 7. The generated Swift.
    public var swift: String?

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The stored result of `stage` as `tapeless explain` prints it; `nil` when the pipeline
    /// did not get there.
    public func text(of stage: Compiler.Stage) -> String? {
        switch stage {
        case .ast: ASTPrinter.render(syntax)
        case .checked: checked.map(CheckedPrinter.render)
        case .ir: lowered.map(StagePrinter.render)
        case .gradient: differentiated.map(StagePrinter.render)
        case .optimized: simplified.map(StagePrinter.render)
        case .fused: planned.map(StagePrinter.render)
        case .swift: swift
        }
    }
}
