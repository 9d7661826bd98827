/// A subscript position computed from loop indices, such as `i`, `i + 1` or `7 - i`: an
/// integer offset plus a multiple of each index. Its bounds over the loops' ranges are known
/// when the file compiles, so an index out of range is an error at build time.
public struct LoopPosition: Sendable, Equatable {
    /// The multiple of each loop index, by the index's name.
    public var coefficients: [String: Int]
    /// The constant part.
    public var offset: Int

    /// The position when each loop index has the given value.
    public func value(at indices: [String: Int]) -> Int {
        coefficients.reduce(offset) { $0 + $1.value * (indices[$1.key] ?? 0) }
    }

    /// The smallest and the largest position over the loops' ranges (each index from 0 to its
    /// count minus 1).
    func bounds(counts: [String: Int]) -> ClosedRange<Int> {
        var (low, high) = (offset, offset)
        for (name, coefficient) in coefficients {
            let last = coefficient * ((counts[name] ?? 1) - 1)
            low += min(0, last)
            high += max(0, last)
        }
        return low...high
    }

    static func constant(_ value: Int) -> LoopPosition { LoopPosition(coefficients: [:], offset: value) }

    static func + (left: LoopPosition, right: LoopPosition) -> LoopPosition {
        LoopPosition(coefficients: left.coefficients.merging(right.coefficients, uniquingKeysWith: +), offset: left.offset + right.offset)
    }

    func scaled(by factor: Int) -> LoopPosition {
        LoopPosition(coefficients: coefficients.mapValues { $0 * factor }, offset: offset * factor)
    }
}

extension Checker {
    /// The position `expr` computes from the loop indices in scope, or `nil` after reporting
    /// what it may not contain.
    func loopPosition(_ expr: Expr, of base: Expr, in context: BodyContext) -> LoopPosition? {
        switch expr.kind {
        case .number(let value):
            guard let integer = Int(exactly: value) else {
                error("a subscript position must be a whole number, not \(IRPrinter.format(value))", at: expr.range)
                return nil
            }
            return .constant(integer)
        case .identifier(let name):
            guard context.loopCounts[name] != nil else {
                let instead = context.locals[name]?.type?.element == .int || context.signature.parameters.contains { $0.name == name && $0.type?.element == .int }
                    ? "; to pick rows by Int indices, write gather(\(ASTPrinter.expression(base)), \(name))" : ""
                error("a subscript position is built from loop indices and whole numbers, as in 'x[:, i + 1]'; '\(name)' is not a loop index\(instead)",
                      at: expr.range)
                return nil
            }
            return LoopPosition(coefficients: [name: 1], offset: 0)
        case .negate(let operand):
            return loopPosition(operand, of: base, in: context)?.scaled(by: -1)
        case .binary(.add, let left, let right), .binary(.subtract, let left, let right):
            guard let left = loopPosition(left, of: base, in: context),
                  let right = loopPosition(right, of: base, in: context) else { return nil }
            if case .binary(.subtract, _, _) = expr.kind { return left + right.scaled(by: -1) }
            return left + right
        case .binary(.multiply, let left, let right):
            guard let left = loopPosition(left, of: base, in: context),
                  let right = loopPosition(right, of: base, in: context) else { return nil }
            if left.coefficients.isEmpty { return right.scaled(by: left.offset) }
            if right.coefficients.isEmpty { return left.scaled(by: right.offset) }
            error("a subscript position can't multiply two loop indices", at: expr.range)
            return nil
        case .binary, .not, .member, .call, .index, .tuple:
            error("a subscript position is built from loop indices and whole numbers with '+', '-' and '*', as in 'x[:, 2 * i + 1]'",
                  at: expr.range)
            return nil
        }
    }
}
