import Tapeless

extension Convolution2DGeometry {
    /// A geometry whose output size is the one the formula gives with the given padding after
    /// the input (by default as much as before it) (PyTorch's `floor((in + before + after − dilation·(k − 1) − 1) / stride) + 1`).
    static func make(
        batch: Int = 2, inputChannels: Int, height: Int, width: Int, outputChannels: Int,
        kernel: (height: Int, width: Int), stride: (y: Int, x: Int) = (1, 1), padding: (top: Int, left: Int) = (0, 0),
        trailingPadding: (bottom: Int, right: Int)? = nil, dilation: (y: Int, x: Int) = (1, 1), groups: Int = 1
    ) -> Convolution2DGeometry {
        let after = trailingPadding ?? (padding.top, padding.left)
        return Convolution2DGeometry(
            batch: batch, inputChannels: inputChannels, height: height, width: width, outputChannels: outputChannels,
            kernelHeight: kernel.height, kernelWidth: kernel.width, strideY: stride.y, strideX: stride.x,
            paddingTop: padding.top, paddingLeft: padding.left, dilationY: dilation.y, dilationX: dilation.x,
            groups: groups,
            outputHeight: (height + padding.top + after.bottom - dilation.y * (kernel.height - 1) - 1) / stride.y + 1,
            outputWidth: (width + padding.left + after.right - dilation.x * (kernel.width - 1) - 1) / stride.x + 1)
    }

    var inputCount: Int { batch * inputChannels * height * width }
    var weightCount: Int { outputChannels * (inputChannels / groups) * kernelHeight * kernelWidth }
    var outputCount: Int { batch * outputChannels * outputHeight * outputWidth }
}

/// Operands of one convolution, filled from random streams.
struct ConvolutionOperands {
    var g: Convolution2DGeometry
    var input: [Float]
    var weight: [Float]
    var bias: [Float]
    /// A gradient with respect to the output, for the two gradients.
    var outputGradient: [Float]

    init(_ g: Convolution2DGeometry, seed: UInt64 = 21) {
        self.g = g
        input = RandomStream(seed: seed).uniformValues(count: g.inputCount, low: -1, high: 1)
        weight = RandomStream(seed: seed + 1).uniformValues(count: g.weightCount, low: -1, high: 1)
        bias = RandomStream(seed: seed + 2).uniformValues(count: g.outputChannels, low: -1, high: 1)
        outputGradient = RandomStream(seed: seed + 3).uniformValues(count: g.outputCount, low: -1, high: 1)
    }

    /// The output, starting from NaN so a kernel that leaves an element unwritten fails.
    func forward(bias useBias: Bool, instructionSet: String? = nil) -> [Float] {
        var output = [Float](repeating: .nan, count: g.outputCount)
        bias.withUnsafeBufferPointer { bias in
            Kernels.convolution2D(
                g, input: input, weight: weight, bias: useBias ? bias.baseAddress : nil, output: &output,
                instructionSet: instructionSet)
        }
        return output
    }

    /// The input gradient, starting from NaN.
    func inputGradient(instructionSet: String? = nil) -> [Float] {
        var result = [Float](repeating: .nan, count: g.inputCount)
        Kernels.convolution2DInputGradient(
            g, outputGradient: outputGradient, weight: weight, inputGradient: &result, instructionSet: instructionSet)
        return result
    }

    /// The weight gradient, starting from NaN.
    func weightGradient(instructionSet: String? = nil) -> [Float] {
        var result = [Float](repeating: .nan, count: g.weightCount)
        Kernels.convolution2DWeightGradient(
            g, input: input, outputGradient: outputGradient, weightGradient: &result, instructionSet: instructionSet)
        return result
    }
}

/// A value computed in Double beside the sum of its terms' magnitudes, which bounds the error
/// of any float order of summation.
struct Exact {
    var value = 0.0
    var magnitude = 0.0
    var terms = 0

    mutating func add(_ x: Double, _ y: Double) {
        value += x * y
        magnitude += abs(x * y)
        terms += 1
    }

    /// Whether a float result is within rounding of this value.
    func matches(_ got: Float) -> Bool {
        abs(Double(got) - value) <= 1e-6 * Double(terms + 2) * magnitude + 1e-6
    }
}

/// The convolution and both gradients by the definition, term by term in Double.
struct ConvolutionReference {
    var output: [Exact]
    var inputGradient: [Exact]
    var weightGradient: [Exact]

    init(_ operands: ConvolutionOperands, bias: Bool) {
        let g = operands.g
        output = Array(repeating: Exact(), count: g.outputCount)
        inputGradient = Array(repeating: Exact(), count: g.inputCount)
        weightGradient = Array(repeating: Exact(), count: g.weightCount)
        let perGroupIn = g.inputChannels / g.groups, perGroupOut = g.outputChannels / g.groups
        for b in 0..<g.batch {
            for o in 0..<g.outputChannels {
                for y in 0..<g.outputHeight {
                    for x in 0..<g.outputWidth {
                        let out = ((b * g.outputChannels + o) * g.outputHeight + y) * g.outputWidth + x
                        if bias { output[out].add(Double(operands.bias[o]), 1) }
                        let gradient = Double(operands.outputGradient[out])
                        for i in 0..<perGroupIn {
                            let channel = o / perGroupOut * perGroupIn + i
                            for dy in 0..<g.kernelHeight {
                                let row = y * g.strideY - g.paddingTop + dy * g.dilationY
                                guard (0..<g.height).contains(row) else { continue }
                                for dx in 0..<g.kernelWidth {
                                    let column = x * g.strideX - g.paddingLeft + dx * g.dilationX
                                    guard (0..<g.width).contains(column) else { continue }
                                    let w = ((o * perGroupIn + i) * g.kernelHeight + dy) * g.kernelWidth + dx
                                    let at = ((b * g.inputChannels + channel) * g.height + row) * g.width + column
                                    let weight = Double(operands.weight[w]), input = Double(operands.input[at])
                                    output[out].add(weight, input)
                                    inputGradient[at].add(weight, gradient)
                                    weightGradient[w].add(gradient, input)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The indices where `got` is not within rounding of `expected`.
    static func mismatches(_ got: [Float], _ expected: [Exact]) -> [Int] {
        guard got.count == expected.count else { return [-1] }
        return got.indices.filter { !expected[$0].matches(got[$0]) }
    }
}

/// Whether two results hold the same bits everywhere (NaN included).
func sameBits(_ x: [Float], _ y: [Float]) -> Bool {
    x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
}
