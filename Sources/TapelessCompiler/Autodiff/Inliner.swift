/// Copies a lowered function's instructions into another body: a call, inlined.
///
/// The callee's arguments become the caller's operands, its size variables become the
/// caller's dimensions, and its values are renumbered. Because every call is inlined, the
/// differentiator and the emitter always see one straight-line function.
enum Inliner {
    /// Appends `callee`'s body to `builder` with `arguments` in place of its arguments, and
    /// returns the values of its results, in order.
    static func inline(_ callee: IRFunction, arguments: [IRValue], into builder: inout IRBuilder) -> [IRValue] {
        let values = copy(callee, arguments: arguments, into: &builder)
        return callee.results.map { values[$0.value]! }
    }

    /// Appends `callee`'s body as ``inline(_:arguments:into:)`` does, and returns the value
    /// that stands for each of its values.
    static func copy(_ callee: IRFunction, arguments: [IRValue], into builder: inout IRBuilder) -> [IRValue: IRValue] {
        var sizes: [String: IRDimension] = [:]
        for (declared, actual) in zip(callee.arguments, arguments) {
            for (dimension, bound) in zip(declared.type.shape, builder.type(of: actual).shape) {
                if case .size(let name) = dimension { sizes[name] = bound }
            }
        }
        var values: [IRValue: IRValue] = [:]
        let outerOrigin = builder.origin
        for instruction in callee.instructions {
            if case .argument(let index) = instruction.op {
                values[instruction.result] = arguments[index]
                continue
            }
            var type = instruction.type
            type.shape = type.shape.map { dimension in
                if case .size(let name) = dimension, let bound = sizes[name] { return bound }
                return dimension
            }
            var op = instruction.op
            if case .count(let dimensions) = op {
                op = .count(dimensions.map { dimension in
                    if case .size(let name) = dimension, let bound = sizes[name] { return bound }
                    return dimension
                })
            }
            builder.origin = instruction.origin ?? outerOrigin
            let value = builder.emit(op, instruction.operands.map { values[$0]! }, type: type)
            builder.name(value, instruction.name)
            values[instruction.result] = value
        }
        builder.origin = outerOrigin
        return values
    }
}
