/// Checks a parsed file: resolves every name, infers every expression's type and shape
/// (binding size variables through calls), and validates models, layers and derivatives.
///
/// Every problem in the file is reported, not only the first; an expression whose type can't
/// be determined doesn't cause further diagnostics. The program is complete only when the
/// diagnostics contain no errors.
public func check(_ file: SourceFile) -> (program: CheckedProgram, diagnostics: [Diagnostic]) {
    let (flat, recordDiagnostics, layout) = RecordFlattening.flatten(file)
    let checker = Checker(file: flat, records: layout)
    checker.diagnostics.append(contentsOf: recordDiagnostics)
    checker.run()
    var program = checker.program()
    program.records = layout
    return (program, checker.diagnostics.sorted)
}

/// The state of one run of the checker; its stages live in extensions, one file each.
final class Checker {
    let file: SourceFile
    /// Which functions took or returned records before they were taken apart.
    let records: RecordLayout
    var diagnostics = DiagnosticCollector()
    var types: [Int: ValueType] = [:]
    var resolutions: [Int: Resolution] = [:]
    var positions: [Int: LoopPosition] = [:]
    var loopCounts: [SourceLocation: Int] = [:]
    var rolledLoops: Set<SourceLocation> = []
    var checkpointIntervals: [SourceLocation: Int] = [:]
    var tupleTypes: [Int: [ValueType]] = [:]

    /// Where each top-level name (model, function, derivative) was declared.
    var topLevelDeclarations: [String: SourceRange] = [:]
    /// The top-level functions in source order, and by name.
    var functionsInOrder: [FunctionSignature] = []
    var functions: [String: FunctionSignature] = [:]
    /// Functions whose names were already taken, with the index of their model if any: their
    /// bodies are checked, but nothing can call them (so they are never part of a cycle).
    var duplicateFunctions: [(signature: FunctionSignature, modelIndex: Int?)] = []
    /// The derivative declarations by name, and those resolved so far (`nil` when invalid).
    var derivativeDeclarations: [String: DerivativeDecl] = [:]
    var derivatives: [String: CheckedDerivative?] = [:]
    var derivativesInProgress: [String] = []
    var resolvedDerivatives: [CheckedDerivative] = []
    var models: [ModelContext] = []
    /// The top-level named constants and their values; invalid ones are listed without one.
    var constants: [String: Double] = [:]
    var invalidConstants: Set<String> = []
    var callGraph = CallGraph()

    init(file: SourceFile, records: RecordLayout = RecordLayout()) {
        self.file = file
        self.records = records
    }

    /// Runs every stage in order.
    func run() {
        declareTopLevel()
        checkRules()
        for case .derivative(let declaration) in file.declarations {
            _ = resolveDerivative(named: declaration.name.name)
        }
        for signature in functionsInOrder {
            checkBody(of: signature, model: nil)
        }
        for model in models {
            for signature in model.functionsInOrder {
                checkBody(of: signature, model: model)
            }
        }
        for duplicate in duplicateFunctions {
            checkBody(of: duplicate.signature, model: duplicate.modelIndex.map { models[$0] })
        }
        checkRuleCalls()
        reportRecursion()
    }

    /// The checked program (complete only when no errors were reported).
    func program() -> CheckedProgram {
        CheckedProgram(
            file: file,
            models: models.map { model in
                var checked = model.checked
                checked.calledFunctions = callGraph.calledFunctions(of: model)
                return checked
            },
            functions: functionsInOrder.compactMap(\.checked),
            derivatives: resolvedDerivatives,
            types: types,
            resolutions: resolutions,
            positions: positions,
            loopCounts: loopCounts,
            tupleTypes: tupleTypes,
            rolledLoops: rolledLoops,
            checkpointIntervals: checkpointIntervals
        )
    }

    func error(_ message: String, at range: SourceRange, notes: [Diagnostic.Note] = []) {
        diagnostics.error(message, at: range, notes: notes)
    }

    func warning(_ message: String, at range: SourceRange) {
        diagnostics.warning(message, at: range)
    }

    /// Records `name` in `namespace`, reporting a duplicate; returns whether it was new.
    func declare(_ name: Identifier, in namespace: inout [String: SourceRange]) -> Bool {
        if let earlier = namespace[name.name] {
            error("'\(name.name)' is already declared at \(earlier.start); rename one of them", at: name.range,
                  notes: [Diagnostic.Note("'\(name.name)' was first declared here", at: earlier)])
            return false
        }
        namespace[name.name] = name.range
        return true
    }
}
