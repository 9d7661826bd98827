/// The records of a file, and the arguments and results of each function that were records
/// before they were taken apart into their fields.
public struct RecordLayout: Sendable, Equatable {
    /// Which arguments of one function were records, and whether its result was one.
    public struct Signature: Sendable, Equatable {
        /// The record of each argument that was one, by the argument's name.
        public var arguments: [String: String]
        /// The record the function returned, if it returned one.
        public var result: String?
        /// The records a derivative's results gather into, by the name their fields' results
        /// start with: `value` and `tangent` for `jvp` of a function returning a record
        /// (`value.position`, `tangent.position`…).
        public var resultRecords: [String: String]

        /// Creates a signature.
        public init(arguments: [String: String], result: String?, resultRecords: [String: String] = [:]) {
            self.arguments = arguments
            self.result = result
            self.resultRecords = resultRecords
        }
    }

    /// The valid records, in source order.
    public var records: [RecordDecl] = []
    /// The signatures of the functions and derivatives with a record argument or result, by
    /// name (`Model.name` in a model).
    public var signatures: [String: Signature] = [:]

    /// Creates the layout of a file without records.
    public init() {}
}

/// Records: `struct` declarations, taken apart into their fields before a file is checked.
///
/// A record argument `s: State` becomes one argument per field, named `s.position` and
/// `s.velocity`; a record result becomes a tuple labeled with the fields; `let s = …` of a
/// record binds `s.position` and `s.velocity` at once; `s.velocity` is then a name like any
/// other. `State(position: p, velocity: v)` is the tuple of its values, each checked against
/// its field's type. Every later stage sees only tensors, so loops, branches and derivatives
/// work through records without knowing of them.
struct RecordFlattening {
    /// Which arguments of a callee are records (and which may be differentiated), and whether
    /// its result is one.
    private struct Signature {
        var parameters: [(name: String, record: String?, isFloat: Bool)]
        var result: String?
        var resultRecords: [String: String] = [:]
    }

    /// The records of the locals in scope, by name.
    private typealias Scope = [String: String]

    private(set) var diagnostics: [Diagnostic] = []
    private var records: [String: RecordDecl] = [:]
    private var functions: [String: Signature] = [:]
    private var modelFunctions: [String: Signature] = [:]
    private var nextID = 1 << 40
    /// The names of every record the file declares.
    private var recordNames: Set<String> = []
    /// The fields declared with an error, as `Record.field`.
    private var rejectedFields: Set<String> = []
    private var temporaries = 0

    /// The records and which arguments and results were records, by function: what the
    /// emitter needs to give the generated Swift a struct per record.
    private(set) var layout = RecordLayout()

    /// `file` with its records taken apart, what was wrong with them, and where they were;
    /// `file` itself when it declares none.
    static func flatten(_ file: SourceFile) -> (file: SourceFile, diagnostics: [Diagnostic], layout: RecordLayout) {
        guard file.declarations.contains(where: { if case .record = $0 { true } else { false } }) else { return (file, [], RecordLayout()) }
        var flattening = RecordFlattening()
        let declarations = flattening.flatten(file.declarations)
        flattening.layout.records = file.declarations.compactMap { declaration in
            guard case .record(let record) = declaration, let valid = flattening.records[record.name.name],
                  valid.range == record.range, valid.fields.count == record.fields.count else { return nil }
            return valid
        }
        return (SourceFile(path: file.path, declarations: declarations), flattening.diagnostics, flattening.layout)
    }

    /// Notes the record arguments and result of the function or derivative `key`, if any.
    private mutating func note(_ signature: Signature, key: String) {
        var arguments: [String: String] = [:]
        for case let (name, record?, _) in signature.parameters { arguments[name] = record }
        guard !arguments.isEmpty || signature.result != nil else { return }
        layout.signatures[key] = RecordLayout.Signature(arguments: arguments, result: signature.result, resultRecords: signature.resultRecords)
    }

    private mutating func error(_ message: String, at range: SourceRange) {
        diagnostics.append(.error(message, at: range))
    }

    // MARK: - Declarations

    private mutating func flatten(_ declarations: [Declaration]) -> [Declaration] {
        var taken: [String: SourceRange] = [:]
        for declaration in declarations {
            switch declaration {
            case .model(let model): taken[model.name.name] = model.name.range
            case .function(let function): taken[function.name.name] = function.name.range
            case .derivative(let derivative): taken[derivative.name.name] = derivative.name.range
            case .constant(let constant): taken[constant.name.name] = constant.name.range
            case .record: continue
            }
        }
        for case .record(let record) in declarations { recordNames.insert(record.name.name) }
        for case .record(let record) in declarations {
            if let earlier = taken[record.name.name] {
                error("'\(record.name.name)' is already declared at \(earlier.start); rename one of them", at: record.name.range)
                continue
            }
            declare(record)
        }
        for declaration in declarations {
            switch declaration {
            case .function(let function): functions[function.name.name] = signature(of: function)
            case .derivative(let derivative): functions[derivative.name.name] = signature(of: derivative, in: functions)
            case .model, .constant, .record: continue
            }
        }
        for (name, signature) in functions { note(signature, key: name) }
        return declarations.compactMap { declaration in
            switch declaration {
            case .record: return nil
            case .constant: return declaration
            case .function(let function): return .function(flatten(function))
            case .derivative(let derivative): return .derivative(flatten(derivative, in: functions))
            case .model(let model): return .model(flatten(model))
            }
        }
    }

    private mutating func declare(_ record: RecordDecl) {
        let name = record.name.name
        guard !name.isEmpty else { return }
        if records[name] != nil {
            error("the record '\(name)' is already declared; rename one of them", at: record.name.range)
            return
        }
        if Checker.reservedTypeNames.contains(name) {
            error("record name '\(name)' would shadow the Swift or Tapeless type '\(name)'; rename the record", at: record.name.range)
        }
        var valid = record
        valid.fields = []
        for field in record.fields {
            if valid.fields.contains(where: { $0.name.name == field.name.name }) {
                error("'\(name)' already has a field '\(field.name.name)'; give each field its own name", at: field.name.range)
            } else if case .named(let other) = field.type.element {
                let what = recordNames.contains(other) ? "a record inside a record is not supported yet; list its fields" : "unknown type '\(other)'"
                error("\(what); a field is Float or a Float tensor, as in 'var velocity: [3]'", at: field.type.range)
                rejectedFields.insert("\(name).\(field.name.name)")
            } else if field.type.element == .int {
                error("a record's field is Float or a Float tensor, not an Int tensor", at: field.type.range)
                rejectedFields.insert("\(name).\(field.name.name)")
            } else {
                valid.fields.append(field)
            }
        }
        if record.fields.isEmpty {
            error("'\(name)' has no fields; declare them, as in 'struct \(name) { var x: Float }'", at: record.name.range)
        }
        records[name] = valid
    }

    private func record(of type: TypeExpr) -> String? {
        if case .named(let name) = type.element, records[name] != nil { return name }
        return nil
    }

    private func signature(of function: FunctionDecl) -> Signature {
        let result = function.returnType.isTuple ? nil : record(of: function.returnType.elements[0].type)
        return Signature(
            parameters: function.parameters.map { ($0.name.name, record(of: $0.type), $0.type.element == .float || record(of: $0.type) != nil) },
            result: result)
    }

    /// A derivative takes the arguments of the function it derives first, then what its kind
    /// adds, named as the checker names them (see `Checker.derived`): `jvp` and `hvp` a tangent
    /// of each argument differentiated (`sTangent` of a record `s`), `vjp` an output gradient
    /// (`outputGradient` of a record result). A `jvp` or `vjp` of a function returning a record
    /// returns that record's fields as `value.position`, and `jvp` their tangents as
    /// `tangent.position`; other results are never records.
    private func signature(of derivative: DerivativeDecl, in callables: [String: Signature]) -> Signature {
        guard let callee = callables[derivative.function.name] else { return Signature(parameters: [], result: nil) }
        let wrt = Set(derivative.withRespectTo.map(\.name))
        let differentiated = callee.parameters.filter { wrt.isEmpty ? $0.isFloat : wrt.contains($0.name) }
        var signature = Signature(parameters: callee.parameters, result: nil)
        switch derivative.kind {
        case .jvp, .hvp:
            signature.parameters += differentiated.map { ($0.name + "Tangent", $0.record, true) }
        case .vjp:
            signature.parameters += [("outputGradient", callee.result, true)]
        case .grad, .valueAndGrad, .jacobian, .hessian:
            break
        }
        if let record = callee.result, derivative.kind.takesSeveralResults {
            signature.resultRecords["value"] = record
            if derivative.kind == .jvp { signature.resultRecords["tangent"] = record }
        }
        return signature
    }

    /// `wrt: s` for a record argument `s` is every field of `s`.
    private func flatten(_ derivative: DerivativeDecl, in callables: [String: Signature]) -> DerivativeDecl {
        guard let parameters = callables[derivative.function.name]?.parameters else { return derivative }
        var flat = derivative
        flat.withRespectTo = derivative.withRespectTo.flatMap { name -> [Identifier] in
            guard let record = parameters.first(where: { $0.name == name.name })?.record, let decl = records[record] else { return [name] }
            return decl.fields.map { Identifier("\(name.name).\($0.name.name)", range: name.range) }
        }
        return flat
    }

    private mutating func flatten(_ model: ModelDecl) -> ModelDecl {
        modelFunctions = [:]
        for member in model.members {
            switch member {
            case .function(let function): modelFunctions[function.name.name] = signature(of: function)
            case .derivative(let derivative): modelFunctions[derivative.name.name] = signature(of: derivative, in: modelFunctions)
            case .parameter, .layer, .constant: continue
            }
        }
        for (name, signature) in modelFunctions { note(signature, key: "\(model.name.name).\(name)") }
        var flat = model
        flat.members = model.members.map { member in
            switch member {
            case .function(let function): return .function(flatten(function))
            case .derivative(let derivative): return .derivative(flatten(derivative, in: modelFunctions))
            case .parameter(var parameter):
                if let record = record(of: parameter.type) {
                    error("a model's parameter is Float or a Float tensor, not a record ('\(record)'); declare one parameter per field",
                          at: parameter.type.range)
                    parameter.type = TypeExpr(element: .float, dimensions: [], range: parameter.type.range)
                }
                return .parameter(parameter)
            case .layer, .constant: return member
            }
        }
        modelFunctions = [:]
        return flat
    }

    private mutating func flatten(_ function: FunctionDecl) -> FunctionDecl {
        var flat = function
        var scope: Scope = [:]
        flat.parameters = function.parameters.flatMap { parameter -> [FunctionParameter] in
            guard let record = record(of: parameter.type), let decl = records[record] else { return [parameter] }
            scope[parameter.name.name] = record
            return decl.fields.map { FunctionParameter(name: Identifier("\(parameter.name.name).\($0.name.name)", range: parameter.name.range), type: $0.type) }
        }
        let returned = function.returnType
        var resultRecord: String?
        if !returned.isTuple, let record = record(of: returned.elements[0].type), let decl = records[record] {
            resultRecord = record
            flat.returnType = decl.fields.count == 1
                ? ReturnType(decl.fields[0].type)
                : ReturnType(tuple: decl.fields.map { ReturnType.Element(label: Identifier($0.name.name, range: returned.range), type: $0.type) },
                             range: returned.range)
        }
        for (index, element) in returned.elements.enumerated() where returned.isTuple {
            guard let record = record(of: element.type) else { continue }
            error("a tuple's values are Float or tensors, not records ('\(record)'); return the record alone, or its fields",
                  at: element.type.range)
            flat.returnType.elements[index].type = TypeExpr(element: .float, dimensions: [], range: element.type.range)
        }
        var statements = flatten(function.body.statements, &scope)
        var prelude: [Statement] = []
        let result = function.body.result
        if let resultRecord {
            flat.body.result = recordResult(result, of: resultRecord, scope, &prelude)
        } else {
            flat.body.result = value(result, scope, &prelude)
        }
        statements += prelude
        flat.body.statements = statements
        return flat
    }

    /// A function's result when it returns `record`: its fields as a labeled tuple, or the call
    /// that returns them.
    private mutating func recordResult(_ result: Expr, of record: String, _ scope: Scope, _ prelude: inout [Statement]) -> Expr {
        let fields = records[record]!.fields
        guard let found = recordOf(result, scope), found == record else {
            if !result.isMissing {
                error("'\(ASTPrinter.expression(result))' is not a '\(record)', which this function returns; build one, as in '\(example(of: record))'",
                      at: result.range)
            }
            if fields.count == 1 { return missing(at: result.range) }
            return make(.tuple(fields.map { _ in Argument(label: nil, value: missing(at: result.range)) }), result.range)
        }
        if let call = recordCall(result, scope, &prelude) { return call }
        let parts = self.parts(of: result, record, scope, &prelude)
        if parts.count == 1 { return parts[0] }
        return make(.tuple(zip(fields, parts).map { Argument(label: Identifier($0.name.name, range: $1.range), value: $1) }), result.range)
    }

    // MARK: - Statements

    private mutating func flatten(_ statements: [Statement], _ scope: inout Scope) -> [Statement] {
        var flat: [Statement] = []
        for statement in statements {
            var prelude: [Statement] = []
            let rewritten = flatten(statement, &scope, &prelude)
            flat += prelude + [rewritten]
        }
        return flat
    }

    private mutating func flatten(_ statement: Statement, _ scope: inout Scope, _ prelude: inout [Statement]) -> Statement {
        switch statement {
        case .binding(var binding):
            if let record = recordOf(binding.value, scope) {
                scope[binding.name.name] = record
                let names = fieldNames(of: binding.name, record)
                return .destructuring(Destructuring(
                    names: names, value: recordValue(binding.value, record, scope, &prelude),
                    kind: binding.isVariable ? .variables : .constants, range: binding.range, fieldsOf: fields(of: record)))
            }
            scope[binding.name.name] = nil
            binding.value = value(binding.value, scope, &prelude)
            return .binding(binding)
        case .assignment(var assignment):
            let name = assignment.name.name
            if let record = scope[name] {
                guard let found = recordOf(assignment.value, scope), found == record else {
                    error("'\(name)' is a '\(record)'; assign it a '\(record)', as in '\(name) = \(example(of: record))'", at: assignment.value.range)
                    return discarding(assignment.value, scope, &prelude, at: assignment.range)
                }
                return .destructuring(Destructuring(
                    names: fieldNames(of: assignment.name, record), value: recordValue(assignment.value, record, scope, &prelude),
                    kind: .assignment, range: assignment.range, fieldsOf: fields(of: record)))
            }
            if let dot = name.firstIndex(of: ".") {
                let (base, field) = (String(name[..<dot]), String(name[name.index(after: dot)...]))
                if let record = scope[base] {
                    if !records[record]!.fields.contains(where: { $0.name.name == field }) {
                        reportUnknownField(field, of: record, at: assignment.name.range)
                        return discarding(assignment.value, scope, &prelude, at: assignment.range)
                    }
                } else {
                    error("'\(base)' is not a record, so it has no field '\(field)' to assign", at: assignment.name.range)
                    return discarding(assignment.value, scope, &prelude, at: assignment.range)
                }
            }
            assignment.value = value(assignment.value, scope, &prelude)
            return .assignment(assignment)
        case .loop(var loop):
            var inner = scope
            loop.body = flatten(loop.body, &inner)
            return .loop(loop)
        case .whileLoop(var loop):
            var conditionPrelude: [Statement] = []
            loop.condition = value(loop.condition, scope, &conditionPrelude)
            if !conditionPrelude.isEmpty {
                error("a 'while' loop's condition can't take a field of a record a call returns; bind the record to a name in the loop", at: loop.condition.range)
            }
            var inner = scope
            loop.body = flatten(loop.body, &inner)
            return .whileLoop(loop)
        case .branch(var branch):
            branch.condition = value(branch.condition, scope, &prelude)
            var thenScope = scope
            var elseScope = scope
            branch.thenBody = flatten(branch.thenBody, &thenScope)
            branch.elseBody = flatten(branch.elseBody, &elseScope)
            return .branch(branch)
        case .destructuring(var destructuring):
            if case .tuple(let elements) = destructuring.value.kind {
                destructuring.value.kind = .tuple(elements.map { Argument(label: $0.label, value: value($0.value, scope, &prelude)) })
            } else {
                destructuring.value = value(destructuring.value, scope, &prelude)
            }
            for name in destructuring.names where destructuring.kind != .assignment { scope[name.name] = nil }
            return .destructuring(destructuring)
        }
    }

    /// A statement that only checks `value`: what is left of an assignment already reported.
    private mutating func discarding(_ value: Expr, _ scope: Scope, _ prelude: inout [Statement], at range: SourceRange) -> Statement {
        let checked = recordOf(value, scope) == nil ? self.value(value, scope, &prelude) : missing(at: value.range)
        return .destructuring(Destructuring(
            names: [Identifier("_", range: range)], value: make(.tuple([Argument(label: nil, value: checked)]), range), kind: .assignment,
            range: range))
    }

    private func fieldNames(of name: Identifier, _ record: String) -> [Identifier] {
        records[record]!.fields.map { Identifier("\(name.name).\($0.name.name)", range: name.range) }
    }

    private func fields(of record: String) -> Destructuring.RecordFields {
        Destructuring.RecordFields(record: record, types: records[record]!.fields.map(\.type))
    }

    /// `State(x: …, v: …)` with the record's fields, for messages.
    private func example(of record: String) -> String {
        "\(record)(" + records[record]!.fields.map { "\($0.name.name): …" }.joined(separator: ", ") + ")"
    }

    // MARK: - Expressions

    /// The record `expression` is, when it is one: a record local or argument, a record being
    /// built, or a call of a function that returns one.
    private func recordOf(_ expression: Expr, _ scope: Scope) -> String? {
        switch expression.kind {
        case .identifier(let name):
            return scope[name]
        case .call(let callee, _):
            guard case .identifier(let name) = callee.kind else { return nil }
            if records[name] != nil { return name }
            return self.callee(named: name)?.result
        case .number, .member, .negate, .not, .binary, .index, .tuple:
            return nil
        }
    }

    private func callee(named name: String) -> Signature? {
        modelFunctions[name] ?? functions[name]
    }

    /// A record's value as a destructuring statement takes it: the call that returns it, or the
    /// tuple of its fields' values.
    private mutating func recordValue(_ expression: Expr, _ record: String, _ scope: Scope, _ prelude: inout [Statement]) -> Expr {
        if let call = recordCall(expression, scope, &prelude) { return call }
        return make(.tuple(parts(of: expression, record, scope, &prelude).map { Argument(label: nil, value: $0) }), expression.range)
    }

    /// `f(…)` for a function `f` that returns a record, with its arguments flattened.
    private mutating func recordCall(_ expression: Expr, _ scope: Scope, _ prelude: inout [Statement]) -> Expr? {
        guard case .call(let callee, let arguments) = expression.kind, case .identifier(let name) = callee.kind,
              records[name] == nil, let signature = self.callee(named: name), signature.result != nil else { return nil }
        return make(.call(callee, flatten(arguments, of: name, signature, scope, &prelude)), expression.range)
    }

    /// The values of the fields of `expression`, a `record`: names for a local, the values
    /// given to the initializer, or names bound first (in `prelude`) for a call's result.
    private mutating func parts(
        of expression: Expr, _ record: String, _ scope: Scope, _ prelude: inout [Statement], only wanted: Int? = nil
    ) -> [Expr] {
        let fields = records[record]!.fields
        switch expression.kind {
        case .identifier(let name):
            return fields.map { make(.identifier("\(name).\($0.name.name)"), expression.range) }
        case .call(let callee, let arguments) where callee.kind == .identifier(record):
            let labels = arguments.map { $0.label?.name }
            guard labels == fields.map({ Optional($0.name.name) }) else {
                error("'\(record)(…)' takes each field, labeled, in order: \(example(of: record))", at: expression.range)
                return fields.map { _ in missing(at: expression.range) }
            }
            return arguments.map { value($0.value, scope, &prelude) }
        case .call:
            // A function's record result, bound to names first.
            temporaries += 1
            let base = "\(record.prefix(1).lowercased())\(record.dropFirst())#\(temporaries)"
            // Only the fields used are bound, so none is reported as unused.
            let names = fields.indices.map { index in
                Identifier(wanted.map { $0 == index } ?? true ? "\(base).\(fields[index].name.name)" : "_", range: expression.range)
            }
            let call = recordCall(expression, scope, &prelude) ?? missing(at: expression.range)
            prelude.append(.destructuring(Destructuring(names: names, value: call, kind: .constants, range: expression.range)))
            return names.map { make(.identifier($0.name), expression.range) }
        case .number, .member, .negate, .not, .binary, .index, .tuple:
            return fields.map { _ in missing(at: expression.range) }
        }
    }

    /// `expression` where one value is wanted: a record's field becomes its name, and a record
    /// passed to a function becomes its fields.
    private mutating func value(_ expression: Expr, _ scope: Scope, _ prelude: inout [Statement]) -> Expr {
        var rewritten = expression
        switch expression.kind {
        case .number:
            return expression
        case .identifier(let name):
            if let record = scope[name] {
                let field = records[record]!.fields.first?.name.name ?? "x"
                error("'\(name)' is a record ('\(record)'), not one value; use one of its fields, such as '\(name).\(field)'", at: expression.range)
                return missing(at: expression.range)
            }
            return expression
        case .member(let base, let member):
            guard let record = recordOf(base, scope) else {
                let flatBase = value(base, scope, &prelude)
                // A member of something already reported is reported with it.
                if flatBase.isMissing, !base.isMissing { return missing(at: expression.range) }
                rewritten.kind = .member(flatBase, member)
                return rewritten
            }
            guard let index = records[record]!.fields.firstIndex(where: { $0.name.name == member.name }) else {
                reportUnknownField(member.name, of: record, at: member.range)
                return missing(at: expression.range)
            }
            var part = parts(of: base, record, scope, &prelude, only: index)[index]
            part.range = expression.range
            return part
        case .call(let callee, let arguments):
            guard case .identifier(let name) = callee.kind else { return expression }
            if records[name] != nil {
                error("'\(name)(…)' builds a record; bind it to a name, as in 'let s = \(name)(…)', and use its fields", at: expression.range)
                return missing(at: expression.range)
            }
            if let signature = self.callee(named: name) {
                if let record = signature.result {
                    error("'\(name)' returns a record ('\(record)'); bind it to a name, as in 'let s = \(name)(…)', and use its fields",
                          at: expression.range)
                    return missing(at: expression.range)
                }
                rewritten.kind = .call(callee, flatten(arguments, of: name, signature, scope, &prelude))
            } else {
                rewritten.kind = .call(callee, arguments.map { Argument(label: $0.label, value: value($0.value, scope, &prelude)) })
            }
        case .negate(let operand):
            rewritten.kind = .negate(value(operand, scope, &prelude))
        case .not(let operand):
            rewritten.kind = .not(value(operand, scope, &prelude))
        case .binary(let op, let left, let right):
            rewritten.kind = .binary(op, value(left, scope, &prelude), value(right, scope, &prelude))
        case .index(let base, let indices):
            rewritten.kind = .index(value(base, scope, &prelude), indices)
        case .tuple(let elements):
            rewritten.kind = .tuple(elements.map { Argument(label: $0.label, value: value($0.value, scope, &prelude)) })
        }
        return rewritten
    }

    /// A call's arguments with each record argument passed as its fields, labeled `s.x:` when
    /// the record was labeled `s:`.
    private mutating func flatten(
        _ arguments: [Argument], of callee: String, _ signature: Signature, _ scope: Scope, _ prelude: inout [Statement]
    ) -> [Argument] {
        var filled = Set<Int>()
        return arguments.flatMap { argument -> [Argument] in
            let slot = argument.label.map { label in signature.parameters.firstIndex { $0.name == label.name } }
                ?? signature.parameters.indices.first { !filled.contains($0) }
            guard let slot else { return [Argument(label: argument.label, value: value(argument.value, scope, &prelude))] }
            filled.insert(slot)
            let parameter = signature.parameters[slot]
            let found = recordOf(argument.value, scope)
            guard let record = parameter.record else {
                if let found {
                    error("argument '\(parameter.name)' of '\(callee)' is one value, not a record ('\(found)'); pass one of its fields",
                          at: argument.value.range)
                    return [Argument(label: argument.label, value: missing(at: argument.value.range))]
                }
                return [Argument(label: argument.label, value: value(argument.value, scope, &prelude))]
            }
            let fields = records[record]!.fields
            let values: [Expr]
            if found == record {
                values = parts(of: argument.value, record, scope, &prelude)
            } else {
                if !argument.value.isMissing {
                    error("argument '\(parameter.name)' of '\(callee)' is a '\(record)'; pass one, such as '\(example(of: record))'",
                          at: argument.value.range)
                }
                values = fields.map { _ in missing(at: argument.value.range) }
            }
            return zip(fields, values).map { field, value in
                Argument(label: argument.label.map { Identifier("\($0.name).\(field.name.name)", range: $0.range) }, value: value)
            }
        }
    }

    private mutating func reportUnknownField(_ field: String, of record: String, at range: SourceRange) {
        // A field whose declaration was reported is not reported again where it is used.
        guard !rejectedFields.contains("\(record).\(field)") else { return }
        let names = records[record]!.fields.map(\.name.name)
        let hint = closestName(to: field, among: names).map { "; did you mean '\($0)'?" }
            ?? "; its fields are " + names.map { "'\($0)'" }.joined(separator: ", ")
        error("'\(record)' has no field '\(field)'\(hint)", at: range)
    }

    private mutating func make(_ kind: ExprKind, _ range: SourceRange) -> Expr {
        nextID += 1
        return Expr(id: nextID, kind: kind, range: range)
    }

    /// An expression already reported: the checker gives it no type and says nothing more.
    private mutating func missing(at range: SourceRange) -> Expr {
        make(.identifier(""), range)
    }
}
