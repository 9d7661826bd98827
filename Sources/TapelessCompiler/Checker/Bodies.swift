/// What a function body can see while it is checked.
struct BodyContext {
    /// A `let` binding.
    struct Local {
        var type: ValueType?
        var range: SourceRange
        var isUsed = false
    }

    /// The enclosing model, for methods.
    var model: ModelContext?
    var signature: FunctionSignature
    var locals: [String: Local] = [:]
}

extension Checker {
    /// Checks a function's `let` bindings and result against its declared return type.
    func checkBody(of signature: FunctionSignature, model: ModelContext?) {
        var context = BodyContext(model: model, signature: signature)
        var declared: [String: SourceRange] = [:]
        for parameter in signature.decl.parameters { declared[parameter.name.name] = parameter.name.range }
        var order: [String] = []
        for binding in signature.decl.body.bindings {
            let type = checkExpression(binding.value, in: &context)
            guard !binding.name.name.isEmpty, declare(binding.name, in: &declared) else { continue }
            context.locals[binding.name.name] = BodyContext.Local(type: type, range: binding.name.range)
            order.append(binding.name.name)
        }
        let result = signature.decl.body.result
        if let bodyType = checkExpression(result, in: &context), let returnType = signature.returnType,
           bodyType != returnType {
            error("'\(signature.name)' is declared to return \(returnType) but its body has type \(bodyType)",
                  at: result.range)
        }
        for name in order where context.locals[name]?.isUsed == false {
            warning("'\(name)' is never used; remove the binding or use it", at: context.locals[name]!.range)
        }
    }
}
