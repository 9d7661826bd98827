/// Checks a parsed file: resolves every name, infers every expression's type and shape
/// (binding size variables through calls), and validates models, layers and derivatives.
///
/// Every problem in the file is reported, not only the first; an expression whose type can't
/// be determined doesn't cause further diagnostics. The program is complete only when the
/// diagnostics contain no errors.
public func check(_ file: SourceFile) -> (program: CheckedProgram, diagnostics: [Diagnostic]) {
    let checker = Checker(file: file)
    checker.run()
    return (checker.program(), checker.diagnostics.sorted)
}

/// The state of one run of the checker; its stages live in extensions, one file each.
final class Checker {
    let file: SourceFile
    var diagnostics = DiagnosticCollector()
    var types: [Int: ValueType] = [:]
    var resolutions: [Int: Resolution] = [:]

    /// Where each top-level name (model, function, derivative) was declared.
    var topLevelDeclarations: [String: SourceRange] = [:]
    /// The top-level functions' signatures by name.
    var functions: [String: FunctionSignature] = [:]
    /// The derivative declarations by name, and those resolved so far (`nil` when invalid).
    var derivativeDeclarations: [String: DerivativeDecl] = [:]
    var derivatives: [String: CheckedDerivative?] = [:]
    var derivativesInProgress: [String] = []
    var resolvedDerivatives: [CheckedDerivative] = []
    var models: [ModelContext] = []
    var callGraph = CallGraph()

    init(file: SourceFile) {
        self.file = file
    }

    /// Runs every stage in order.
    func run() {
        declareTopLevel()
        for case .derivative(let declaration) in file.declarations {
            _ = resolveDerivative(named: declaration.name.name)
        }
        for case .function(let declaration) in file.declarations {
            if let signature = functions[declaration.name.name], signature.decl == declaration {
                checkBody(of: signature, model: nil)
            }
        }
        for model in models {
            for signature in model.functionsInOrder {
                checkBody(of: signature, model: model)
            }
        }
        reportRecursion()
    }

    /// The checked program (complete only when no errors were reported).
    func program() -> CheckedProgram {
        CheckedProgram(
            file: file,
            models: models.map(\.checked),
            functions: file.declarations.compactMap { declaration in
                guard case .function(let decl) = declaration, let signature = functions[decl.name.name],
                      signature.decl == decl else { return nil }
                return signature.checked
            },
            derivatives: resolvedDerivatives,
            types: types,
            resolutions: resolutions
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
