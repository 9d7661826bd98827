import Tapeless

/// The matrix products of a B2 training step, timed alone on every kernel path this machine
/// has, on one thread and on all of them, so a slow path shows on any machine in one run.
enum KernelBenchmark {
    /// One product C = op(A)·op(B) of the B2 step: m × k times k × n.
    struct Shape {
        /// The JSON key, shared with the NumPy peer's (`Peers/bench_numpy.py --kernels`).
        var key: String
        var label: String
        var transposeA = false, transposeB = false
        var m: Int, n: Int, k: Int

        var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// B2's products at batch 1000 and 32: the first layer's forward product and weight
    /// gradient, which dominate, then the narrow output layer's three products at batch 1000.
    static let shapes = [
        Shape(key: "b1000_fc1_forward", label: "B=1000 fc1 forward", m: 1000, n: 128, k: 784),
        Shape(key: "b1000_fc1_weight_gradient", label: "B=1000 fc1 weight grad", transposeA: true, m: 784, n: 128, k: 1000),
        Shape(key: "b1000_fc2_forward", label: "B=1000 fc2 forward", m: 1000, n: 10, k: 128),
        Shape(key: "b1000_fc2_input_gradient", label: "B=1000 fc2 input grad", transposeB: true, m: 1000, n: 128, k: 10),
        Shape(key: "b1000_fc2_weight_gradient", label: "B=1000 fc2 weight grad", transposeA: true, m: 128, n: 10, k: 1000),
        Shape(key: "b32_fc1_forward", label: "B=32 fc1 forward", m: 32, n: 128, k: 784),
        Shape(key: "b32_fc1_weight_gradient", label: "B=32 fc1 weight grad", transposeA: true, m: 784, n: 128, k: 32),
    ]

    /// One path's speed on one shape, in GFLOP/s: on one thread, and on `threads` threads.
    struct Rate {
        var singleThread: Double
        var allThreads: Double
    }

    /// Every available path's rates on every shape (`[path: [shape key: rate]]`), each the best
    /// of `repetitions` products, and the thread count of the multi-threaded column.
    static func run(repetitions: Int) -> (rates: [String: [String: Rate]], threads: Int) {
        let threads = Kernels.maximumThreadCount
        defer { Kernels.maximumThreadCount = threads }
        var rates: [String: [String: Rate]] = [:]
        for shape in shapes {
            let operands = Operands(shape)
            for path in Kernels.availableInstructionSets {
                Kernels.maximumThreadCount = 1
                let single = operands.bestRate(path: path, repetitions: repetitions)
                Kernels.maximumThreadCount = threads
                let all = operands.bestRate(path: path, repetitions: repetitions)
                rates[path, default: [:]][shape.key] = Rate(singleThread: single, allThreads: all)
            }
        }
        return (rates, threads)
    }

    /// A shape's operands, filled from a seeded stream, and its output.
    private final class Operands {
        let shape: Shape
        let a: [Float], b: [Float]
        var c: [Float]

        init(_ shape: Shape) {
            self.shape = shape
            a = RandomStream(seed: 1).uniformValues(count: shape.m * shape.k, low: -1, high: 1)
            b = RandomStream(seed: 2).uniformValues(count: shape.k * shape.n, low: -1, high: 1)
            c = [Float](repeating: 0, count: shape.m * shape.n)
        }

        /// The best rate of `repetitions` products on `path`, after one untimed product.
        func bestRate(path: String, repetitions: Int) -> Double {
            var best = Double.infinity
            for repetition in 0...repetitions {
                let seconds = Timing.seconds { multiply(path: path) }
                if repetition > 0 { best = min(best, seconds) }
            }
            return shape.flops / best / 1e9
        }

        private func multiply(path: String) {
            let shape = shape
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        Kernels.matrixMultiply(
                            transposeA: shape.transposeA, transposeB: shape.transposeB,
                            m: shape.m, n: shape.n, k: shape.k,
                            a: a.baseAddress!, lda: shape.transposeA ? shape.m : shape.k,
                            b: b.baseAddress!, ldb: shape.transposeB ? shape.k : shape.n,
                            c: c.baseAddress!, ldc: shape.n, instructionSet: path)
                    }
                }
            }
        }
    }
}
