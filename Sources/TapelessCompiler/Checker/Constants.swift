import Foundation

/// Named constants: `let dt: Float = 0.1`, at the top level or in a model. A constant's value
/// is computed when the file compiles, from numbers, earlier constants, arithmetic and a few
/// elementwise functions, so a function reading it reads a number.
extension Checker {
    /// The functions a constant's value can call, with their arity.
    static let constantFunctions: [String: (arity: Int, apply: @Sendable ([Double]) -> Double)] = [
        "sqrt": (1, { Foundation.sqrt($0[0]) }), "exp": (1, { Foundation.exp($0[0]) }), "log": (1, { Foundation.log($0[0]) }),
        "sin": (1, { Foundation.sin($0[0]) }), "cos": (1, { Foundation.cos($0[0]) }), "tanh": (1, { Foundation.tanh($0[0]) }),
        "abs": (1, { Swift.abs($0[0]) }), "pow": (2, { Foundation.pow($0[0], $0[1]) }),
    ]

    /// The value of `constant` given the constants it can see, or `nil` after reporting why
    /// it has none.
    func checkConstant(_ constant: ConstantDecl, visible: [String: Double], model: ModelContext? = nil) -> Double? {
        if let type = constant.type, type.element != .float || !type.dimensions.isEmpty {
            error("a constant is a Float number; write 'let \(constant.name.name): Float = …' (tensor and Int constants are not supported)",
                  at: type.range)
            return nil
        }
        guard let value = constantValue(constant.value, visible: visible, model: model) else { return nil }
        guard value.isFinite else {
            error("'\(constant.name.name)' would be \(value); a constant must be a finite number", at: constant.value.range)
            return nil
        }
        return value
    }

    private func constantValue(_ expr: Expr, visible: [String: Double], model: ModelContext?) -> Double? {
        let why = "a constant is computed from numbers, earlier constants, + - * / and \(Self.constantFunctions.keys.sorted().joined(separator: ", ")) when the file compiles"
        switch expr.kind {
        case .number(let value):
            return value
        case .identifier(let name):
            if let value = visible[name] { return value }
            if expr.isMissing || model?.invalidMembers.contains(name) == true || invalidConstants.contains(name) { return nil }
            if model?.parameter(named: name) != nil {
                error("'\(name)' is a parameter; a constant can't depend on parameters, which change as the model trains", at: expr.range)
                return nil
            }
            if let later = laterConstant(named: name, after: expr.range.start) {
                error("'\(name)' is declared after this constant, at \(later.start); a constant can only use those declared before it", at: expr.range)
                return nil
            }
            reportMisspelling("'\(name)' is not a constant declared before this one; \(why)", name: name, at: expr.range,
                              among: visible.keys.sorted())
            return nil
        case .negate(let operand):
            return constantValue(operand, visible: visible, model: model).map { -$0 }
        case .not:
            error("'!' has no place in a constant; \(why)", at: expr.range)
            return nil
        case .tuple:
            error("a constant is one number, not a tuple; \(why)", at: expr.range)
            return nil
        case .binary(let op, let left, let right):
            let (a, b) = (constantValue(left, visible: visible, model: model), constantValue(right, visible: visible, model: model))
            guard let a, let b else { return nil }
            switch op {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide: return a / b
            case .matrixMultiply, .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual, .and, .or:
                error("'\(op.rawValue)' has no place in a constant; \(why)", at: expr.range)
                return nil
            }
        case .call(let callee, let arguments):
            if case .identifier(let name) = callee.kind, Self.constantFunctions[name] == nil,
               topLevelDeclarations[name] != nil || model?.declarations[name] != nil {
                error("'\(name)' can't be called in a constant, whose value is computed when the file compiles; "
                      + "for a derivative of a function, write 'let d\(name) = grad(\(name))'", at: callee.range)
                return nil
            }
            guard case .identifier(let name) = callee.kind, let function = Self.constantFunctions[name],
                  arguments.count == function.arity, arguments.allSatisfy({ $0.label == nil })
            else {
                error("this call has no value when the file compiles; \(why), as in 'sqrt(2)' or 'pow(10, -3)'", at: expr.range)
                return nil
            }
            let values = arguments.compactMap { constantValue($0.value, visible: visible, model: model) }
            return values.count == arguments.count ? function.apply(values) : nil
        case .member, .index:
            error("\(why)", at: expr.range)
            return nil
        }
    }

    /// Where a constant named `name` is declared after `location`, at the top level or in a model.
    private func laterConstant(named name: String, after location: SourceLocation) -> SourceRange? {
        var ranges: [SourceRange] = []
        for declaration in file.declarations {
            switch declaration {
            case .constant(let constant) where constant.name.name == name: ranges.append(constant.name.range)
            case .model(let model):
                for case .constant(let constant) in model.members where constant.name.name == name { ranges.append(constant.name.range) }
            case .constant, .function, .derivative, .record: continue
            }
        }
        return ranges.first { $0.start > location }
    }
}
