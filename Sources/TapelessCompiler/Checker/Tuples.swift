/// Tuples: functions that return several values, and `let (a, b) = …` that takes them apart.
///
/// A tuple is never a value of its own: it is written out as a function's result, or taken
/// apart as soon as a call returns it, so every name still holds one tensor.
extension Checker {
    /// The types of the values of `expr`, a tuple written out (`(a, b)`) or a call of a function
    /// that returns several; `nil` after reporting anything else, or an error inside.
    /// `expected` names the values wanted, for messages.
    func checkValues(of expr: Expr, expected: [String], in context: inout BodyContext) -> [ValueType?]? {
        switch expr.kind {
        case .tuple(let elements):
            let types = elements.map { checkExpression($0.value, in: &context) }
            guard elements.count == expected.count else {
                error("the tuple has \(elements.count) values, but \(expected.count) are wanted: \(list(expected))", at: expr.range)
                return nil
            }
            for (element, wanted) in zip(elements, expected) {
                guard let label = element.label, label.name != wanted else { continue }
                error("this value is labeled '\(label.name)', but its place in \(list(expected)) is '\(wanted)'", at: label.range)
                return nil
            }
            return types
        case .call(let callee, let arguments):
            guard let types = checkCall(callee, arguments, expr, severalAllowed: true, in: &context) else { return nil }
            guard types.count == expected.count else {
                let counted = types.count == 1 ? "one value" : "\(types.count) values"
                error("this call returns \(counted), but \(expected.count) are wanted: \(list(expected))", at: expr.range)
                return nil
            }
            if types.count > 1 { tupleTypes[expr.id] = types }
            return types
        case .number, .identifier, .member, .negate, .not, .binary, .index:
            checkExpression(expr, in: &context)
            error("expected \(expected.count) values \(list(expected)): a call of a function that returns a tuple, or a tuple written out as in '(a, b)'",
                  at: expr.range)
            return nil
        }
    }

    /// A function's result when it returns a tuple: each value of the declared type.
    func checkTupleResult(_ result: Expr, of signature: FunctionSignature, in context: inout BodyContext) {
        let declared = signature.results
        guard let types = checkValues(of: result, expected: declared.map(\.name), in: &context) else { return }
        for (index, (type, wanted)) in zip(types, declared).enumerated() {
            guard let type, let wanted = wanted.type, type != wanted else { continue }
            let place = if case .tuple(let elements) = result.kind { elements[index].value.range } else { result.range }
            error("'\(signature.name)' is declared to return \(wanted) as '\(declared[index].name)', but this value has type \(type)",
                  at: place)
        }
    }

    /// `let (a, b) = value`, `var (a, b) = value` or `(a, b) = value`: one name per value; `_`
    /// drops one. New names are declared in `declared`; an assignment checks each variable as
    /// `a = …` would.
    func checkDestructuring(
        _ destructuring: Destructuring, in context: inout BodyContext, declared: inout [String: SourceRange]
    ) {
        let names = destructuring.names
        var types = checkValues(of: destructuring.value, expected: names.map(\.name), in: &context)
        if let fields = destructuring.fieldsOf, let found = types {
            types = checkFields(found, of: fields.record, declared: fields.types, names: names, value: destructuring.value)
        }
        for (index, name) in names.enumerated() where !name.name.isEmpty && name.name != "_" {
            let type = types?[index]
            switch destructuring.kind {
            case .constants, .variables:
                guard declare(name, in: &declared) else { continue }
                // After an error, the names are not also reported as unused; nor are a record's
                // fields, which are used one at a time.
                context.locals[name.name] = BodyContext.Local(
                    type: type, range: name.range, isVariable: destructuring.kind == .variables,
                    isUsed: types == nil || destructuring.fieldsOf != nil)
            case .assignment:
                checkAssignment(to: name, type: type ?? nil, valueRange: destructuring.value.range, in: &context)
            }
        }
    }

    /// The values of a record's fields, each checked against its declared type (binding the
    /// size variables the types share); a mismatch is reported and its type dropped.
    private func checkFields(
        _ types: [ValueType?], of record: String, declared: [TypeExpr], names: [Identifier], value: Expr
    ) -> [ValueType?] {
        var bindings: [String: Dimension] = [:]
        return zip(types, declared).enumerated().map { index, pair in
            guard let type = pair.0, let expected = valueType(of: pair.1, sizeVariablesAllowed: true) else { return pair.0 }
            guard ShapeRules.unify(parameter: expected, argument: type, bindings: &bindings) else {
                let field = names[index].name.split(separator: ".").last.map(String.init) ?? names[index].name
                let place = if case .tuple(let elements) = value.kind { elements[index].value.range } else { value.range }
                error("field '\(field)' of '\(record)' is \(expected.substituting(bindings)), not \(type)", at: place)
                return nil
            }
            return type
        }
    }

    private func list(_ names: [String]) -> String { "(" + names.joined(separator: ", ") + ")" }
}
