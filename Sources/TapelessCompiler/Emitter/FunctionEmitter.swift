/// Renders the body of one IR function as Swift statements.
///
/// Every Float scalar becomes a `let`, every tensor a buffer the function allocates and frees,
/// and every instruction a loop (or a kernel call) over unsafe buffer pointers, preceded by a
/// comment naming the `.tapeless` line it came from. Arguments are checked against their
/// declared shapes before anything runs.
struct FunctionEmitter {
    /// How the function hands back its results.
    enum ResultStyle {
        /// The first result, as `Float` or `Tensor`.
        case value
        /// Each result in order, as a tuple with these labels.
        case tuple([String])
        /// `(value: first result, gradient: Gradient)`: the parameter gradients in a `Gradient`.
        case valueAndGradient
        /// Only the parameter gradients, as a `Gradient`; the last IR argument is the output's
        /// gradient, obtained by calling `outputGradient` on the function's first result.
        case pullback
    }

    let function: IRFunction
    /// The Swift names of the IR arguments (the last one unused for a pullback).
    let argumentNames: [String]
    /// The argument labels as written in the model, for messages.
    let declaredNames: [String]
    /// Where each model parameter starts in `parameterScalars`, and its length.
    let parameterOffsets: [String: (offset: Int, count: Int)]
    /// The layout length, for building a `Gradient`.
    let parameterCount: Int
    /// How the function is called from Swift, such as `loss(x:labels:)`, for messages.
    let swiftSignature: String
    let style: ResultStyle

    private let definitions: [IRValue: IRInstruction]
    private var names: LocalNames
    private var expressions: [IRValue: String] = [:]
    private var sizes: [String: String] = [:]
    private var openClosures = 0
    private var lastOrigin: SourceOrigin?
    private let loopIndex: String
    private let rowIndex: String
    private let columnIndex: String
    private let innerIndex: String

    init(
        function: IRFunction, argumentNames: [String], declaredNames: [String],
        parameterOffsets: [String: (offset: Int, count: Int)], parameterCount: Int, swiftSignature: String,
        style: ResultStyle
    ) {
        self.function = function
        self.argumentNames = argumentNames
        self.declaredNames = declaredNames
        self.parameterOffsets = parameterOffsets
        self.parameterCount = parameterCount
        self.swiftSignature = swiftSignature
        self.style = style
        self.definitions = function.definitions()
        var names = LocalNames(reserving: argumentNames.map { $0.trimmingCharacters(in: ["`"]) } + Self.swiftNamesInUse)
        loopIndex = names.fresh("i")
        rowIndex = names.fresh("row")
        columnIndex = names.fresh("column")
        innerIndex = names.fresh("inner")
        self.names = names
    }

    /// Names the generated code refers to that a local must not shadow.
    static let swiftNamesInUse = [
        "Swift", "Foundation", "Tapeless", "Float", "Int", "Bool", "Tensor", "IntTensor", "Kernels",
        "ArgumentCheck", "Gradient", "UnsafeBufferPointer", "UnsafeMutableBufferPointer", "parameterScalars",
        "outputGradient", "self",
    ]

    /// Prints the statements of the body into `printer`.
    mutating func emit(into printer: inout CodePrinter) {
        bindSizes(&printer)
        openBuffers(&printer)
        for instruction in function.instructions {
            if let origin = instruction.origin, origin != lastOrigin {
                printer.line("// \(SwiftNames.comment(origin.description))")
                lastOrigin = origin
            }
            emit(instruction, &printer)
        }
        printer.line("return \(resultExpression(&printer))")
        for _ in 0..<openClosures {
            printer.outdent()
            printer.line("}")
        }
    }

    // MARK: - Arguments

    private var visibleArgumentCount: Int {
        if case .pullback = style { return function.arguments.count - 1 }
        return function.arguments.count
    }

    /// Checks every tensor argument's shape and binds size variables from the first use.
    private mutating func bindSizes(_ printer: inout CodePrinter) {
        for index in 0..<visibleArgumentCount {
            let argument = function.arguments[index]
            guard !argument.type.isScalar else { continue }
            checkShape(of: argumentNames[index], type: argument.type, label: declaredNames[index], &printer)
        }
    }

    private mutating func checkShape(of swiftValue: String, type: IRType, label: String, _ printer: inout CodePrinter) {
        var unbound: [(String, Int)] = []
        let expected = type.shape.enumerated().map { axis, dimension -> String in
            switch dimension {
            case .fixed(let n): return String(n)
            case .size(let name):
                if let local = sizes[name] { return local }
                if !unbound.contains(where: { $0.0 == name }) { unbound.append((name, axis)) }
                return "nil"
            }
        }
        let declared = SwiftNames.escapedString(type.description)
        printer.line(
            "ArgumentCheck.shape(\(swiftValue).shape, [\(expected.joined(separator: ", "))], argument: \"\(SwiftNames.escapedString(label))\", declared: \"\(declared)\", function: \"\(SwiftNames.escapedString(swiftSignature))\")"
        )
        for (name, axis) in unbound {
            let local = names.fresh(name)
            sizes[name] = local
            printer.line("let \(local) = \(swiftValue).shape[\(axis)]")
        }
    }

    /// Opens one closure per storage the body reads: the parameters and each tensor argument.
    private mutating func openBuffers(_ printer: inout CodePrinter) {
        var openers: [String] = []
        if !function.parametersRead.isEmpty {
            let name = names.fresh("parameters")
            expressions[IRValue(-1)] = name
            openers.append("parameterScalars.withUnsafeBufferPointer { \(name) in")
        }
        for index in 0..<visibleArgumentCount where !function.arguments[index].type.isScalar {
            openers.append("\(argumentNames[index]).withUnsafeBufferPointer { \(argumentNames[index]) in")
        }
        for (position, opener) in openers.enumerated() {
            printer.line((position == 0 ? "return \(tryPrefix)" : "\(tryPrefix)") + opener)
            printer.indent()
            openClosures += 1
        }
    }

    private var tryPrefix: String {
        if case .pullback = style { return "try " }
        return ""
    }

    private var parameterBuffer: String? { expressions[IRValue(-1)] }

    // MARK: - Instructions

    private mutating func emit(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let x = instruction.operands
        let type = instruction.type
        switch instruction.op {
        case .argument(let index):
            if case .pullback = style, index == function.arguments.count - 1 {
                openOutputGradient(instruction, &printer)
            } else {
                expressions[instruction.result] = argumentNames[index]
            }
        case .parameter(let name):
            let (offset, count) = parameterOffsets[name]!
            let local = names.fresh("v\(instruction.result.id)")
            let buffer = parameterBuffer!
            if type.isScalar {
                printer.line("let \(local): Float = \(buffer)[\(offset)]  // \(name)")
            } else {
                printer.line("let \(local) = UnsafeBufferPointer(rebasing: \(buffer)[\(offset)..<\(offset + count)])  // \(name)")
            }
            expressions[instruction.result] = local
        case .constant(let value):
            if type.isScalar {
                expressions[instruction.result] = Self.literal(value)
            } else {
                let out = allocate(instruction, &printer)
                printer.line("\(out).initialize(repeating: \(Self.literal(value)))")
            }
        case .count(let dimensions):
            expressions[instruction.result] = "Float(\(product(dimensions.map(dimension))))"
        case .stopGradient:
            expressions[instruction.result] = expressions[x[0]]!
        case .unary(let function):
            elementwise(instruction, &printer) { ScalarCode.unary(function, $0[0]) }
        case .binary(let function):
            elementwise(instruction, &printer) { ScalarCode.binary(function, $0[0], $0[1]) }
        case .compare(let comparison):
            elementwise(instruction, &printer) { "\($0[0]) \(comparison.rawValue) \($0[1])" }
        case .select:
            elementwise(instruction, &printer) { "(\($0[0]) ? \($0[1]) : \($0[2]))" }
        case .broadcast:
            elementwise(instruction, &printer) { $0[0] }
        case .matmul(let transposeLeft, let transposeRight):
            matmul(instruction, transposeLeft: transposeLeft, transposeRight: transposeRight, &printer)
        case .transpose:
            let out = allocate(instruction, &printer)
            let (rows, columns) = (dimension(type.shape[0]), dimension(type.shape[1]))
            let source = expressions[x[0]]!
            printer.block("for \(rowIndex) in 0..<\(rows) {") { p in
                p.block("for \(columnIndex) in 0..<\(columns) {") { p in
                    p.line("\(out)[\(rowIndex) * \(columns) + \(columnIndex)] = \(source)[\(columnIndex) * \(rows) + \(rowIndex)]")
                }
            }
        case .sumToShape:
            sumToShape(instruction, &printer)
        case .reduceSum(let axis):
            reduce(instruction, axis: axis, initial: "0", combine: { "\($0) += \($1)" }, &printer)
        case .reduceMax(let axis):
            reduce(instruction, axis: axis, initial: "-Float.infinity", combine: { "\($0) = Swift.max(\($0), \($1))" }, &printer)
        case .expandAxis(let axis):
            let out = allocate(instruction, &printer)
            let source = expressions[x[0]]!
            let (outer, length, inner) = split(type.shape, at: axis)
            loopOverLine(outer: outer, inner: inner, &printer) { p, line, position in
                p.block("for \(loopIndex) in 0..<\(length) {") { p in
                    p.line("\(out)[\(lineIndex(line, loopIndex, length: length))] = \(source)[\(position)]")
                }
            }
        case .logSumExp(let axis):
            logSumExpOrSoftmax(instruction, axis: axis, isSoftmax: false, &printer)
        case .softmax(let axis):
            logSumExpOrSoftmax(instruction, axis: axis, isSoftmax: true, &printer)
        case .pickClass, .scatterClass:
            pickOrScatter(instruction, &printer)
        case .slice(let axis, let start, _), .pad(let axis, let start):
            sliceOrPad(instruction, axis: axis, start: start, &printer)
        }
    }

    /// An elementwise instruction: one flat loop when no operand is broadcast, else a loop
    /// nest that reads broadcast operands with stride 0 along their missing axes.
    private mutating func elementwise(
        _ instruction: IRInstruction, _ printer: inout CodePrinter, _ code: ([String]) -> String
    ) {
        let operands = instruction.operands
        let shape = instruction.type.shape
        if shape.isEmpty {
            let local = names.fresh("v\(instruction.result.id)")
            let swiftType = instruction.type.element == .bool ? "Bool" : "Float"
            printer.line("let \(local): \(swiftType) = \(code(operands.map { expressions[$0]! }))")
            expressions[instruction.result] = local
            return
        }
        let out = allocate(instruction, &printer)
        let flat = operands.allSatisfy { operandShape($0).isEmpty || operandShape($0) == shape }
        if flat {
            let reads = operands.map { operandShape($0).isEmpty ? expressions[$0]! : "\(expressions[$0]!)[\(loopIndex)]" }
            printer.block("for \(loopIndex) in 0..<\(product(shape.map(dimension))) {") { p in
                p.line("\(out)[\(loopIndex)] = \(code(reads))")
            }
            return
        }
        loopNest(over: shape, &printer) { p, indices in
            let reads = operands.map { operand -> String in
                let source = operandShape(operand)
                return source.isEmpty ? expressions[operand]! : "\(expressions[operand]!)[\(broadcastIndex(source, in: shape, indices))]"
            }
            p.line("\(out)[\(rowMajorIndex(shape, indices))] = \(code(reads))")
        }
    }

    private mutating func sumToShape(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let source = instruction.operands[0]
        let sourceShape = operandShape(source)
        let shape = instruction.type.shape
        if shape.isEmpty {
            reduce(instruction, axis: nil, initial: "0", combine: { "\($0) += \($1)" }, &printer)
            return
        }
        let out = allocate(instruction, &printer)
        printer.line("\(out).initialize(repeating: 0)")
        loopNest(over: sourceShape, &printer) { p, indices in
            p.line("\(out)[\(broadcastIndex(shape, in: sourceShape, indices))] += \(expressions[source]!)[\(rowMajorIndex(sourceShape, indices))]")
        }
    }

    private mutating func reduce(
        _ instruction: IRInstruction, axis: Int?, initial: String, combine: (String, String) -> String,
        _ printer: inout CodePrinter
    ) {
        let source = expressions[instruction.operands[0]]!
        let sourceShape = operandShape(instruction.operands[0])
        guard let axis else {
            let local = names.fresh("v\(instruction.result.id)")
            printer.line("var \(local): Float = \(initial)")
            printer.block("for \(loopIndex) in 0..<\(product(sourceShape.map(dimension))) {") { p in
                p.line(combine(local, "\(source)[\(loopIndex)]"))
            }
            expressions[instruction.result] = local
            return
        }
        let out = allocate(instruction, &printer)
        let (outer, length, inner) = split(sourceShape, at: axis)
        let accumulator = names.fresh("total")
        loopOverLine(outer: outer, inner: inner, &printer) { p, line, position in
            p.line("var \(accumulator): Float = \(initial)")
            p.block("for \(loopIndex) in 0..<\(length) {") { p in
                p.line(combine(accumulator, "\(source)[\(lineIndex(line, loopIndex, length: length))]"))
            }
            p.line("\(out)[\(position)] = \(accumulator)")
        }
    }

    private mutating func logSumExpOrSoftmax(
        _ instruction: IRInstruction, axis: Int, isSoftmax: Bool, _ printer: inout CodePrinter
    ) {
        let out = allocate(instruction, &printer)
        let source = expressions[instruction.operands[0]]!
        let (outer, length, inner) = split(operandShape(instruction.operands[0]), at: axis)
        let largest = names.fresh("largest"), total = names.fresh("total")
        let emitter = self
        loopOverLine(outer: outer, inner: inner, &printer) { p, line, position in
            let at = { (index: String) in "\(source)[\(emitter.lineIndex(line, index, length: length))]" }
            p.line("var \(largest) = -Float.infinity")
            p.line("for \(loopIndex) in 0..<\(length) { \(largest) = Swift.max(\(largest), \(at(loopIndex))) }")
            p.line("var \(total): Float = 0")
            if isSoftmax {
                p.block("for \(loopIndex) in 0..<\(length) {") { p in
                    p.line("let e = Foundation.exp(\(at(loopIndex)) - \(largest))")
                    p.line("\(out)[\(lineIndex(line, loopIndex, length: length))] = e")
                    p.line("\(total) += e")
                }
                p.line("for \(loopIndex) in 0..<\(length) { \(out)[\(lineIndex(line, loopIndex, length: length))] /= \(total) }")
            } else {
                p.line("for \(loopIndex) in 0..<\(length) { \(total) += Foundation.exp(\(at(loopIndex)) - \(largest)) }")
                p.line("\(out)[\(position)] = \(largest) + Foundation.log(\(total))")
            }
        }
    }

    private mutating func matmul(
        _ instruction: IRInstruction, transposeLeft: Bool, transposeRight: Bool, _ printer: inout CodePrinter
    ) {
        let out = allocate(instruction, &printer)
        let (a, b) = (instruction.operands[0], instruction.operands[1])
        let (aShape, bShape) = (operandShape(a), operandShape(b))
        let m = dimension(instruction.type.shape[0]), n = dimension(instruction.type.shape[1])
        let k = dimension(transposeLeft ? aShape[0] : aShape[1])
        printer.line(
            "Kernels.matrixMultiply(transposeA: \(transposeLeft), transposeB: \(transposeRight), m: \(m), n: \(n), k: \(k), "
                + "a: \(expressions[a]!).baseAddress!, lda: \(dimension(aShape[1])), b: \(expressions[b]!).baseAddress!, ldb: \(dimension(bShape[1])), "
                + "c: \(out).baseAddress!, ldc: \(n))")
    }

    private mutating func pickOrScatter(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let out = allocate(instruction, &printer)
        let (values, labels) = (expressions[instruction.operands[0]]!, expressions[instruction.operands[1]]!)
        let matrixShape = instruction.op == .pickClass ? operandShape(instruction.operands[0]) : instruction.type.shape
        let (rows, classes) = (dimension(matrixShape[0]), dimension(matrixShape[1]))
        let labelName = labelArgumentName(instruction.operands[1])
        if instruction.op == .scatterClass { printer.line("\(out).initialize(repeating: 0)") }
        printer.block("for \(rowIndex) in 0..<\(rows) {") { p in
            p.line("let label = \(labels)[\(rowIndex)]")
            p.line("ArgumentCheck.label(label, classes: \(classes), at: \(rowIndex), argument: \"\(labelName)\", function: \"\(SwiftNames.escapedString(swiftSignature))\")")
            if instruction.op == .pickClass {
                p.line("\(out)[\(rowIndex)] = \(values)[\(rowIndex) * \(classes) + label]")
            } else {
                p.line("\(out)[\(rowIndex) * \(classes) + label] = \(values)[\(rowIndex)]")
            }
        }
    }

    private mutating func sliceOrPad(_ instruction: IRInstruction, axis: Int, start: Int, _ printer: inout CodePrinter) {
        let out = allocate(instruction, &printer)
        let source = expressions[instruction.operands[0]]!
        let isSlice = if case .slice = instruction.op { true } else { false }
        let big = isSlice ? operandShape(instruction.operands[0]) : instruction.type.shape
        let small = isSlice ? instruction.type.shape : operandShape(instruction.operands[0])
        let (outer, bigLength, inner) = split(big, at: axis)
        let smallLength = dimension(small[axis])
        if !isSlice { printer.line("\(out).initialize(repeating: 0)") }
        loopOverLine(outer: outer, inner: inner, &printer) { p, line, _ in
            p.block("for \(loopIndex) in 0..<\(smallLength) {") { p in
                let bigIndex = lineIndex(line, "\(start) + \(loopIndex)", length: bigLength)
                let smallIndex = lineIndex(line, loopIndex, length: smallLength)
                p.line(isSlice ? "\(out)[\(smallIndex)] = \(source)[\(bigIndex)]" : "\(out)[\(bigIndex)] = \(source)[\(smallIndex)]")
            }
        }
    }

    /// Calls `outputGradient` with the forward result and opens its buffer.
    private mutating func openOutputGradient(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let output = function.results.first { $0.role == .value }!.value
        let outputTensor = names.fresh("output")
        let seedTensor = names.fresh("outputGradientTensor")
        printer.line("let \(outputTensor) = \(tensorExpression(output))")
        printer.line("let \(seedTensor) = try outputGradient(\(outputTensor))")
        checkShape(of: seedTensor, type: instruction.type, label: "outputGradient", &printer)
        let seed = names.fresh("seed")
        printer.line("return try \(seedTensor).withUnsafeBufferPointer { \(seed) in")
        printer.indent()
        openClosures += 1
        expressions[instruction.result] = seed
    }

    // MARK: - Results

    private mutating func resultExpression(_ printer: inout CodePrinter) -> String {
        let values = function.results.filter { $0.role == .value }
        switch style {
        case .value:
            return valueExpression(function.results[0].value)
        case .tuple(let labels):
            return "(" + zip(labels, function.results).map { "\($0): \(valueExpression($1.value))" }.joined(separator: ", ") + ")"
        case .valueAndGradient:
            return "(value: \(valueExpression(values[0].value)), gradient: \(gradientExpression(&printer)))"
        case .pullback:
            return gradientExpression(&printer)
        }
    }

    private func valueExpression(_ value: IRValue) -> String {
        operandShape(value).isEmpty ? expressions[value]! : tensorExpression(value)
    }

    private func tensorExpression(_ value: IRValue) -> String {
        let shape = operandShape(value).map(dimension).joined(separator: ", ")
        return "Tensor(shape: [\(shape)], copying: UnsafeBufferPointer(\(expressions[value]!)))"
    }

    /// Builds a `Gradient` from the parameter gradients; parameters the function never reads
    /// (and frozen ones) keep a zero gradient.
    private mutating func gradientExpression(_ printer: inout CodePrinter) -> String {
        let gradient = names.fresh("gradient")
        printer.line("var \(gradient) = [Float](repeating: 0, count: \(parameterCount))")
        let entries = function.results.compactMap { result -> (String, IRValue)? in
            if case .gradient(.parameter(let name)) = result.role { return (name, result.value) }
            return nil
        }
        if !entries.isEmpty {
            let buffer = names.fresh("g")
            printer.block("\(gradient).withUnsafeMutableBufferPointer { \(buffer) in") { p in
                for (name, value) in entries {
                    let (offset, count) = parameterOffsets[name]!
                    if operandShape(value).isEmpty {
                        p.line("\(buffer)[\(offset)] = \(expressions[value]!)  // \(name)")
                    } else {
                        p.line("(\(buffer).baseAddress! + \(offset)).update(from: \(expressions[value]!).baseAddress!, count: \(count))  // \(name)")
                    }
                }
            }
        }
        return "Gradient(parameterScalars: \(gradient))"
    }

    // MARK: - Helpers

    /// Allocates the buffer of a tensor result, freed when the function returns.
    private mutating func allocate(_ instruction: IRInstruction, _ printer: inout CodePrinter) -> String {
        let local = names.fresh("v\(instruction.result.id)")
        let element = instruction.type.element == .bool ? "Bool" : "Float"
        printer.line("let \(local) = UnsafeMutableBufferPointer<\(element)>.allocate(capacity: \(product(instruction.type.shape.map(dimension))))")
        printer.line("defer { \(local).deallocate() }")
        expressions[instruction.result] = local
        return local
    }

    private func operandShape(_ value: IRValue) -> [IRDimension] {
        definitions[value]?.type.shape ?? []
    }

    private func labelArgumentName(_ value: IRValue) -> String {
        if case .argument(let index) = definitions[value]?.op { return SwiftNames.escapedString(declaredNames[index]) }
        return "labels"
    }

    private func dimension(_ dimension: IRDimension) -> String {
        switch dimension {
        case .fixed(let n): return String(n)
        case .size(let name): return sizes[name] ?? name
        }
    }

    private func product(_ factors: [String]) -> String {
        let kept = factors.filter { $0 != "1" }
        return kept.isEmpty ? "1" : kept.joined(separator: " * ")
    }

    private func split(_ shape: [IRDimension], at axis: Int) -> (outer: String, length: String, inner: String) {
        (product(shape[..<axis].map(dimension)), dimension(shape[axis]), product(shape[(axis + 1)...].map(dimension)))
    }

    /// Loops over every line along an axis: `outer` lines before it, `inner` positions after
    /// it. `body` gets the line (for ``lineIndex(_:_:_:)``) and the flat index in a tensor
    /// without that axis.
    private func loopOverLine(
        outer: String, inner: String, _ printer: inout CodePrinter,
        _ body: (inout CodePrinter, _ line: Line, _ position: String) -> Void
    ) {
        printer.block("for \(rowIndex) in 0..<\(outer) {") { p in
            if inner == "1" {
                body(&p, Line(row: rowIndex, inner: nil), rowIndex)
            } else {
                p.block("for \(innerIndex) in 0..<\(inner) {") { p in
                    body(&p, Line(row: rowIndex, inner: (innerIndex, inner)), "\(rowIndex) * \(inner) + \(innerIndex)")
                }
            }
        }
    }

    /// One line along an axis, as loop variables.
    struct Line {
        var row: String
        /// The position after the axis and the number of such positions, unless there is one.
        var inner: (index: String, count: String)?
    }

    /// The flat index of element `index` of `line` in a tensor whose axis has `length` elements.
    private func lineIndex(_ line: Line, _ index: String, length: String) -> String {
        let start = "\(line.row) * \(length) + \(index)"
        guard let inner = line.inner else { return start }
        return "(\(start)) * \(inner.count) + \(inner.index)"
    }

    private func loopNest(
        over shape: [IRDimension], _ printer: inout CodePrinter, _ body: (inout CodePrinter, [String]) -> Void
    ) {
        let indices = shape.indices.map { "\(loopIndex)\($0)" }
        func open(_ axis: Int, _ p: inout CodePrinter) {
            if axis == shape.count {
                body(&p, indices)
                return
            }
            p.block("for \(indices[axis]) in 0..<\(dimension(shape[axis])) {") { p in open(axis + 1, &p) }
        }
        open(0, &printer)
    }

    private func rowMajorIndex(_ shape: [IRDimension], _ indices: [String]) -> String {
        var terms: [String] = []
        for axis in shape.indices {
            let stride = product(shape[(axis + 1)...].map(dimension))
            terms.append(stride == "1" ? indices[axis] : "\(indices[axis]) * \(stride)")
        }
        return terms.joined(separator: " + ")
    }

    /// The flat index into a tensor of `source` shape broadcast over `target` at `indices`.
    private func broadcastIndex(_ source: [IRDimension], in target: [IRDimension], _ indices: [String]) -> String {
        let offset = target.count - source.count
        var terms: [String] = []
        for axis in source.indices where source[axis] != .fixed(1) {
            let stride = product(source[(axis + 1)...].filter { $0 != .fixed(1) }.map(dimension))
            let index = indices[axis + offset]
            terms.append(stride == "1" ? index : "\(index) * \(stride)")
        }
        return terms.isEmpty ? "0" : terms.joined(separator: " + ")
    }

    /// A Swift literal for a constant; negative ones in parentheses so they compose.
    static func literal(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "Float.infinity" : "(-Float.infinity)" }
        if value.isNaN { return "Float.nan" }
        let text = "\(Float(value))"
        return value < 0 ? "(\(text))" : text
    }
}
