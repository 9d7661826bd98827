/// Custom derivative rules: `@vjp(of: f, wrt: x)` and `@jvp(of: f)` before a top-level
/// function. A reverse rule takes `f`'s arguments and the gradient of `f`'s result (its type)
/// and returns the gradient of `x` (`x`'s type); a forward rule takes `f`'s arguments and a
/// tangent of each Float argument (their types, in order) and returns the tangent of the
/// result. A function with reverse rules needs one for every Float argument, so that no
/// gradient falls back to the derived one unnoticed.
extension Checker {
    /// Checks every rule against the function it names, once each function is declared.
    func checkRules() {
        var reverse: [String: [String: SourceRange]] = [:]
        var forward: [String: SourceRange] = [:]
        for signature in functionsInOrder {
            guard let rule = signature.decl.rule else { continue }
            guard let target = functions[rule.function.name], target.decl.rule == nil else {
                let known = functions[rule.function.name] != nil
                error(known
                      ? "'\(rule.function.name)' is itself a derivative rule; a rule is written for the function it differentiates"
                      : "no top-level function '\(rule.function.name)' to be a rule of; rules are written for top-level functions",
                      at: rule.function.range)
                continue
            }
            guard let rule = checkedRule(signature, rule, of: target) else { continue }
            if let wrt = rule.withRespectTo?.name {
                if let earlier = reverse[target.name, default: [:]][wrt] {
                    error("'\(target.name)' already has a reverse rule for '\(wrt)' at \(earlier.start); keep one of them", at: rule.range)
                }
                reverse[target.name, default: [:]][wrt] = rule.range
            } else {
                if let earlier = forward[target.name] {
                    error("'\(target.name)' already has a forward rule at \(earlier.start); keep one of them", at: rule.range)
                }
                forward[target.name] = rule.range
            }
        }
        for (name, rules) in reverse {
            guard let target = functions[name], let first = rules.values.min(by: { $0.start < $1.start }) else { continue }
            let missing = target.parameters.filter { $0.type?.element == .float && rules[$0.name] == nil }.map(\.name)
            guard let argument = missing.first else { continue }
            error("'\(name)' has a reverse rule for \(rules.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")) but none for '\(argument)'; "
                  + "add '@vjp(of: \(name), wrt: \(argument))' before a function that computes its gradient", at: first)
        }
    }

    /// Reports a rule that calls the function it is a rule of: differentiating the call would
    /// use the rule inside itself.
    func checkRuleCalls() {
        for signature in functionsInOrder {
            guard let rule = signature.decl.rule, functions[rule.function.name] != nil,
                  let path = callGraph.path(from: signature.key, to: rule.function.name)
            else { continue }
            error("the rule '\(signature.name)' calls '\(rule.function.name)' (through \(path.joined(separator: " → "))), the function it is a rule of; "
                  + "compute the derivative without calling it", at: signature.decl.name.range)
        }
    }

    /// The rule, when its attribute and signature agree with `target`'s; reports each mismatch.
    private func checkedRule(_ signature: FunctionSignature, _ rule: RuleAttribute, of target: FunctionSignature) -> RuleAttribute? {
        for function in [target, signature] where function.decl.returnType.isTuple {
            error("a derivative rule and the function it is a rule of return one value each; '\(function.name)' returns a tuple \(function.resultList)",
                  at: function.decl.returnType.range)
            return nil
        }
        let arguments = target.parameters
        let floats = arguments.filter { $0.type?.element == .float }
        var expected: [(name: String?, type: ValueType?)] = arguments.map { ($0.name, $0.type) }
        let returnType: ValueType?
        switch rule.kind {
        case .vjp:
            guard let wrt = rule.withRespectTo else {
                error("a reverse rule names the argument whose gradient it gives, as in '@vjp(of: \(target.name), wrt: x)'", at: rule.range)
                return nil
            }
            guard let argument = arguments.first(where: { $0.name == wrt.name }) else {
                error("'\(target.name)' has no argument '\(wrt.name)'; its arguments are \(arguments.map { "'\($0.name)'" }.joined(separator: ", "))", at: wrt.range)
                return nil
            }
            guard argument.type?.element == .float else {
                error("'\(wrt.name)' is not a Float argument, so it has no gradient and needs no rule", at: wrt.range)
                return nil
            }
            expected.append((nil, target.returnType))
            returnType = argument.type
        case .jvp:
            expected += floats.map { (nil, $0.type) }
            returnType = target.returnType
        }
        let what = rule.kind == .vjp ? "the gradient of its result" : "a tangent of each Float argument"
        let parameters = signature.parameters
        let name = signature.name
        guard parameters.count == expected.count else {
            error("'\(name)' takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s"), but a \(rule.kind == .vjp ? "reverse" : "forward") rule of '\(target.name)' "
                  + "takes its \(arguments.count) argument\(arguments.count == 1 ? "" : "s") and \(what): \(expected.count) in all", at: signature.decl.name.range)
            return nil
        }
        var agrees = true
        for (index, (parameter, wanted)) in zip(signature.decl.parameters, expected).enumerated() {
            guard let type = parameters[index].type, let wanted = wanted.type else { continue }
            if let wantedName = expected[index].name, parameter.name.name != wantedName {
                error("argument \(index + 1) of '\(name)' must be '\(wantedName)', as in '\(target.name)', not '\(parameter.name.name)'", at: parameter.name.range)
                agrees = false
            } else if type != wanted {
                error("'\(parameter.name.name)' must have type \(wanted) to match '\(target.name)', not \(type)", at: parameter.type.range)
                agrees = false
            }
        }
        if let declared = signature.returnType, let returnType, declared != returnType {
            error("'\(name)' must return \(returnType), the type of \(rule.kind == .vjp ? "'\(rule.withRespectTo!.name)'" : "the result of '\(target.name)'"), not \(declared)",
                  at: signature.decl.returnType.range)
            agrees = false
        }
        return agrees ? rule : nil
    }
}
