import CTapelessKernels
import Foundation
import Tapeless
import Testing

/// One product to check: operands are filled from a random stream, C is padded past `n` with
/// a sentinel that must survive, and with `beta == 0` C starts as NaN that must not.
struct Product: CustomStringConvertible {
    var transposeA = false, transposeB = false
    var m: Int, n: Int, k: Int
    var alpha: Float = 1, beta: Float = 0
    /// Extra elements per stored row of A, B and C beyond the width (lda > width and so on).
    var padding = 0

    var description: String {
        "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") m=\(m) n=\(n) k=\(k) alpha=\(alpha) beta=\(beta) pad=\(padding)"
    }

    static let sentinel: Float = -7777

    /// A multiply-accumulate under test, on this product's operands and strides.
    typealias Multiply = (_ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                          _ c: UnsafeMutablePointer<Float>, _ ldc: Int) -> Void

    var lda: Int { (transposeA ? m : k) + padding }
    var ldb: Int { (transposeB ? k : n) + padding }
    var ldc: Int { n + padding }

    /// The operands, the same on every call: A and B, and C before the product.
    func operands() -> (a: [Float], b: [Float], c: [Float]) {
        let aRows = transposeA ? k : m, bRows = transposeB ? n : k
        // Allocate at least one element so empty operands still have an address.
        let a = RandomStream(seed: 11).uniformValues(count: Swift.max(aRows * lda, 1), low: -1, high: 1)
        let b = RandomStream(seed: 12).uniformValues(count: Swift.max(bRows * ldb, 1), low: -1, high: 1)
        var c = RandomStream(seed: 13).uniformValues(count: Swift.max(m * ldc, 1), low: -1, high: 1)
        for i in 0..<m {
            for j in 0..<ldc { c[i * ldc + j] = j >= n ? Self.sentinel : beta == 0 ? .nan : c[i * ldc + j] }
        }
        return (a, b, c)
    }

    /// C after running `multiply` on the operands.
    func result(_ multiply: Multiply) -> [Float] {
        let (a, b, original) = operands()
        var c = original
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    multiply(a.baseAddress!, lda, b.baseAddress!, ldb, c.baseAddress!, ldc)
                }
            }
        }
        return c
    }

    /// Runs the product with `multiply` and returns how many elements of C are wrong.
    func mismatches(_ multiply: Multiply) -> Int {
        let (a, b, original) = operands()
        let c = result(multiply)
        var wrong = 0
        for i in 0..<m {
            for j in 0..<ldc {
                let got = c[i * ldc + j]
                if j >= n {
                    if got != Self.sentinel { wrong += 1 }
                    continue
                }
                // Naive triple loop in Double, with a tolerance scaled by the magnitudes summed.
                var exact = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let x = Double(transposeA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(transposeB ? b[j * ldb + p] : b[p * ldb + j])
                    exact += x * y
                    magnitude += abs(x * y)
                }
                let old = beta == 0 ? 0 : Double(original[i * ldc + j])
                let expected = Double(alpha) * exact + Double(beta) * old
                let scale = abs(Double(alpha)) * magnitude + abs(Double(beta) * old)
                if !(abs(Double(got) - expected) <= 1e-6 * Double(k + 2) * scale + 1e-7) { wrong += 1 }
            }
        }
        return wrong
    }
}

/// Odd sizes around the micro-tile and cache-block edges of every instruction set.
private let shapes: [(m: Int, n: Int, k: Int)] = [
    (1, 1, 1), (1, 7, 3), (3, 1, 17), (7, 17, 1), (17, 33, 7), (33, 65, 130), (65, 3, 257),
    (130, 10, 33), (257, 130, 65), (13, 257, 300), (33, 17, 520), (500, 7, 9), (6, 520, 5),
    // Past the row block (480) and the depth block (256): a transposed A packed, then an
    // untransposed A read in place, both over several column panels.
    (485, 40, 270), (490, 36, 260),
]

private func product(_ p: Product) -> Int {
    p.mismatches { a, lda, b, ldb, c, ldc in
        Kernels.matrixMultiply(
            transposeA: p.transposeA, transposeB: p.transposeB, m: p.m, n: p.n, k: p.k, alpha: p.alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: p.beta, c: c, ldc: ldc)
    }
}

struct MatrixMultiplyTests {
    @Test("Every transpose combination on odd sizes, with padded strides, alpha and beta",
          arguments: [false, true], [false, true])
    func transposes(transposeA: Bool, transposeB: Bool) {
        for (index, shape) in shapes.enumerated() {
            let beta: Float = [0, 1, -0.5][index % 3]
            let p = Product(
                transposeA: transposeA, transposeB: transposeB, m: shape.m, n: shape.n, k: shape.k,
                alpha: index % 2 == 0 ? 1 : 1.5, beta: beta, padding: index % 2 == 0 ? 0 : 3)
            #expect(product(p) == 0, "\(p)")
        }
    }

    @Test("beta 0 overwrites NaN in C; beta 1 and other betas accumulate", arguments: [Float(0), 1, 0.25])
    func betas(beta: Float) {
        for shape in [(m: 7, n: 33, k: 17), (m: 65, n: 130, k: 257)] {
            let p = Product(m: shape.m, n: shape.n, k: shape.k, alpha: -2, beta: beta, padding: 5)
            #expect(product(p) == 0, "\(p)")
        }
    }

    @Test("Degenerate sizes: k = 0 scales C by beta, m = 0 and n = 0 do nothing")
    func degenerate() {
        #expect(product(Product(m: 4, n: 5, k: 0, beta: 0, padding: 1)) == 0)
        #expect(product(Product(m: 4, n: 5, k: 0, beta: 3)) == 0)
        #expect(product(Product(m: 0, n: 5, k: 3)) == 0)
        #expect(product(Product(m: 4, n: 0, k: 3, padding: 2)) == 0)
        #expect(product(Product(m: 3, n: 4, k: 5, alpha: 0, beta: 0.5)) == 0)
    }

    @Test("The classifier shapes: narrow n = 10 forward and both backward products")
    func classifier() {
        #expect(product(Product(m: 64, n: 10, k: 128)) == 0)
        #expect(product(Product(transposeA: true, m: 128, n: 10, k: 64)) == 0)
        #expect(product(Product(transposeB: true, m: 64, n: 128, k: 10)) == 0)
    }

    @Test("The chosen instruction set is one of the documented names")
    func instructionSetName() {
        #expect(["avx512", "avx2", "neon", "portable"].contains(Kernels.instructionSet))
    }

    @Test("Every instruction set this CPU has computes the blocked product correctly",
          arguments: ["avx512", "avx2", "neon", "portable"])
    func everyInstructionSet(isa: String) {
        var ran = false
        for (index, shape) in shapes.enumerated() {
            let p = Product(
                transposeA: index % 2 == 1, transposeB: index % 4 >= 2, m: shape.m, n: shape.n, k: shape.k,
                alpha: 0.75, beta: [0, 1, 2][index % 3], padding: index % 3)
            let wrong = p.mismatches { a, lda, b, ldb, c, ldc in
                ran = tl_sgemm_with_isa(
                    isa, p.transposeA ? 1 : 0, p.transposeB ? 1 : 0, p.m, p.n, p.k, p.alpha,
                    a, lda, b, ldb, p.beta, c, ldc) != 0
            }
            guard ran else { break }
            #expect(wrong == 0, "\(isa) \(p)")
        }
        // The portable path and the chosen one exist on every CPU.
        if isa == "portable" || isa == Kernels.instructionSet { #expect(ran) }
    }

    @Test("The chosen path is an available one, within the calibration's margin of the fastest")
    func calibratedChoice() {
        let available = Kernels.availableInstructionSets
        #expect(available.contains(Kernels.instructionSet))
        #expect(available.last == "portable")
        let rates = Kernels.calibration
        // Empty only when TAPELESS_KERNELS named the path.
        guard let fastest = rates.values.max(), let chosen = rates[Kernels.instructionSet] else {
            #expect(ProcessInfo.processInfo.environment["TAPELESS_KERNELS"] != nil)
            return
        }
        #expect(Set(rates.keys) == Set(available))
        #expect(chosen * 1.1 >= fastest, "\(rates)")
    }

    @Test("Concurrent products on several threads do not share packing buffers")
    func concurrentProducts() async {
        let failures = await withTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask { product(Product(transposeA: index % 2 == 0, m: 70 + index, n: 90, k: 300, beta: 0.5)) }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
