// 2-D convolution and max pooling over NCHW tensors (OIHW weights, as PyTorch stores them):
// their reverse rules, their meaning in the interpreter and their emitted Swift, which calls
// the runtime's kernels. Their class and cost are listed with every operation's
// (OperationClass.swift, OperationCost.swift); their shape rules and options are in
// ConvolutionShapes.swift.
//
// A convolution is bilinear, and its two gradients are the same bilinear map with the
// arguments moved, so the three operations' rules close over each other and derivatives of
// any order need nothing more: with y = conv(x, w) and Σ g·conv(x, w) = Σ x·inputGradient(g, w)
// = Σ w·weightGradient(x, g), each operation's adjoint is one of the other two.
// Max pooling is `maxPoolSelect(x, x)`: the selection positions depend on x only piecewise
// constantly, so the gradient flows through the selected values alone.

extension DerivativeRules {
    /// The adjoint contributions of a convolution-family instruction's two operands.
    static func convolutionPullback(_ instruction: IRInstruction, g: IRValue, wants: [Bool], _ b: inout IRBuilder) -> [IRValue?] {
        let x = instruction.operands
        let types = x.map { b.type(of: $0) }
        switch instruction.op {
        case .convolution2D(let window):  // (input, weight)
            return [
                wants[0] ? b.emit(.convolution2DInputGradient(window), [g, x[1]], type: types[0]) : nil,
                wants[1] ? b.emit(.convolution2DWeightGradient(window), [x[0], g], type: types[1]) : nil,
            ]
        case .convolution2DInputGradient(let window):  // (outputGradient, weight) → input-shaped
            return [
                wants[0] ? b.emit(.convolution2D(window), [g, x[1]], type: types[0]) : nil,
                wants[1] ? b.emit(.convolution2DWeightGradient(window), [g, x[0]], type: types[1]) : nil,
            ]
        case .convolution2DWeightGradient(let window):  // (input, outputGradient) → weight-shaped
            return [
                wants[0] ? b.emit(.convolution2DInputGradient(window), [x[1], g], type: types[0]) : nil,
                wants[1] ? b.emit(.convolution2D(window), [x[0], g], type: types[1]) : nil,
            ]
        case .maxPoolSelect(let window):  // (input, source) → pooled
            return [nil, wants[1] ? b.emit(.maxPoolScatter(window), [x[0], g], type: types[1]) : nil]
        case .maxPoolScatter(let window):  // (input, pooledGradient) → input-shaped
            return [nil, wants[1] ? b.emit(.maxPoolSelect(window), [x[0], g], type: types[1]) : nil]
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .matmul, .transpose,
             .broadcast, .sumToShape, .reduceSum, .reduceMax, .expandAxis, .logSumExp, .softmax, .pickClass,
             .scatterClass, .slice, .pad, .reshape, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
            preconditionFailure("\(instruction.op) is not a convolution or pooling")
        }
    }
}

extension BatchingRules {
    /// A convolution or pooling with a batched operand. A batch of images (with the weight
    /// unbatched, or a pooling's two image-shaped operands) folds into the images' own batch
    /// axis. A batch of weights, or a weight gradient, becomes channel groups: member `p` of the
    /// batch convolves its channels with its own filters, as a grouped convolution does, which
    /// needs the batch's size known when the package builds.
    func convolution(_ instruction: IRInstruction, _ x: [IRValue], batched: [Bool], _ b: inout IRBuilder) throws -> IRValue {
        let shape = instruction.type.shape
        switch instruction.op {
        case .convolution2D(let window), .convolution2DInputGradient(let window):
            guard batched[1] else { return try foldingIntoImages(instruction.op, images: [x[0]], then: [x[1]], shape: shape, &b) }
            return try asGroups(instruction.op, window, images: [x[0], x[1]], imageFlags: [batched[0], false], weight: 1, shape: shape, &b)
        case .convolution2DWeightGradient(let window):
            return try asGroups(instruction.op, window, images: x, imageFlags: batched, weight: nil, shape: shape, &b)
        case .maxPoolSelect, .maxPoolScatter:
            let images = zip(x, batched).map { self.batched($0, $1, &b) }
            return try foldingIntoImages(instruction.op, images: images, then: [], shape: shape, &b)
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .matmul, .transpose,
             .broadcast, .sumToShape, .reduceSum, .reduceMax, .expandAxis, .logSumExp, .softmax, .pickClass,
             .scatterClass, .slice, .pad, .reshape, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
            preconditionFailure("\(instruction.op) is not a convolution or pooling")
        }
    }

    /// A channel count or the batch's size, which channel groups need known when the package builds.
    private func fixed(_ dimension: IRDimension) throws -> Int {
        guard let value = dimension.fixedValue else {
            throw Vectorization.Failure(
                description: "a convolution with a batch of weights (or a weight gradient) over a batch of \(batch.map(\.description).joined(separator: " × ")) needs the batch's size and the channels known when the package builds")
        }
        return value
    }

    /// `op(images…, others…)` with the batch axes of the images (all batched, NCHW) folded into
    /// their first axis and unfolded from the result's.
    private func foldingIntoImages(
        _ op: IROp, images: [IRValue], then others: [IRValue], shape: [IRDimension], _ b: inout IRBuilder
    ) throws -> IRValue {
        let k = batch.count
        let count = try merged([shape[0]], for: "a convolution or pooling")
        let folded = images.map { image in
            let own = Array(b.type(of: image).shape.dropFirst(k))
            return b.emit(.reshape, [image], type: .float([count] + own.dropFirst()))
        }
        let result = b.emit(op, folded + others, type: .float([count] + shape.dropFirst()))
        return b.emit(.reshape, [result], type: .float(batch + shape))
    }

    /// `op` with the batch as channel groups: each image-shaped operand `[batch…, n, c, h, w]`
    /// becomes `[n, batch·c, h, w]`, a weight `[batch…, o, i, kh, kw]` becomes
    /// `[batch·o, i, kh, kw]` (the operand at `weight`, batched), and the groups are multiplied
    /// by the batch's size.
    private func asGroups(
        _ op: IROp, _ window: ConvolutionWindow, images: [IRValue], imageFlags: [Bool], weight: Int?, shape: [IRDimension],
        _ b: inout IRBuilder
    ) throws -> IRValue {
        let k = batch.count
        let members = try fixed(try merged([], for: "a convolution with a batch of weights"))
        var grouped = window
        grouped.groups *= members
        let isWeight = { (index: Int) in index == weight }
        var operands: [IRValue] = []
        for (index, value) in images.enumerated() {
            let full = self.batched(value, imageFlags[index] || isWeight(index), &b)
            let own = Array(b.type(of: full).shape.dropFirst(k))
            if isWeight(index) {
                operands.append(b.emit(.reshape, [full], type: .float([.fixed(members * (try fixed(own[0])))] + own.dropFirst())))
                continue
            }
            // [batch…, n, c, h, w] → [n, batch…, c, h, w] → [n, batch·c, h, w]
            let moved = b.emit(.permute([k] + Array(0..<k) + [k + 1, k + 2, k + 3]), [full], type: .float([own[0]] + batch + own.dropFirst()))
            let channels = IRDimension.fixed(members * (try fixed(own[1])))
            operands.append(b.emit(.reshape, [moved], type: .float([own[0], channels, own[2], own[3]])))
        }
        let resultGrouped: [IRDimension]
        if case .convolution2DWeightGradient = op {
            resultGrouped = [.fixed(members * (try fixed(shape[0])))] + shape.dropFirst()
            let result = b.emit(.convolution2DWeightGradient(grouped), operands, type: .float(resultGrouped))
            return b.emit(.reshape, [result], type: .float(batch + shape))
        }
        let groupedOp: IROp = if case .convolution2D = op { .convolution2D(grouped) } else { .convolution2DInputGradient(grouped) }
        resultGrouped = [shape[0], .fixed(members * (try fixed(shape[1]))), shape[2], shape[3]]
        let result = b.emit(groupedOp, operands, type: .float(resultGrouped))
        // [n, batch·c, h, w] → [n, batch…, c, h, w] → [batch…, n, c, h, w]
        let split = b.emit(.reshape, [result], type: .float([shape[0]] + batch + shape.dropFirst()))
        return b.emit(.permute(Array(1...k) + [0] + [k + 1, k + 2, k + 3]), [split], type: .float(batch + shape))
    }
}

/// One convolution's sizes, read from its operands' and result's shapes.
struct ConvolutionSizes {
    var batch, inputChannels, height, width, outputChannels, kernelHeight, kernelWidth, outputHeight, outputWidth: Int

    /// `input [n, c, h, w]`, `weight [o, c / groups, kh, kw]`, `output [n, o, oh, ow]`.
    init(input: [Int], weight: [Int], output: [Int]) {
        (batch, inputChannels, height, width) = (input[0], input[1], input[2], input[3])
        (outputChannels, kernelHeight, kernelWidth) = (weight[0], weight[2], weight[3])
        (outputHeight, outputWidth) = (output[2], output[3])
    }
}

extension IRInterpreter {
    /// Visits every multiply-add of a convolution: `(input index, weight index, output index)`.
    private static func forEachTap(_ s: ConvolutionSizes, _ window: ConvolutionWindow, _ body: (Int, Int, Int) -> Void) {
        let groupInputs = s.inputChannels / window.groups, groupOutputs = s.outputChannels / window.groups
        for n in 0..<s.batch {
            for o in 0..<s.outputChannels {
                let group = o / groupOutputs
                for oy in 0..<s.outputHeight {
                    for ox in 0..<s.outputWidth {
                        let out = ((n * s.outputChannels + o) * s.outputHeight + oy) * s.outputWidth + ox
                        for i in 0..<groupInputs {
                            let c = group * groupInputs + i
                            for ky in 0..<s.kernelHeight {
                                let y = oy * window.strideY - window.paddingTop + ky * window.dilationY
                                guard (0..<s.height).contains(y) else { continue }
                                for kx in 0..<s.kernelWidth {
                                    let x = ox * window.strideX - window.paddingLeft + kx * window.dilationX
                                    guard (0..<s.width).contains(x) else { continue }
                                    let input = ((n * s.inputChannels + c) * s.height + y) * s.width + x
                                    let weight = ((o * groupInputs + i) * s.kernelHeight + ky) * s.kernelWidth + kx
                                    body(input, weight, out)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func convolution(_ op: IROp, _ a: IRTensor, _ b: IRTensor, shape: [Int]) -> IRTensor {
        var result = IRTensor(shape: shape, values: Array(repeating: 0, count: shape.reduce(1, *)))
        switch op {
        case .convolution2D(let window):
            forEachTap(ConvolutionSizes(input: a.shape, weight: b.shape, output: shape), window) { i, w, o in
                result.values[o] += a.values[i] * b.values[w]
            }
        case .convolution2DInputGradient(let window):
            forEachTap(ConvolutionSizes(input: shape, weight: b.shape, output: a.shape), window) { i, w, o in
                result.values[i] += a.values[o] * b.values[w]
            }
        case .convolution2DWeightGradient(let window):
            forEachTap(ConvolutionSizes(input: a.shape, weight: shape, output: b.shape), window) { i, w, o in
                result.values[w] += a.values[i] * b.values[o]
            }
        case .maxPoolSelect(let window):
            forEachWindow(input: a.shape, output: shape, window) { position, out in result.values[out] = b.values[position(a)] }
        case .maxPoolScatter(let window):
            forEachWindow(input: shape, output: b.shape, window) { position, out in result.values[position(a)] += b.values[out] }
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .matmul, .transpose,
             .broadcast, .sumToShape, .reduceSum, .reduceMax, .expandAxis, .logSumExp, .softmax, .pickClass,
             .scatterClass, .slice, .pad, .reshape, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
            preconditionFailure("\(op) is not a convolution or pooling")
        }
        return result
    }

    /// Visits every pooling window with a function giving the position of a tensor's maximum
    /// in it (the first in row-major window order on ties, as PyTorch), and the output index.
    private static func forEachWindow(
        input: [Int], output: [Int], _ window: PoolingWindow, _ body: ((IRTensor) -> Int, Int) -> Void
    ) {
        let (channels, height, width) = (input[0] * input[1], input[2], input[3])
        let (outputHeight, outputWidth) = (output[2], output[3])
        for c in 0..<channels {
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    var taps: [Int] = []
                    for ky in 0..<window.kernelHeight {
                        let y = oy * window.strideY - window.paddingTop + ky * window.dilationY
                        guard (0..<height).contains(y) else { continue }
                        for kx in 0..<window.kernelWidth {
                            let x = ox * window.strideX - window.paddingLeft + kx * window.dilationX
                            if (0..<width).contains(x) { taps.append((c * height + y) * width + x) }
                        }
                    }
                    let largest = { (tensor: IRTensor) in
                        taps.dropFirst().reduce(taps[0]) { best, tap in tensor.values[tap] > tensor.values[best] ? tap : best }
                    }
                    body(largest, (c * outputHeight + oy) * outputWidth + ox)
                }
            }
        }
    }
}

extension FunctionEmitter {
    /// A call of the runtime's convolution or pooling kernel into the result's storage.
    mutating func emitConvolution(_ instruction: IRInstruction, _ printer: inout CodePrinter) {
        let out = bindStorage(instruction, &printer)
        let x = instruction.operands.map { expressions[$0]! }
        let shapes = instruction.operands.map { shape(of: $0).map(dimension) }
        let result = instruction.type.shape.map(dimension)
        switch instruction.op {
        case .convolution2D(let window):
            let geometry = declareGeometry(window, input: shapes[0], weight: shapes[1], output: result, &printer)
            printer.call("Kernels.convolution2D", arguments: [geometry, "input: \(x[0])", "weight: \(x[1])", "bias: nil", "output: \(out)"])
        case .convolution2DInputGradient(let window):
            let geometry = declareGeometry(window, input: result, weight: shapes[1], output: shapes[0], &printer)
            printer.call("Kernels.convolution2DInputGradient", arguments: [
                geometry, "outputGradient: \(x[0])", "weight: \(x[1])", "inputGradient: \(out)",
            ])
        case .convolution2DWeightGradient(let window):
            let geometry = declareGeometry(window, input: shapes[0], weight: result, output: shapes[1], &printer)
            printer.call("Kernels.convolution2DWeightGradient", arguments: [
                geometry, "input: \(x[0])", "outputGradient: \(x[1])", "weightGradient: \(out)",
            ])
        case .maxPoolSelect(let window):
            let geometry = declareGeometry(window, input: shapes[0], output: result, &printer)
            printer.call("Kernels.maxPool2DSelect", arguments: [geometry, "input: \(x[0])", "source: \(x[1])", "output: \(out)"])
        case .maxPoolScatter(let window):
            let geometry = declareGeometry(window, input: result, output: shapes[1], &printer)
            printer.call("Kernels.maxPool2DScatter", arguments: [geometry, "input: \(x[0])", "gradient: \(x[1])", "result: \(out)"])
        case .argument, .parameter, .constant, .count, .unary, .binary, .compare, .select, .matmul, .transpose,
             .broadcast, .sumToShape, .reduceSum, .reduceMax, .expandAxis, .logSumExp, .softmax, .pickClass,
             .scatterClass, .slice, .pad, .reshape, .permute, .iota, .gather, .scatterAdd, .argmax, .dropoutMask, .stopGradient, .call, .loop, .elementAt:
            preconditionFailure("\(instruction.op) is not a convolution or pooling")
        }
    }

    /// Declares the kernel's geometry, `let geometry = Convolution2DGeometry(…)`, and returns its name.
    private mutating func declareGeometry(
        _ window: ConvolutionWindow, input: [String], weight: [String], output: [String], _ printer: inout CodePrinter
    ) -> String {
        let name = names.fresh("geometry")
        printer.call("let \(name) = Convolution2DGeometry", arguments: [
            "batch: \(input[0])", "inputChannels: \(input[1])", "height: \(input[2])", "width: \(input[3])",
            "outputChannels: \(weight[0])", "kernelHeight: \(weight[2])", "kernelWidth: \(weight[3])",
            "strideY: \(window.strideY)", "strideX: \(window.strideX)", "paddingTop: \(window.paddingTop)",
            "paddingLeft: \(window.paddingLeft)", "dilationY: \(window.dilationY)", "dilationX: \(window.dilationX)",
            "groups: \(window.groups)", "outputHeight: \(output[2])", "outputWidth: \(output[3])",
        ])
        return name
    }

    /// Declares a pooling kernel's geometry, `let geometry = Pooling2DGeometry(…)`, and returns its name.
    private mutating func declareGeometry(_ window: PoolingWindow, input: [String], output: [String], _ printer: inout CodePrinter) -> String {
        let name = names.fresh("geometry")
        printer.call("let \(name) = Pooling2DGeometry", arguments: [
            "batch: \(input[0])", "channels: \(input[1])", "height: \(input[2])", "width: \(input[3])",
            "kernelHeight: \(window.kernelHeight)", "kernelWidth: \(window.kernelWidth)", "strideY: \(window.strideY)",
            "strideX: \(window.strideX)", "paddingTop: \(window.paddingTop)", "paddingLeft: \(window.paddingLeft)",
            "dilationY: \(window.dilationY)", "dilationX: \(window.dilationX)", "outputHeight: \(output[2])",
            "outputWidth: \(output[3])",
        ])
        return name
    }
}
