import Testing
@testable import Tapeless

/// Geometries around every edge the kernels have: strides, padding before and after the
/// input (more than the kernel, too), dilation, groups up to depthwise, non-square kernels,
/// single samples, channels and pixels, patch matrices deeper than one packed block (256
/// rows) and outputs too many for one block of the input gradient.
private let geometries: [Convolution2DGeometry] = [
    .make(inputChannels: 1, height: 28, width: 28, outputChannels: 6, kernel: (5, 5)),  // LeNet's conv1
    .make(batch: 3, inputChannels: 6, height: 12, width: 12, outputChannels: 16, kernel: (5, 5)),  // LeNet's conv2
    .make(batch: 1, inputChannels: 1, height: 1, width: 1, outputChannels: 1, kernel: (1, 1)),
    .make(batch: 1, inputChannels: 3, height: 5, width: 4, outputChannels: 2, kernel: (5, 4)),  // output 1 × 1
    .make(inputChannels: 3, height: 7, width: 9, outputChannels: 5, kernel: (3, 2), stride: (2, 3), padding: (1, 2)),
    .make(inputChannels: 2, height: 6, width: 11, outputChannels: 3, kernel: (2, 3), stride: (3, 2), padding: (2, 0),
          trailingPadding: (0, 4)),
    .make(inputChannels: 2, height: 9, width: 10, outputChannels: 4, kernel: (3, 3), padding: (2, 2), dilation: (2, 3)),
    .make(inputChannels: 4, height: 5, width: 6, outputChannels: 6, kernel: (3, 3), padding: (1, 1), groups: 2),
    .make(inputChannels: 3, height: 6, width: 5, outputChannels: 6, kernel: (3, 3), stride: (2, 1), padding: (1, 1),
          groups: 3),  // depthwise, two outputs per channel
    .make(batch: 1, inputChannels: 2, height: 3, width: 3, outputChannels: 2, kernel: (2, 2), padding: (4, 5)),
    .make(batch: 1, inputChannels: 30, height: 5, width: 6, outputChannels: 13, kernel: (3, 3), padding: (1, 1)),
    .make(batch: 1, inputChannels: 2, height: 4, width: 5, outputChannels: 300, kernel: (2, 2)),
    .make(batch: 1, inputChannels: 1, height: 3, width: 70, outputChannels: 2, kernel: (1, 7), stride: (1, 2),
          dilation: (1, 2)),
]

/// Convolutions past the splitting threshold, with batches that split unevenly.
private let largeGeometries: [Convolution2DGeometry] = [
    .make(batch: 13, inputChannels: 1, height: 28, width: 28, outputChannels: 6, kernel: (5, 5)),
    .make(batch: 11, inputChannels: 6, height: 12, width: 12, outputChannels: 16, kernel: (5, 5)),
    .make(batch: 11, inputChannels: 8, height: 17, width: 15, outputChannels: 12, kernel: (3, 3), stride: (2, 1),
          padding: (1, 1), groups: 2),
]

/// A pool of one thread and one of two, so a call runs whole or split however busy the
/// shared pool is.
private let oneThread = WorkerPool(threadCount: 1)
private let twoThreads = WorkerPool(threadCount: 2)

struct Convolution2DTests {
    @Test("The convolution and both gradients match the definition on every path", arguments: geometries)
    func matchesDefinition(g: Convolution2DGeometry) {
        let operands = ConvolutionOperands(g)
        for bias in [false, true] {
            let reference = ConvolutionReference(operands, bias: bias)
            for path in Kernels.availableInstructionSets {
                let forward = operands.forward(bias: bias, instructionSet: path)
                #expect(ConvolutionReference.mismatches(forward, reference.output).isEmpty, "\(path) bias \(bias)")
                guard !bias else { continue }
                let inputGradient = operands.inputGradient(instructionSet: path)
                #expect(ConvolutionReference.mismatches(inputGradient, reference.inputGradient).isEmpty, "\(path)")
                let weightGradient = operands.weightGradient(instructionSet: path)
                #expect(ConvolutionReference.mismatches(weightGradient, reference.weightGradient).isEmpty, "\(path)")
            }
        }
    }

    @Test("The gradients are the adjoints of the convolution: Σ g·conv(x, w) = Σ x·∂x = Σ w·∂w",
          arguments: geometries + largeGeometries)
    func adjointIdentity(g: Convolution2DGeometry) {
        let operands = ConvolutionOperands(g, seed: 41)
        func dot(_ x: [Float], _ y: [Float]) -> (value: Double, magnitude: Double) {
            zip(x, y).reduce(into: (0.0, 0.0)) { sum, pair in
                let term = Double(pair.0) * Double(pair.1)
                sum.0 += term
                sum.1 += abs(term)
            }
        }
        let outputSide = dot(operands.outputGradient, operands.forward(bias: false))
        let inputSide = dot(operands.input, operands.inputGradient())
        let weightSide = dot(operands.weight, operands.weightGradient())
        let depth = Double(g.batch * g.outputHeight * g.outputWidth + g.weightCount)
        let tolerance = 1e-6 * depth * max(outputSide.magnitude, inputSide.magnitude, weightSide.magnitude)
        #expect(abs(outputSide.value - inputSide.value) <= tolerance, "\(outputSide) vs \(inputSide)")
        #expect(abs(outputSide.value - weightSide.value) <= tolerance, "\(outputSide) vs \(weightSide)")
    }

    @Test("Large calls give the same bits split across threads as on one thread", arguments: largeGeometries)
    func threadCountIndependence(g: Convolution2DGeometry) {
        #expect(g.isWorthSplitting && g.weightGradientChunks > 1)
        let operands = ConvolutionOperands(g, seed: 61)
        for path in Kernels.availableInstructionSets {
            func run<Result>(on pool: WorkerPool, _ body: () -> Result) -> Result {
                ParallelParts.$taskPool.withValue(pool, operation: body)
            }
            #expect(sameBits(run(on: oneThread) { operands.forward(bias: true, instructionSet: path) },
                             run(on: twoThreads) { operands.forward(bias: true, instructionSet: path) }), "\(path)")
            #expect(sameBits(run(on: oneThread) { operands.inputGradient(instructionSet: path) },
                             run(on: twoThreads) { operands.inputGradient(instructionSet: path) }), "\(path)")
            #expect(sameBits(run(on: oneThread) { operands.weightGradient(instructionSet: path) },
                             run(on: twoThreads) { operands.weightGradient(instructionSet: path) }), "\(path)")
        }
        // The split result is also right, not merely reproducible.
        let reference = ConvolutionReference(operands, bias: true)
        let split = ParallelParts.$taskPool.withValue(twoThreads) { operands.weightGradient() }
        #expect(ConvolutionReference.mismatches(split, reference.weightGradient).isEmpty)
    }

    @Test("The implied padding after the input is the least that fits the last window")
    func impliedPadding() {
        let g = Convolution2DGeometry.make(
            inputChannels: 1, height: 6, width: 11, outputChannels: 1, kernel: (2, 3), stride: (3, 2), padding: (2, 0),
            trailingPadding: (0, 4))
        #expect((g.outputHeight, g.outputWidth) == (3, 7))
        #expect((g.paddingBottom, g.paddingRight) == (0, 4))
        // LeNet's layers have none.
        #expect(geometries[0].paddingBottom == 0 && geometries[1].paddingRight == 0)
    }

    @Test("An empty batch writes nothing but zeros the weight gradient")
    func emptyBatch() {
        var g = geometries[4]
        g.batch = 0
        #expect(ConvolutionOperands(g).weightGradient() == [Float](repeating: 0, count: g.weightCount))
    }

    @Test("Groups that do not divide the channels are refused")
    func groupsMustDivideChannels() async {
        await #expect(processExitsWith: .failure) {
            var g = Convolution2DGeometry.make(inputChannels: 4, height: 5, width: 5, outputChannels: 6, kernel: (3, 3))
            g.groups = 4
            _ = ConvolutionOperands(g).forward(bias: false)
        }
    }

    @Test("An output smaller than the formula gives is refused")
    func outputTooSmall() async {
        await #expect(processExitsWith: .failure) {
            var g = Convolution2DGeometry.make(inputChannels: 1, height: 28, width: 28, outputChannels: 6, kernel: (5, 5))
            g.outputWidth = 23
            _ = ConvolutionOperands(g).inputGradient()
        }
    }

    @Test("Negative padding and a zero stride are refused")
    func badSettings() async {
        await #expect(processExitsWith: .failure) {
            var g = Convolution2DGeometry.make(inputChannels: 1, height: 8, width: 8, outputChannels: 1, kernel: (3, 3))
            g.paddingTop = -1
            _ = ConvolutionOperands(g).weightGradient()
        }
        await #expect(processExitsWith: .failure) {
            var g = Convolution2DGeometry.make(inputChannels: 1, height: 8, width: 8, outputChannels: 1, kernel: (3, 3))
            g.strideX = 0
            _ = ConvolutionOperands(g).forward(bias: true)
        }
    }
}
