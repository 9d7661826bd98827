import Testing
@testable import Tapeless

/// Pools kept for the whole run, as the other thread-count tests keep theirs: a pool's
/// threads outlive it, so one made per test would leak.
private let oneThread = WorkerPool(threadCount: 1)
private let twoThreads = WorkerPool(threadCount: 2)

extension Pooling2DGeometry {
    /// A geometry whose output size is the one the formula gives with the given padding after
    /// the input (by default none).
    static func make(
        batch: Int = 2, channels: Int = 3, height: Int, width: Int, kernel: (height: Int, width: Int),
        stride: (y: Int, x: Int), padding: (top: Int, left: Int) = (0, 0),
        trailingPadding: (bottom: Int, right: Int) = (0, 0), dilation: (y: Int, x: Int) = (1, 1)
    ) -> Pooling2DGeometry {
        Pooling2DGeometry(
            batch: batch, channels: channels, height: height, width: width, kernelHeight: kernel.height,
            kernelWidth: kernel.width, strideY: stride.y, strideX: stride.x, paddingTop: padding.top,
            paddingLeft: padding.left, dilationY: dilation.y, dilationX: dilation.x,
            outputHeight: (height + padding.top + trailingPadding.bottom - dilation.y * (kernel.height - 1) - 1) / stride.y + 1,
            outputWidth: (width + padding.left + trailingPadding.right - dilation.x * (kernel.width - 1) - 1) / stride.x + 1)
    }

    var inputCount: Int { batch * channels * height * width }
    var outputCount: Int { batch * channels * outputHeight * outputWidth }

    /// For each window in output order, the flat input index of its maximum by the definition:
    /// the first strictly greater value in row-major window order, or the last NaN.
    func reference(_ input: [Float]) -> [Int] {
        var chosen: [Int] = []
        for plane in 0..<(batch * channels) {
            for y in 0..<outputHeight {
                for x in 0..<outputWidth {
                    var best: Int?
                    for dy in 0..<kernelHeight {
                        for dx in 0..<kernelWidth {
                            let row = y * strideY - paddingTop + dy * dilationY
                            let column = x * strideX - paddingLeft + dx * dilationX
                            guard (0..<height).contains(row), (0..<width).contains(column) else { continue }
                            let index = (plane * height + row) * width + column
                            if let current = best, !(input[index] > input[current] || input[index].isNaN) { continue }
                            best = index
                        }
                    }
                    chosen.append(best!)
                }
            }
        }
        return chosen
    }

    func select(_ input: [Float], source: [Float]) -> [Float] {
        var output = [Float](repeating: .nan, count: outputCount)
        Kernels.maxPool2DSelect(self, input: input, source: source, output: &output)
        return output
    }

    func scatter(_ input: [Float], gradient: [Float]) -> [Float] {
        var result = [Float](repeating: .nan, count: inputCount)
        Kernels.maxPool2DScatter(self, input: input, gradient: gradient, result: &result)
        return result
    }
}

/// Poolings with strides, overlapping and dilated windows, padding before and after the input,
/// a window as large as the input, and single samples, channels and pixels.
private let geometries: [Pooling2DGeometry] = [
    .make(height: 24, width: 24, kernel: (2, 2), stride: (2, 2)),  // LeNet's first pooling
    .make(batch: 1, channels: 1, height: 1, width: 1, kernel: (1, 1), stride: (1, 1)),
    .make(height: 7, width: 9, kernel: (3, 2), stride: (1, 1)),  // overlapping
    .make(height: 9, width: 8, kernel: (3, 3), stride: (2, 3), padding: (1, 1), trailingPadding: (1, 1)),
    .make(height: 10, width: 11, kernel: (2, 3), stride: (1, 2), padding: (1, 2), dilation: (3, 2)),
    .make(batch: 1, channels: 2, height: 5, width: 4, kernel: (5, 4), stride: (1, 1)),  // output 1 × 1
]

/// Small whole numbers, so many windows hold ties.
private func tiedValues(_ count: Int, seed: UInt64) -> [Float] {
    RandomStream(seed: seed).uniformValues(count: count, low: 0, high: 4).map { $0.rounded(.down) }
}

struct MaxPool2DTests {
    @Test("Select takes the source at each window's maximum, the first of equal ones", arguments: geometries)
    func select(g: Pooling2DGeometry) {
        for input in [tiedValues(g.inputCount, seed: 5), RandomStream(seed: 6).uniformValues(count: g.inputCount)] {
            // Each source element names its own position, so the output says which one was chosen.
            let positions = (0..<g.inputCount).map(Float.init)
            #expect(g.select(input, source: positions) == g.reference(input).map(Float.init))
            #expect(g.select(input, source: input) == g.reference(input).map { input[$0] })
        }
    }

    @Test("Scatter adds each window's gradient at its maximum, accumulating where windows share one",
          arguments: geometries)
    func scatter(g: Pooling2DGeometry) {
        let input = tiedValues(g.inputCount, seed: 7)
        let gradient = RandomStream(seed: 8).uniformValues(count: g.outputCount, low: -1, high: 1)
        var expected = [Float](repeating: 0, count: g.inputCount)
        for (window, index) in g.reference(input).enumerated() { expected[index] += gradient[window] }
        #expect(g.scatter(input, gradient: gradient) == expected)
    }

    @Test("Scatter is the adjoint of select: Σ gradient · select(x, s) = Σ s · scatter(x, gradient)")
    func adjoint() {
        let g = geometries[4]
        let input = tiedValues(g.inputCount, seed: 9)
        let source = RandomStream(seed: 10).uniformValues(count: g.inputCount, low: -1, high: 1)
        let gradient = RandomStream(seed: 11).uniformValues(count: g.outputCount, low: -1, high: 1)
        let left = zip(gradient, g.select(input, source: source)).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(source, g.scatter(input, gradient: gradient)).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) <= 1e-5 * Double(g.outputCount))
    }

    @Test("NaN wins a window, the last of several; minus infinity still loses to nothing")
    func specialValues() {
        let g = Pooling2DGeometry.make(batch: 1, channels: 1, height: 2, width: 4, kernel: (2, 2), stride: (2, 2))
        let nan = Float.nan, infinity = Float.infinity
        let input: [Float] = [1, nan, -infinity, -infinity,
                              nan, 3, -infinity, -infinity]
        let positions = (0..<8).map(Float.init)
        // Window 0's NaNs are at positions 1 and 4; window 1 holds only minus infinity: its first.
        #expect(g.select(input, source: positions) == [4, 2])
    }

    @Test("Large poolings give the same bits split across threads as on one thread")
    func threadCountIndependence() {
        let g = Pooling2DGeometry.make(batch: 40, channels: 6, height: 24, width: 24, kernel: (3, 3), stride: (2, 2),
                                       padding: (1, 1), trailingPadding: (1, 1))
        #expect(g.inputCount >= MaxPoolWindows.splittingThreshold)
        let input = tiedValues(g.inputCount, seed: 12)
        let gradient = RandomStream(seed: 13).uniformValues(count: g.outputCount, low: -1, high: 1)
        let single = ParallelParts.$taskPool.withValue(oneThread) {
            (g.select(input, source: input), g.scatter(input, gradient: gradient))
        }
        let split = ParallelParts.$taskPool.withValue(twoThreads) {
            (g.select(input, source: input), g.scatter(input, gradient: gradient))
        }
        #expect(sameBits(single.0, split.0) && sameBits(single.1, split.1))
        #expect(single.0 == g.reference(input).map { input[$0] })
    }

    @Test("A window wholly in the padding is refused")
    func windowInPadding() async {
        await #expect(processExitsWith: .failure) {
            // Rows -3 and -2 of the first window are both padding.
            let g = Pooling2DGeometry.make(batch: 1, channels: 1, height: 4, width: 4, kernel: (2, 2), stride: (2, 2),
                                           padding: (3, 0))
            _ = g.select([Float](repeating: 0, count: 16), source: [Float](repeating: 0, count: 16))
        }
    }

    @Test("An output smaller than the formula gives is refused")
    func outputTooSmall() async {
        await #expect(processExitsWith: .failure) {
            var g = Pooling2DGeometry.make(batch: 1, channels: 1, height: 4, width: 4, kernel: (2, 2), stride: (2, 2))
            g.outputHeight = 1
            _ = g.scatter([Float](repeating: 0, count: 16), gradient: [0, 0])
        }
    }
}
