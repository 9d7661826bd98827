/// A function's declared interface, known before any body is checked so calls can go in any order.
struct FunctionSignature {
    /// Identifies the function in the call graph: `f` at top level, `Model.f` in a model.
    var key: String
    var name: String
    /// Argument types; `nil` where the declared type was invalid (already reported).
    var parameters: [(name: String, type: ValueType?)]
    /// The values returned: `value` alone, or a tuple's labels; a type is `nil` where the
    /// declared one was invalid (already reported).
    var results: [(name: String, type: ValueType?)]
    var sizeVariables: [String]
    var decl: FunctionDecl

    /// The result type of a function that returns one value; `nil` for a tuple or an invalid type.
    var returnType: ValueType? { decl.returnType.isTuple ? nil : results[0].type }

    /// The checked form, when every declared type is valid.
    var checked: CheckedFunction? {
        guard let results = Self.valid(results), let parameters = Self.valid(parameters) else { return nil }
        return CheckedFunction(
            name: name, parameters: parameters, results: results, sizeVariables: sizeVariables, decl: decl)
    }

    /// The names and types, when every type is valid.
    private static func valid(_ typed: [(name: String, type: ValueType?)]) -> [(name: String, type: ValueType)]? {
        var valid: [(name: String, type: ValueType)] = []
        for (name, type) in typed {
            guard let type else { return nil }
            valid.append((name, type))
        }
        return valid
    }

    /// The results as a tuple's labels, for messages: `(mean, variance)`.
    var resultList: String { "(" + results.map(\.name).joined(separator: ", ") + ")" }
}

/// What the functions of one model can see: its parameters, layers and other functions.
struct ModelContext {
    var name: String
    var range: SourceRange
    /// Parameters by layout name (`w`, `fc1.weight`) in declaration order; invalid ones are absent.
    var parameters: [CheckedParameter] = []
    var layers: [CheckedLayer] = []
    var functionsInOrder: [FunctionSignature] = []
    /// Derivatives of the model's functions with respect to their inputs, once checked.
    var derivatives: [CheckedDerivative] = []
    /// Every member name (valid or not) with where it was declared.
    var declarations: [String: SourceRange] = [:]
    /// Member names whose declarations were invalid: uses of them are silently error-typed.
    var invalidMembers: Set<String> = []
    /// The model's named constants and their values.
    var constants: [String: Double] = [:]

    func parameter(named name: String) -> CheckedParameter? {
        parameters.first { $0.name == name }
    }

    func layer(named name: String) -> CheckedLayer? {
        layers.first { $0.name == name }
    }

    func function(named name: String) -> FunctionSignature? {
        functionsInOrder.first { $0.name == name }
    }

    /// A member's node in the call graph: `Model.name`.
    func key(of member: String) -> String {
        "\(name).\(member)"
    }

    var checked: CheckedModel {
        CheckedModel(
            name: name, parameters: parameters, layers: layers,
            functions: functionsInOrder.compactMap(\.checked), derivatives: derivatives, range: range)
    }
}
