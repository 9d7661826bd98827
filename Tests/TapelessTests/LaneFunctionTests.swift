import Foundation
import Testing
@testable import Tapeless

/// The SIMD `exp`, `expm1`, `tanh` and `sigmoid` of generated loops against the C library in
/// Double, over their whole useful ranges, at their edges and beyond.
@Suite struct LaneFunctionTests {
    /// Every 8 of `count` points spread over `range`, plus the edges, each as a vector.
    static func vectors(_ range: ClosedRange<Float>, count: Int = 20_000) -> [LaneFunctions.Vector] {
        let points = (0..<count).map { range.lowerBound + (range.upperBound - range.lowerBound) * Float($0) / Float(count - 1) }
            + [0, -0.0, 1e-30, -1e-30, 1e-7, -1e-7, 0.3465, -0.3466, 0.3467, 1, -1]
        return stride(from: 0, to: points.count - 7, by: 8).map { LaneFunctions.Vector(points[$0..<$0 + 8]) }
    }

    /// The largest error relative to `max(|truth|, floor)`, over every lane of `inputs`.
    static func largestError(
        _ function: (LaneFunctions.Vector) -> LaneFunctions.Vector, _ truth: (Double) -> Double,
        over inputs: [LaneFunctions.Vector], floor: Double = 0
    ) -> Double {
        inputs.flatMap { x -> [Double] in
            let y = function(x)
            return (0..<8).map { lane in
                let expected = truth(Double(x[lane]))
                return abs(Double(y[lane]) - expected) / max(abs(expected), floor, .leastNormalMagnitude)
            }
        }.max() ?? .infinity
    }

    @Test func agreeWithTheCLibraryToAFewUnitsInTheLastPlace() {
        let relative = 4 * Double(Float.ulpOfOne)
        #expect(Self.largestError(LaneFunctions.exp, Foundation.exp, over: Self.vectors(-87...88)) < relative)
        #expect(Self.largestError(LaneFunctions.expm1, Foundation.expm1, over: Self.vectors(-87...88)) < relative)
        #expect(Self.largestError(LaneFunctions.tanh, Foundation.tanh, over: Self.vectors(-20...20)) < relative)
        let sigmoid = { (x: Double) in 1 / (1 + Foundation.exp(-x)) }
        #expect(Self.largestError(LaneFunctions.sigmoid, sigmoid, over: Self.vectors(-80...80)) < relative)
    }

    @Test func underflowAndOverflowAsTheCLibraryDoes() {
        let x = LaneFunctions.Vector(-1000, -88, 89, 1000, -.infinity, .infinity, 100, -100)
        let exp = LaneFunctions.exp(x)
        #expect(exp[0] == 0 && exp[1] == 0 && exp[2] == .infinity && exp[3] == .infinity && exp[4] == 0 && exp[5] == .infinity)
        let expm1 = LaneFunctions.expm1(x)
        #expect(expm1[0] == -1 && expm1[3] == .infinity && expm1[4] == -1)
        let tanh = LaneFunctions.tanh(x)
        #expect(tanh[0] == -1 && tanh[3] == 1 && tanh[4] == -1 && tanh[5] == 1 && tanh[6] == 1 && tanh[7] == -1)
        let sigmoid = LaneFunctions.sigmoid(x)
        #expect(sigmoid[0] == 0 && sigmoid[3] == 1 && sigmoid[4] == 0 && sigmoid[5] == 1)
        let nan = LaneFunctions.Vector(repeating: .nan)
        for function in [LaneFunctions.exp, LaneFunctions.expm1, LaneFunctions.tanh, LaneFunctions.sigmoid] {
            #expect(function(nan)[0].isNaN, "NaN stays NaN")
        }
    }
}
