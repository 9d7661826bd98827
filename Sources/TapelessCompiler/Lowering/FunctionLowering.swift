/// Lowers one function's body to IR in one mode; a call becomes one ``IROp/call(_:)``
/// instruction.
struct FunctionLowering {
    let lowering: Lowering
    let model: CheckedModel?
    let mode: ExecutionMode
    var builder = IRBuilder()
    /// `let` and `var` bindings in scope, each at its latest value.
    var locals: [String: IRValue] = [:]
    /// The loop indices in scope, at the iteration being lowered.
    var loopIndices: [String: Int] = [:]
    /// The values of the function's arguments, and their names.
    var arguments: [IRValue] = []
    var functionArgumentNames: [String] = []
    /// Inside the body of a loop that runs as a loop: its index's name and value.
    var rolledIndex: (name: String, value: IRValue)?
    /// Inside an unrolled loop written with `checkpointEvery:`: the segment being lowered,
    /// which every origin records (see ``SourceOrigin/segment``).
    var segment: Int?
    /// The new value of each state tensor the layers updated, by full name, in order.
    private(set) var stateUpdates: [(name: String, value: IRValue)] = []
    /// Whether the body applies a layer that computes something else in each mode.
    private(set) var appliesModeDependentLayer = false

    init(lowering: Lowering, model: CheckedModel?, mode: ExecutionMode) {
        self.lowering = lowering
        self.model = model
        self.mode = mode
    }

    var program: CheckedProgram { lowering.program }

    /// The function as IR: its result, `value` (or each value of its tuple, by label), then the
    /// new value of each state tensor its layers update (in training mode).
    mutating func lower(_ function: CheckedFunction) throws -> IRFunction {
        let irArguments = function.parameters.map { IRArgument(name: $0.name, type: Self.irType($0.type)) }
        arguments = irArguments.enumerated().map { index, argument in builder.emit(.argument(index), type: argument.type) }
        functionArgumentNames = irArguments.map(\.name)
        try lower(function.decl.body.statements)
        let values = function.decl.returnType.isTuple
            ? try lowerValues(function.decl.body.result) : [try lower(function.decl.body.result)]
        let states = stateUpdates.map { IRResult(name: $0.name, value: $0.value, role: .state($0.name)) }
        return IRFunction(
            name: function.name, arguments: irArguments, instructions: builder.instructions,
            results: zip(function.results, values).map { IRResult(name: $0.name, value: $1) } + states)
    }

    /// Statements in order. A loop the checker found to compute only scalars becomes one loop
    /// instruction; another is unrolled, its body lowered once per iteration with the index's
    /// value known.
    mutating func lower(_ statements: [Statement]) throws {
        for statement in statements {
            switch statement {
            case .binding(let binding):
                let value = try lower(binding.value)
                builder.name(value, binding.name.name)
                locals[binding.name.name] = value
            case .assignment(let assignment):
                let value = try lower(assignment.value)
                builder.name(value, assignment.name.name)
                locals[assignment.name.name] = value
            case .loop(let loop):
                guard let count = program.loopCounts[loop.range.start] else {
                    throw Lowering.Failure(description: "the loop at \(loop.range.start) has no count")
                }
                if program.rolledLoops.contains(loop.range.start) {
                    try lowerRolledLoop(loop, count: count)
                    continue
                }
                // Segments of a checkpointed loop are numbered after where the loop is written; a
                // loop inside a checkpointed one belongs to the outer one's segments.
                let interval = segment == nil ? program.checkpointIntervals[loop.range.start] : nil
                for index in 0..<count {
                    loopIndices[loop.index.name] = index
                    if let interval { segment = SourceOrigin.segment(at: loop.range.start, index / interval) }
                    try lower(loop.body)
                }
                if interval != nil { segment = nil }
                loopIndices[loop.index.name] = nil
            case .branch(let branch):
                try lowerBranch(branch)
            case .whileLoop(let loop):
                guard let bound = program.loopCounts[loop.range.start] else {
                    throw Lowering.Failure(description: "the loop at \(loop.range.start) has no bound")
                }
                try lowerWhileLoop(loop, bound: bound)
            case .destructuring(let destructuring):
                let values = try lowerValues(destructuring.value)
                for (name, value) in zip(destructuring.names, values) where name.name != "_" {
                    builder.name(value, name.name)
                    locals[name.name] = value
                }
            }
        }
    }

    /// Both sides, each reading the values from before it through guards (see
    /// ``IRBuilder/enterSide(condition:taken:)``); then each variable and state tensor a side
    /// changed is the `select` of the two sides' values by the condition.
    private mutating func lowerBranch(_ branch: Branch) throws {
        let condition = try lower(branch.condition)
        let before = (locals: locals, states: stateUpdates)
        var after: [(locals: [String: IRValue], states: [(name: String, value: IRValue)])] = []
        for (taken, body) in [(true, branch.thenBody), (false, branch.elseBody)] {
            (locals, stateUpdates) = before
            builder.enterSide(condition: condition, taken: taken)
            try lower(body)
            builder.leaveSide()
            after.append((locals, stateUpdates))
        }
        locals = before.locals
        for name in before.locals.keys.sorted() {
            let (ifTrue, ifFalse) = (after[0].locals[name]!, after[1].locals[name]!)
            guard ifTrue != ifFalse else { continue }
            locals[name] = builder.emit(.select, [condition, ifTrue, ifFalse], type: builder.type(of: ifTrue))
            builder.name(locals[name]!, name)
        }
        stateUpdates = before.states
        var names: [String] = []
        for update in after[0].states + after[1].states where !names.contains(update.name) { names.append(update.name) }
        for name in names {
            let values = after.map { side in side.states.last { $0.name == name }?.value }
            guard values[0] != values[1] else { continue }
            // A state tensor only one side updates keeps, on the other, its value from before.
            let type = builder.type(of: (values[0] ?? values[1])!)
            let previous = before.states.last { $0.name == name }?.value
            let unchanged = previous ?? builder.emit(.parameter(name), type: type)
            let value = builder.emit(.select, [condition, values[0] ?? unchanged, values[1] ?? unchanged], type: type)
            stateUpdates.removeAll { $0.name == name }
            stateUpdates.append((name, value))
        }
    }

    static func irType(_ type: ValueType) -> IRType {
        IRType(type.element, type.shape)
    }

    // MARK: - Expressions

    mutating func lower(_ expression: Expr) throws -> IRValue {
        let previousOrigin = builder.origin
        builder.origin = origin(of: expression)
        defer { builder.origin = previousOrigin }

        if case .number(let value) = expression.kind { return builder.constant(value) }
        guard let resolution = program.resolutions[expression.id] else {
            throw Lowering.Failure(description: "expression at \(expression.range.start) was not resolved by the checker")
        }
        switch resolution {
        case .local(let name):
            guard let value = locals[name] else { throw Lowering.Failure(description: "unknown local '\(name)'") }
            return value
        case .argument(let index):
            return arguments[index]
        case .constant(let value):
            return builder.constant(value)
        case .parameter(let name):
            guard let parameter = model?.parameters.first(where: { $0.name == name }) else {
                throw Lowering.Failure(description: "unknown parameter '\(name)'")
            }
            return builder.emit(.parameter(name), type: .float(parameter.shape.map(IRDimension.fixed)))
        case .builtin(let call):
            let operands = try call.operands.map { try lower($0) }
            return try BuiltinLowering.lower(call, operands: operands, resultType: type(of: expression), &builder)
        case .layer(let name, let input, let options):
            var optionalInputs: [String: IRValue] = [:]
            for (label, expr) in options { optionalInputs[label] = try lower(expr) }
            return try lowerLayer(name, input: lower(input), optionalInputs: optionalInputs)
        case .modelFunction(let name, let argumentExpressions):
            return try call(IRCallee(name: name, isModelFunction: true), argumentExpressions, at: expression)
        case .function(let name, let argumentExpressions):
            return try call(IRCallee(name: name, isModelFunction: false), argumentExpressions, at: expression)
        case .index(let base, let indices):
            return try lowerIndex(lower(base), indices)
        }
    }

    /// A call: its arguments, then one instruction naming the callee.
    private mutating func call(_ callee: IRCallee, _ argumentExpressions: [Expr], at expression: Expr) throws -> IRValue {
        let values = try argumentExpressions.map { try lower($0) }
        return builder.emit(.call(callee), values, type: try type(of: expression))
    }

    /// The values of a tuple: each element of one written out, or each value a call returns.
    /// A call of a function that returns a tuple is one call instruction per value, in a row
    /// with the same operands; inlining copies the callee once for all of them.
    mutating func lowerValues(_ expression: Expr) throws -> [IRValue] {
        if case .tuple(let elements) = expression.kind {
            return try elements.map { try lower($0.value) }
        }
        guard let types = program.tupleTypes[expression.id] else { return [try lower(expression)] }
        let callee: IRCallee
        let argumentExpressions: [Expr]
        switch program.resolutions[expression.id] {
        case .layer(let name, let input, let options):
            var optionalInputs: [String: IRValue] = [:]
            for (label, expr) in options { optionalInputs[label] = try lower(expr) }
            return try lowerLayer(name, input: lower(input), optionalInputs: optionalInputs, withFinalValues: true)
        case .modelFunction(let name, let arguments):
            (callee, argumentExpressions) = (IRCallee(name: name, isModelFunction: true), arguments)
        case .function(let name, let arguments):
            (callee, argumentExpressions) = (IRCallee(name: name, isModelFunction: false), arguments)
        case .local, .argument, .parameter, .constant, .builtin, .index, nil:
            throw Lowering.Failure(description: "the tuple at \(expression.range.start) is not a call")
        }
        let operands = try argumentExpressions.map { try lower($0) }
        return types.indices.map { index in
            var part = callee
            part.result = index
            return builder.emit(.call(part), operands, type: Self.irType(types[index]))
        }
    }

    private func type(of expression: Expr) throws -> IRType {
        guard let type = program.types[expression.id] else {
            throw Lowering.Failure(description: "expression at \(expression.range.start) has no type")
        }
        return Self.irType(type)
    }

    private func origin(of expression: Expr) -> SourceOrigin {
        SourceOrigin(range: expression.range, text: lowering.text(expression.range), segment: segment)
    }

    /// The layer applied to `input`, as its kind lowers it, reading its parameters first. A
    /// state tensor that an earlier application updated is read at its new value, so a layer
    /// applied twice updates its state twice in a row, as PyTorch's modules do.
    private mutating func lowerLayer(_ name: String, input: IRValue, optionalInputs: [String: IRValue]) throws -> IRValue {
        try lowerLayer(name, input: input, optionalInputs: optionalInputs, withFinalValues: false)[0]
    }

    /// The layer applied to `input`: its output, then its final values (see
    /// ``LayerKind/finalValues(for:)``) when `withFinalValues`.
    private mutating func lowerLayer(
        _ name: String, input: IRValue, optionalInputs: [String: IRValue], withFinalValues: Bool
    ) throws -> [IRValue] {
        guard let layer = model?.layers.first(where: { $0.name == name }) else {
            throw Lowering.Failure(description: "unknown layer '\(name)'")
        }
        var parameters: [String: IRValue] = [:]
        for parameter in layer.kind.parameters {
            let fullName = layer.parameterName(parameter.name)
            parameters[parameter.name] = stateUpdates.last { $0.name == fullName }?.value
                ?? builder.emit(.parameter(fullName), type: .float(parameter.shape.map(IRDimension.fixed)))
        }
        appliesModeDependentLayer = appliesModeDependentLayer || layer.kind.dependsOnMode
        // The builder moves into the context and back, so its instructions are not copied.
        var context = LayerLowering(builder: builder, parameters: parameters, mode: mode, optionalInputs: optionalInputs)
        context.wantsFinalValues = withFinalValues
        builder = IRBuilder()
        defer { builder = context.builder }
        let outputs = [try layer.kind.lower(input, &context)] + context.finalValues
        for (relativeName, value) in context.stateUpdates.sorted(by: { $0.key < $1.key }) {
            let fullName = layer.parameterName(relativeName)
            stateUpdates.removeAll { $0.name == fullName }
            stateUpdates.append((fullName, value))
        }
        return outputs
    }

    /// The elements at `position` along `axis`, without that axis: a slice of one, summed away.
    private mutating func pick(_ position: Int, axis: Int, of value: IRValue) -> IRValue {
        var shape = builder.type(of: value).shape
        shape[axis] = .fixed(1)
        let one = builder.emit(.slice(axis: axis, start: position, end: position + 1), [value], type: .float(shape))
        return builder.reduceSum(one, axis: axis)
    }

    /// Every `step`-th position of `start..<end` along `axis`, built from slices and a reshape:
    /// the range (padded with zeros to whole steps) as `[…, count, step, …]`, then position 0 of
    /// each step. The gradient takes the same way back.
    private mutating func stridedSlice(_ x: IRValue, axis: Int, start: Int, end: Int, step: Int) -> IRValue {
        var shape = builder.type(of: x).shape
        let size = shape[axis].fixedValue ?? end
        let count = (end - start + step - 1) / step
        let needed = start + count * step
        var value = x
        if needed > size {
            shape[axis] = .fixed(needed)
            value = builder.emit(.pad(axis: axis, start: 0), [value], type: .float(shape))
        }
        shape[axis] = .fixed(count * step)
        value = builder.emit(.slice(axis: axis, start: start, end: needed), [value], type: .float(shape))
        var split = shape
        split.replaceSubrange(axis...axis, with: [.fixed(count), .fixed(step)])
        value = builder.emit(.reshape, [value], type: .float(split))
        split[axis + 1] = .fixed(1)
        value = builder.emit(.slice(axis: axis + 1, start: 0, end: 1), [value], type: .float(split))
        return builder.reduceSum(value, axis: axis + 1)
    }

    /// Subscripts: a range keeps its axis (`slice`), an integer removes it (a slice of one,
    /// summed away), a step takes every `step`-th position of its range.
    private mutating func lowerIndex(_ base: IRValue, _ indices: [SubscriptIndex]) throws -> IRValue {
        if let rolledIndex { return try elementRead(of: base, indices, index: rolledIndex) }
        var value = base
        var axis = 0
        for index in indices {
            var shape = builder.type(of: value).shape
            switch index {
            case .all:
                axis += 1
            case .range(let start, let end, _):
                shape[axis] = .fixed(end - start)
                value = builder.emit(.slice(axis: axis, start: start, end: end), [value], type: .float(shape))
                axis += 1
            case .index(let position, _):
                value = pick(position, axis: axis, of: value)
            case .position(let expression):
                guard let position = program.positions[expression.id] else {
                    throw Lowering.Failure(description: "the position at \(expression.range.start) was not checked")
                }
                value = pick(position.value(at: loopIndices), axis: axis, of: value)
            case .strided(let start, let end, let step, _):
                value = stridedSlice(value, axis: axis, start: start ?? 0, end: end ?? 0, step: step)
                axis += 1
            }
        }
        return value
    }
}
