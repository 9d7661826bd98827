import Foundation
import Testing
@testable import Tapeless

/// The SIMD `exp`, `expm1`, `tanh` and `sigmoid` of generated loops, in Swift lanes and in the
/// C block kernels of every instruction set, against the C library in Double, over their whole
/// useful ranges, at their edges and beyond.
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

    /// `function` of Double, the truth each block kernel is checked against.
    static func truth(of function: Kernels.ElementFunction) -> (Double) -> Double {
        switch function {
        case .exp: Foundation.exp
        case .expm1: Foundation.expm1
        case .tanh: Foundation.tanh
        case .sigmoid: { 1 / (1 + Foundation.exp(-$0)) }
        }
    }

    @Test(arguments: Kernels.availableInstructionSets)
    func blockKernelsAgreeWithTheCLibraryAndTheLanes(_ instructionSet: String) {
        let relative = 4 * Double(Float.ulpOfOne)
        let inputs = Self.vectors(-87...88).flatMap { v in (0..<8).map { v[$0] } }
        for function in Kernels.ElementFunction.allCases {
            var x = inputs
            x.withUnsafeMutableBufferPointer { Kernels.apply(function, to: $0.baseAddress!, count: $0.count, instructionSet: instructionSet) }
            let truth = Self.truth(of: function)
            let worst = zip(inputs, x).map { input, result in
                let expected = truth(Double(input))
                return abs(Double(result) - expected) / max(abs(expected), .leastNormalMagnitude)
            }.max()!
            #expect(worst < relative, "\(function) on \(instructionSet): \(worst / Double(Float.ulpOfOne)) units in the last place")
        }
    }

    @Test(arguments: Kernels.availableInstructionSets)
    func blockKernelsKeepTheEdgesAndTouchNothingPastTheCount(_ instructionSet: String) {
        let edges: [Float] = [-1000, -88, 89, 1000, -.infinity, .infinity, .nan, 1e-30, -1e-7, 0]
        for function in Kernels.ElementFunction.allCases {
            var x = edges
            x.withUnsafeMutableBufferPointer { Kernels.apply(function, to: $0.baseAddress!, count: $0.count, instructionSet: instructionSet) }
            let lanes: (LaneFunctions.Vector) -> LaneFunctions.Vector = switch function {
            case .exp: LaneFunctions.exp
            case .expm1: LaneFunctions.expm1
            case .tanh: LaneFunctions.tanh
            case .sigmoid: LaneFunctions.sigmoid
            }
            for (input, result) in zip(edges, x) {
                let expected = lanes(LaneFunctions.Vector(repeating: input))[0]
                #expect(
                    result == expected || (result.isNaN && expected.isNaN) || abs(result - expected) <= 4 * expected.ulp,
                    "\(function)(\(input)) on \(instructionSet): \(result), lanes \(expected)")
            }
            // Every length up to two 16-float vectors and a tail: nothing past the count changes.
            for count in 0...33 {
                var y = [Float](repeating: 0.5, count: count) + [Float](repeating: 7, count: 4)
                y.withUnsafeMutableBufferPointer { Kernels.apply(function, to: $0.baseAddress!, count: count, instructionSet: instructionSet) }
                #expect(y[count...].allSatisfy { $0 == 7 }, "\(function) of \(count) elements on \(instructionSet)")
                #expect(y[..<count].allSatisfy { $0 == y.first }, "\(function) of \(count) elements on \(instructionSet)")
            }
        }
    }

    @Test func everyThreadHasItsOwnScratch() {
        let here = Kernels.blockScratch(slot: 0)
        #expect(Kernels.blockScratch(slot: 1) == here + Kernels.scratchBlock)
        // Another thread's blocks, taken while this thread's exist, are other memory.
        nonisolated(unsafe) var there: UnsafeMutablePointer<Float>?
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            there = Kernels.blockScratch(slot: 0)
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(there != nil && there != here)
    }
}
