/// Renders records: a Swift struct per record, and for each function that took or returned
/// records, an overload that does, calling the function generated on their fields.
///
/// The function itself takes each field as its own argument (`sPosition:`, `sVelocity:`), as
/// the rest of the compiler sees it; the overload is what people call.
struct RecordEmitter {
    let layout: RecordLayout
    /// `public ` or empty.
    let modifier: String

    /// `struct State: Sendable { var position: Tensor … }` for every record.
    func emitRecords(into printer: inout CodePrinter) {
        for record in layout.records {
            printer.line()
            let fields = record.fields.map { (name: SwiftNames.identifier($0.name.name), label: SwiftNames.label($0.name.name), type: Self.swiftType($0.type)) }
            printer.line("/// The record `\(SwiftNames.comment(record.name.name))` (line \(record.range.start.line)).")
            printer.block("\(modifier)struct \(SwiftNames.identifier(record.name.name)): Sendable {") { p in
                for field in fields { p.line("\(modifier)var \(field.name): \(field.type)") }
                p.line()
                p.line("/// Creates a value from its fields.")
                // A keyword is a label as it is, and a parameter only in backticks.
                let parameters = fields.map { "\($0.label == $0.name ? $0.label : "\($0.label) \($0.name)"): \($0.type)" }
                p.block("\(modifier)init(\(parameters.joined(separator: ", "))) {") { p in
                    for field in fields { p.line("self.\(field.name) = \(field.name)") }
                }
            }
        }
    }

    /// `Float` for a scalar field, `Tensor` for a tensor.
    private static func swiftType(_ type: TypeExpr) -> String {
        type.dimensions.isEmpty ? "Float" : "Tensor"
    }

    private func record(named name: String) -> RecordDecl? {
        layout.records.first { $0.name.name == name }
    }

    /// One part of an overload's result: a record gathered from several of the function's
    /// results (its fields), or one result as it is.
    private enum ResultPart {
        case record(label: String, record: RecordDecl, results: [Int])
        case value(label: String, result: Int)

        var label: String {
            switch self {
            case .record(let label, _, _), .value(let label, _): label
            }
        }
    }

    /// The overload of `function` (named `name`, of `signature`) that takes and returns
    /// records, after the function itself; nothing when it has no record to gather. A model's
    /// forms pass `trailing` parameters on as they are (`mode:`, `into:`), and `modifiers`
    /// go before `func` (`mutating `).
    func emitOverload(
        of name: String, _ function: IRFunction, _ signature: RecordLayout.Signature, line: Int,
        trailing: [(parameter: String, argument: String)] = [], modifiers: String = "", into printer: inout CodePrinter
    ) {
        var (parameters, _) = recordParameters(of: function, signature)
        var arguments = function.arguments.map { argument in
            let label = SwiftNames.argumentLabel(argument.name)
            guard let (base, field) = Self.field(argument.name), signature.arguments[base] != nil else {
                return "\(label): \(SwiftNames.property(argument.name))"
            }
            return "\(label): \(SwiftNames.identifier(base)).\(SwiftNames.identifier(field))"
        }
        parameters += trailing.map(\.parameter)
        arguments += trailing.map(\.argument)
        guard let parts = resultParts(of: function, signature) else { return }
        let returned = function.returnedResults
        let types = parts.map { part in
            switch part {
            case .record(_, let record, _): SwiftNames.identifier(record.name.name)
            case .value(_, let result): SwiftTypes.name(of: returned[result].value, in: function)
            }
        }
        let returnType = parts.count == 1 ? types[0] : "(" + zip(parts, types).map { "\(SwiftNames.label($0.label)): \($1)" }.joined(separator: ", ") + ")"
        func value(_ result: Int) -> String { returned.count == 1 ? "result" : "result.\(SwiftNames.property(returned[result].name))" }
        let values = parts.map { part in
            switch part {
            case .record(_, let record, let results):
                let fields = zip(record.fields, results).map { "\(SwiftNames.label($0.name.name)): \(value($1))" }
                return "\(SwiftNames.identifier(record.name.name))(\(fields.joined(separator: ", ")))"
            case .value(_, let result):
                return value(result)
            }
        }
        printer.line()
        printer.line("/// `\(SwiftNames.comment(name))` (line \(line)) on records: calls the function above with their fields.")
        let call = "\(SwiftNames.identifier(name))(\(arguments.joined(separator: ", ")))"
        printer.block("\(modifier)\(modifiers)func \(SwiftNames.identifier(name))(\(parameters.joined(separator: ", "))) -> \(returnType) {") { p in
            guard values != ["result"] else {
                p.line("return \(call)")
                return
            }
            // Typed, to pick the function on fields when the two differ only in their result.
            p.line("let result: \(SwiftTypes.results(of: function).type) = \(call)")
            p.line("return " + (parts.count == 1 ? values[0] : "(" + zip(parts, values).map { "\(SwiftNames.label($0.label)): \($1)" }.joined(separator: ", ") + ")"))
        }
    }

    /// The parameters of `function`'s overload on records (`s: State` for the fields of `s`),
    /// and the arguments that pass each of them on as it is (`s: s`).
    func recordParameters(of function: IRFunction, _ signature: RecordLayout.Signature) -> (declared: [String], passed: [String]) {
        var declared: [String] = [], passed: [String] = [], gathered: Set<String> = []
        for argument in function.arguments {
            let label = SwiftNames.argumentLabel(argument.name)
            if let (base, _) = Self.field(argument.name), let record = signature.arguments[base] {
                guard gathered.insert(base).inserted else { continue }
                declared.append("\(SwiftNames.label(base)): \(SwiftNames.identifier(record))")
                passed.append("\(SwiftNames.label(base)): \(SwiftNames.identifier(base))")
            } else {
                declared.append("\(label): \(SwiftTypes.name(of: argument.type))")
                passed.append("\(label): \(SwiftNames.property(argument.name))")
            }
        }
        return (declared, passed)
    }

    /// The parts of the overload's result: the record the function returns; or each result,
    /// a record argument's gradient (`s.position`, `s.velocity`) or a derivative's record
    /// (`value.position`, `tangent.position`) gathered into that record.
    /// `nil` when the results don't cover a record's fields in order.
    private func resultParts(of function: IRFunction, _ signature: RecordLayout.Signature) -> [ResultPart]? {
        let returned = function.returnedResults
        if let name = signature.result, let record = record(named: name) {
            guard returned.count == record.fields.count else { return nil }
            return [.record(label: "value", record: record, results: Array(returned.indices))]
        }
        var parts: [ResultPart] = []
        for (index, result) in returned.enumerated() {
            guard let (base, _) = Self.field(result.name), let name = signature.arguments[base] ?? signature.resultRecords[base],
                  let record = record(named: name) else {
                parts.append(.value(label: result.name, result: index))
                continue
            }
            if case .record(let label, let record, let results) = parts.last, label == base {
                parts[parts.count - 1] = .record(label: label, record: record, results: results + [index])
            } else {
                parts.append(.record(label: base, record: record, results: [index]))
            }
        }
        for case .record(let label, let record, let results) in parts {
            let names = results.map { returned[$0].name }
            guard names == record.fields.map({ "\(label).\($0.name.name)" }) else { return nil }
        }
        return parts
    }

    /// What comes before `func` of the function on fields for `signature`: when it takes no
    /// record, only its result tells it from the overload, which a call without a type then prefers.
    static func attributes(of signature: RecordLayout.Signature?) -> String {
        signature?.arguments.isEmpty == true ? "@_disfavoredOverload " : ""
    }

    /// `("s", "position")` for a record's field `s.position`.
    private static func field(_ name: String) -> (base: String, field: String)? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }
}
