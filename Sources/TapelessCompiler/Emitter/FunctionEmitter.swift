/// Renders one IR function as a Swift function body, from its fusion plan.
///
/// The body checks its arguments' shapes without allocating, takes one block of per-thread
/// scratch memory for every intermediate tensor (``FusionPlan/slots``; Int tensors have a
/// block of their own, ``FusionPlan/integerSlots``), runs each step — a fused loop over unsafe
/// pointers, a kernel call, or a scalar `let` — and writes parameter gradients straight into
/// the caller's gradient. Every step is preceded by a comment naming the `.tapeless` line it
/// computes.
struct FunctionEmitter {
    /// How the function hands back its results.
    enum ResultStyle {
        /// The first result, as `Float` or `Tensor`.
        case value
        /// Each result in order, as a tuple with these labels.
        case tuple([String])
        /// The first result, with the parameter gradients written into `gradient` (inout).
        case valueIntoGradient
        /// Only the parameter gradients, written into `gradient` (inout); the last IR argument
        /// is the output's gradient, which the `outputGradient` closure writes when handed the
        /// first result.
        case pullbackIntoGradient
    }

    let plan: FusionPlan
    /// The Swift names of the IR arguments (the last one unused for a pullback).
    let argumentNames: [String]
    /// Where each model parameter starts in `parameterScalars`, and its length.
    let parameterOffsets: [String: (offset: Int, count: Int)]
    /// How the function is called from Swift, such as `loss(x:labels:)`, for messages.
    let swiftSignature: String
    /// The name of the function's scratch block (unique in the program).
    let workspaceKey: String
    let style: ResultStyle
    /// The Swift names of the training step's seed and number, in a function that draws
    /// dropout masks.
    let randomKey: (seed: String, step: String)?
    /// The name bound to each dropout mask's `DropoutMaskStream`, whose elements the loops
    /// that read the mask draw.
    var maskStreams: [DropoutMask: String] = [:]

    var names: LocalNames
    var expressions: [IRValue: String] = [:]
    var sizes: [String: String] = [:]
    /// For each scope opened around the body (closures, local functions), innermost last: the
    /// lines that close it.
    var closers: [[String]] = []
    var lastOrigin: SourceOrigin?
    /// The line binding each pointer to a value in memory, and the pointers bound where the
    /// code being printed can see them (see ``emitBlock(_:lastReadingSteps:_:)``).
    var aliasBindings: [IRValue: CodePrinter.Declaration] = [:]
    var boundAliases: Set<IRValue> = []
    /// Scalars declared before the block that computes them, by name.
    var predeclared: [IRValue: String] = [:]
    let definitions: [IRValue: IRInstruction]
    let usage: ArgumentUsage
    let loopIndex: String
    let gradientName: String

    init(
        plan: FusionPlan, argumentNames: [String], parameterOffsets: [String: (offset: Int, count: Int)],
        swiftSignature: String, workspaceKey: String, style: ResultStyle, randomKey: (seed: String, step: String)? = nil
    ) {
        self.randomKey = randomKey
        self.plan = plan
        self.argumentNames = argumentNames
        self.parameterOffsets = parameterOffsets
        self.swiftSignature = swiftSignature
        self.workspaceKey = workspaceKey
        self.style = style
        self.definitions = plan.function.definitions()
        self.usage = ArgumentUsage(plan.function)
        let keyNames = randomKey.map { [$0.seed, $0.step] } ?? []
        var names = LocalNames(reserving: argumentNames.map(SwiftNames.unescaped) + keyNames + Self.swiftNamesInUse)
        loopIndex = names.fresh("i")
        gradientName = "gradient"
        self.names = names
    }

    /// Names the generated code refers to that a local (named after a `let` of the model's
    /// source, or by the emitter) must not shadow.
    static let swiftNamesInUse = [
        "Swift", "Foundation", "Tapeless", "Float", "Int", "Bool", "Tensor", "IntTensor", "Kernels",
        "ArgumentCheck", "LoopCheck", "Workspace", "Gradient", "DropoutMaskStream", "UnsafeBufferPointer", "UnsafeMutableBufferPointer",
        "UnsafeMutablePointer", "UnsafeRawPointer", "UnsafeMutableRawPointer", "SIMD\(lanes)", "stride",
        "pointwiseMax", "pointwiseMin", "precondition", "parameterScalars", "outputGradient", "gradient", "self",
    ]

    var function: IRFunction { plan.function }

    /// Prints the statements of the body into `printer`.
    mutating func emit(into printer: inout CodePrinter) {
        bindSizes(&printer)
        bindMaskStreams(&printer)
        openWorkspace(&printer)
        openBuffers(&printer)
        nameParameterPointers()
        let lastReadingSteps = BufferPlanner.lastReadingSteps(plan.steps, of: function, definitions)
        for segment in segments() {
            switch segment {
            case .block(let range):
                emitBlock(range, lastReadingSteps: lastReadingSteps, &printer)
            case .step(let index):
                let step = plan.steps[index]
                bindAliases(of: BufferPlanner.instructions(of: step).flatMap(\.operands), &printer)
                emit(step, &printer)
            }
        }
        finish(&printer)
        for closer in closers.reversed() {
            printer.outdent()
            printer.lines(closer)
        }
    }

    /// Opens a closure (`opener` ends with `in`) around the code that follows.
    mutating func openClosure(_ opener: String, _ printer: inout CodePrinter) {
        printer.line(opener)
        printer.indent()
        closers.append(["}"])
    }

    /// Opens a local function, called at the end of the innermost closure, for the code that
    /// follows. Swift type-checks the statements of a closure together, in time that grows with
    /// the square of their number (over three minutes for 120 layers), and a function's one by
    /// one. It is never inlined: with Swift 6.3.1, a release build that inlined the large body of
    /// an LSTM's pullback into the closure calling the throwing `outputGradient` handed `fit` a
    /// garbage error after a call that threw nothing (the SequenceDigits sample crashed; debug
    /// and sanitizer builds did not).
    mutating func openLocalFunction(returning type: String, throwing: Bool, _ printer: inout CodePrinter) {
        let name = names.fresh("body")
        printer.line("@inline(never) func \(name)()\(throwing ? " throws" : "") -> \(type) {")
        printer.indent()
        closers.append(["}", "return \(throwing ? "try " : "")\(name)()"])
    }

    /// The Swift type of what the body returns.
    var bodyReturnType: String {
        switch style {
        case .value, .valueIntoGradient: SwiftTypes.name(of: function.returnedResults[0].value, in: function)
        case .tuple: SwiftTypes.results(of: function).type
        case .pullbackIntoGradient: "Void"
        }
    }

    // MARK: - Arguments

    var visibleArgumentCount: Int {
        if case .pullbackIntoGradient = style { return function.arguments.count - 1 }
        return function.arguments.count
    }

    /// Checks every tensor argument's shape and binds size variables from their first use.
    private mutating func bindSizes(_ printer: inout CodePrinter) {
        for index in 0..<visibleArgumentCount where !function.arguments[index].type.isScalar {
            checkShape(of: argumentNames[index], type: function.arguments[index].type, label: function.arguments[index].name, &printer)
        }
    }

    /// Compares a tensor's shape with its declared type, field by field (no allocation), and
    /// binds the size variables it introduces that the body needs.
    mutating func checkShape(of swiftValue: String, type: IRType, label: String, _ printer: inout CodePrinter) {
        let (conditions, expected, unbound) = shapeConditions(of: swiftValue, type: type)
        let message = [
            "expected: \"[\(expected.joined(separator: ", "))]\"", "argument: \"\(SwiftNames.escapedString(label))\"",
            "declared: \"\(SwiftNames.escapedString(type.description))\"", "function: \"\(SwiftNames.escapedString(swiftSignature))\"",
        ].joined(separator: ", ")
        printer.block("if \(conditions.joined(separator: " || ")) {") { p in
            p.line("ArgumentCheck.shapeMismatch(\(swiftValue).shape, \(message))")
        }
        for (name, axis) in unbound where usage.neededSizes.contains(name) {
            let local = names.fresh(name)
            sizes[name] = local
            printer.declare(local, value: "\(swiftValue).shape[\(axis)]")
        }
    }

    /// The conditions under which `swiftValue`'s shape differs from `type` (on the axes whose
    /// size is known), the expected shape for messages, and the size variables still unbound
    /// with the first axis that gives each.
    func shapeConditions(of swiftValue: String, type: IRType) -> (conditions: [String], expected: [String], unbound: [(String, Int)]) {
        var conditions = ["\(swiftValue).shape.count != \(type.shape.count)"]
        var unbound: [(String, Int)] = []
        var expected: [String] = []
        for (axis, dimension) in type.shape.enumerated() {
            switch dimension {
            case .fixed(let n):
                conditions.append("\(swiftValue).shape[\(axis)] != \(n)")
                expected.append(String(n))
            case .size(let name):
                if let local = sizes[name] {
                    conditions.append("\(swiftValue).shape[\(axis)] != \(local)")
                    expected.append("\\(\(local))")
                } else {
                    if !unbound.contains(where: { $0.0 == name }) { unbound.append((name, axis)) }
                    expected.append("_")
                }
            }
        }
        return (conditions, expected, unbound)
    }

    /// Takes the scratch blocks, of Floats and of integers, and names each slot in them.
    private mutating func openWorkspace(_ printer: inout CodePrinter) {
        slotNames = openScratch(
            plan.slots, block: "workspace", slot: "slot", taking: "Workspace.floats", releasing: "Workspace.release", &printer)
        integerSlotNames = openScratch(
            plan.integerSlots, block: "integers", slot: "integerSlot", taking: "Workspace.integers",
            releasing: "Workspace.releaseIntegers", &printer)
    }

    /// Takes one scratch block for `slots` (with the runtime's function `taking`, given back by
    /// `releasing` when the body returns) and returns the name of each slot's pointer.
    private mutating func openScratch(
        _ slots: [[IRDimension]], block: String, slot prefix: String, taking: String, releasing: String,
        _ printer: inout CodePrinter
    ) -> [String] {
        guard !slots.isEmpty else { return [] }
        let workspace = names.fresh(block)
        let sizes = slots.map { product($0.map(dimension)) }
        let key = workspaceKeyLiteral
        // Equal sizes are counted once: a long chain of `+` takes the type checker seconds.
        var multiplicity: [String: Int] = [:]
        for size in sizes { multiplicity[size, default: 0] += 1 }
        var seen = Set<String>()
        let terms = sizes.filter { seen.insert($0).inserted }.map { size in
            multiplicity[size]! == 1 ? parenthesized(size) : "\(multiplicity[size]!) * \(parenthesized(size))"
        }
        printer.declare(workspace, value: "\(taking)(count: \(terms.joined(separator: " + ")), for: \(key))")
        printer.line("defer { \(releasing)(for: \(key)) }")
        var previous = workspace
        var slotNames: [String] = []
        for slot in sizes.indices {
            let name = names.fresh("\(prefix)\(slot)")
            printer.declare(name, value: slot == 0 ? workspace : IndexCode.offset(previous, by: sizes[slot - 1]))
            slotNames.append(name)
            previous = name
        }
        return slotNames
    }

    var slotNames: [String] = []
    var integerSlotNames: [String] = []
    var nestIndexNames: [String] = []
    /// While a nested loop runs its trailing axes as one (see `mergeableTrailingAxes`): those
    /// axes' sizes in the loop.
    var nestMerge: [IRDimension]?
    /// Accumulators of the loop body being printed whose element doesn't change along the
    /// innermost axis: each adds into a local across that axis, then into memory once.
    var innermostSums: [(local: String, target: String, isMax: Bool)] = []

    /// Opens one closure per storage the body reads or writes: the parameters, the gradient,
    /// and each tensor argument.
    private mutating func openBuffers(_ printer: inout CodePrinter) {
        var openers: [String] = []
        if writesState {
            let name = names.fresh("parameters")
            parameterBuffer = name
            openers.append("parameterScalars.withUnsafeMutableBufferPointer { \(name) in")
        } else if !function.parametersRead.isEmpty {
            let name = names.fresh("parameters")
            parameterBuffer = name
            openers.append("parameterScalars.withUnsafeBufferPointer { \(name) in")
        }
        if writesGradient {
            let name = names.fresh("g")
            gradientBuffer = name
            openers.append("\(gradientName).parameterScalars.withUnsafeMutableBufferPointer { \(name) in")
        }
        var pointers: [CodePrinter.Declaration] = []
        for index in 0..<visibleArgumentCount where !function.arguments[index].type.isScalar && usage.readArguments.contains(index) {
            let buffer = names.fresh(SwiftNames.unescaped(argumentNames[index]) + "Buffer")
            openers.append("\(argumentNames[index]).withUnsafeBufferPointer { \(buffer) in")
            pointers.append(.init(isMutable: false, name: argumentNames[index], value: "\(buffer).baseAddress!"))
        }
        for (position, opener) in openers.enumerated() {
            openClosure((position == 0 ? "return \(tryPrefix)" : tryPrefix) + opener, &printer)
        }
        if !openers.isEmpty { openLocalFunction(returning: bodyReturnType, throwing: !tryPrefix.isEmpty, &printer) }
        pointers.forEach { printer.declare($0) }
    }

    var parameterBuffer: String?
    var gradientBuffer: String?
    /// In the row loop being printed: the local holding each labels tensor's checked label.
    var rowLabels: [IRValue: String] = [:]
    /// The tensors of indices checked so far, each with the table sizes checked against.
    var checkedIndices: [IRValue: Set<String>] = [:]

    /// The workspace key as a Swift string literal.
    var workspaceKeyLiteral: String { "\"\(SwiftNames.escapedString(workspaceKey))\"" }

    /// Whether a pullback's body reads the output's gradient (its last argument); when it does
    /// not, simplification removed that argument's instruction.
    var readsOutputGradient: Bool {
        function.instructions.contains { $0.op == .argument(function.arguments.count - 1) }
    }

    /// Whether the function updates the model's state, so runs in a `mutating` method.
    var writesState: Bool { !function.stateResults.isEmpty }

    var writesGradient: Bool {
        switch style {
        case .valueIntoGradient, .pullbackIntoGradient: return true
        case .value, .tuple: return false
        }
    }

    var tryPrefix: String {
        if case .pullbackIntoGradient = style { return "try " }
        return ""
    }

    // MARK: - Results

    /// Writes gradients and returns the results.
    private mutating func finish(_ printer: inout CodePrinter) {
        // When no parameter gradient depends on the output's gradient, the pullback never reads
        // it, but the caller's closure must still run: it computes the loss that it reports.
        if case .pullbackIntoGradient = style, !readsOutputGradient { _ = handOverOutput(&printer) }
        if writesGradient { writeGradient(&printer) }
        if writesState { writeState(&printer) }
        switch style {
        case .value, .valueIntoGradient:
            let value = valueExpression(function.returnedResults[0].value, &printer)
            printer.line("return \(value)")
        case .tuple(let labels):
            var fields: [String] = []
            for (label, result) in zip(labels, function.returnedResults) {
                fields.append("\(SwiftNames.label(SwiftNames.unescaped(label))): \(valueExpression(result.value, &printer))")
            }
            printer.line("return (" + fields.joined(separator: ", ") + ")")
        case .pullbackIntoGradient:
            break
        }
    }

    /// A result as Swift returns it: a `Float`, or a `Tensor` copied from memory.
    mutating func valueExpression(_ value: IRValue, _ printer: inout CodePrinter) -> String {
        let source = reading(value, &printer)
        guard !shape(of: value).isEmpty else { return source }
        let dimensions = shape(of: value).map(dimension).joined(separator: ", ")
        return "Tensor(shape: [\(dimensions)], copying: UnsafeBufferPointer(start: \(source), count: \(product(shape(of: value).map(dimension)))))"
    }

    /// The expression of `value` after the last step, binding its pointer again if only a
    /// block had bound it.
    mutating func reading(_ value: IRValue, _ printer: inout CodePrinter) -> String {
        bindAliases(of: [value], &printer)
        return expressions[value]!
    }

    /// Copies gradients that were not computed in place, and zeroes those of parameters the
    /// function does not read (or that are frozen).
    private mutating func writeGradient(_ printer: inout CodePrinter) {
        let g = gradientBuffer!
        var written = Set<String>()
        printer.line("// The gradient of every parameter.")
        for result in function.results {
            guard case .gradient(.parameter(let name)) = result.role, let (offset, count) = parameterOffsets[name] else { continue }
            written.insert(name)
            if shape(of: result.value).isEmpty {
                printer.line("\(g)[\(offset)] = \(expressions[result.value]!)  // \(name)")
            } else if plan.storage[result.value] != .gradient(offset: offset) {
                let source = reading(result.value, &printer)
                printer.line("(\(IndexCode.offset("\(g).baseAddress!", by: String(offset)))).update(from: \(source), count: \(count))  // \(name)")
            }
        }
        for (name, (offset, count)) in parameterOffsets.sorted(by: { $0.value.offset < $1.value.offset }) where !written.contains(name) {
            printer.line("(\(IndexCode.offset("\(g).baseAddress!", by: String(offset)))).update(repeating: 0, count: \(count))  // \(name): no gradient")
        }
    }

    /// Copies the new value of each state tensor into the model, after everything that reads
    /// the old one.
    private mutating func writeState(_ printer: inout CodePrinter) {
        let p = parameterBuffer!
        printer.line("// The new state.")
        for result in function.stateResults {
            guard case .state(let name) = result.role, let (offset, count) = parameterOffsets[name] else { continue }
            let source = reading(result.value, &printer)
            if shape(of: result.value).isEmpty {
                printer.line("\(p)[\(offset)] = \(source)  // \(SwiftNames.comment(name))")
            } else {
                printer.line("(\(IndexCode.offset("\(p).baseAddress!", by: String(offset)))).update(from: \(source), count: \(count))  // \(SwiftNames.comment(name))")
            }
        }
    }

    // MARK: - Shapes and names

    func shape(of value: IRValue) -> [IRDimension] {
        definitions[value]?.type.shape ?? []
    }

    func dimension(_ dimension: IRDimension) -> String {
        switch dimension {
        case .fixed(let n): return String(n)
        case .size(let name): return sizes[name] ?? name
        }
    }

    func product(_ factors: [String]) -> String {
        let kept = factors.filter { $0 != "1" }
        return kept.isEmpty ? "1" : kept.joined(separator: " * ")
    }

    func parenthesized(_ expression: String) -> String {
        expression.contains(" ") ? "(\(expression))" : expression
    }

    /// The pointer a stored value lives at.
    mutating func bindStorage(_ instruction: IRInstruction, _ printer: inout CodePrinter) -> String {
        let local = valueName(instruction)
        switch plan.storage[instruction.result] {
        case .workspace(let slot):
            bindAlias(instruction.result, .init(isMutable: false, name: local, value: slotNames[slot], note: instruction.type.description), &printer)
        case .integers(let slot):
            bindAlias(
                instruction.result, .init(isMutable: false, name: local, value: integerSlotNames[slot], note: instruction.type.description),
                &printer)
        case .gradient(let offset):
            let parameter = parameterOffsets.first { $0.value.offset == offset }?.key ?? ""
            let pointer = IndexCode.offset("\(gradientBuffer!).baseAddress!", by: String(offset))
            bindAlias(instruction.result, .init(isMutable: false, name: local, value: pointer, note: "gradient of \(parameter)"), &printer)
        case nil:
            preconditionFailure("no storage planned for \(instruction.result)")
        }
        expressions[instruction.result] = local
        return local
    }

    /// How the model names a value in messages: the argument it is, or the `let` that binds it,
    /// else `otherwise`.
    func sourceName(of value: IRValue, otherwise: String) -> String {
        if case .argument(let index) = definitions[value]?.op { return function.arguments[index].name }
        return definitions[value]?.name ?? otherwise
    }

    /// A fresh local name for an instruction's value: its `let` name in the source, or `v` and
    /// its number.
    mutating func valueName(_ instruction: IRInstruction) -> String {
        names.fresh(instruction.name ?? "v\(instruction.result.id)")
    }

    /// Names a scalar and prints `let name: Type = expression`, or only the assignment when
    /// the scalar was declared before its block.
    mutating func defineScalar(_ instruction: IRInstruction, _ expression: String, _ printer: inout CodePrinter) {
        if let name = predeclared[instruction.result] {
            printer.assign(name, expression)
            expressions[instruction.result] = name
            return
        }
        let local = valueName(instruction)
        printer.declare(local, type: Self.elementType(of: instruction), value: expression)
        expressions[instruction.result] = local
    }

    /// The Swift type of one element of an instruction's result.
    static func elementType(of instruction: IRInstruction) -> String {
        instruction.type.element == .bool ? "Bool" : "Float"
    }

    /// Names an accumulated scalar and prints `var name: Float = initial`, unless it was
    /// declared before its block.
    mutating func declareVariable(_ value: IRValue, initial: String, _ printer: inout CodePrinter) -> String {
        if let name = predeclared[value] { return name }
        let local = valueName(definitions[value]!)
        printer.declare(local, type: "Float", value: initial, mutable: true)
        return local
    }

    /// A Swift literal for a constant; negative ones in parentheses so they compose.
    static func literal(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "Float.infinity" : "(-Float.infinity)" }
        if value.isNaN { return "Float.nan" }
        let text = "\(Float(value))"
        return value < 0 ? "(\(text))" : text
    }
}
