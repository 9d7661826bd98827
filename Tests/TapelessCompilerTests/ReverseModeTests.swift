import Testing
@testable import TapelessCompiler

/// Every derivative rule, checked against central finite differences through the interpreter.
@Suite struct ReverseModeTests {
    /// `value = sum(f(x) * weights)` for a unary primitive, so every element's derivative counts.
    private func unaryFunction(_ function: UnaryFunction) -> IRFunction {
        var b = IRBuilder()
        let x = b.emit(.argument(0), type: .float([.fixed(5)]))
        let weights = b.emit(.argument(1), type: .float([.fixed(5)]))
        let value = b.reduceSum(b.multiply(b.unary(function, x), weights), axis: nil)
        return IRFunction(
            name: "f", arguments: [IRArgument(name: "x", type: .float([.fixed(5)])), IRArgument(name: "w", type: .float([.fixed(5)]))],
            instructions: b.instructions, results: [IRResult(name: "value", value: value)])
    }

    @Test(arguments: UnaryFunction.allCases.filter { ![.sign, .step].contains($0) })
    func unaryRuleMatchesFiniteDifferences(_ function: UnaryFunction) throws {
        // Points away from kinks (0 for abs and relu) and inside every domain (log, sqrt, asin).
        let x = IRTensor(shape: [5], values: [0.3, 0.7, 0.45, 0.85, 0.05])
        let w = IRTensor(shape: [5], values: [1, -2, 0.5, 3, -1])
        try GradientChecking.check(unaryFunction(function), arguments: [x, w], inputs: [.argument(0), .argument(1)], tolerance: 1e-5)
    }

    @Test(arguments: BinaryFunction.allCases)
    func binaryRuleMatchesFiniteDifferencesWithBroadcasting(_ function: BinaryFunction) throws {
        // x [2, 3] against y [3]: y's gradient must be summed over the broadcast rows.
        var b = IRBuilder()
        let x = b.emit(.argument(0), type: .float([.fixed(2), .fixed(3)]))
        let y = b.emit(.argument(1), type: .float([.fixed(3)]))
        let value = b.reduceSum(b.binary(function, x, y), axis: nil)
        let f = IRFunction(
            name: "f",
            arguments: [IRArgument(name: "x", type: .float([.fixed(2), .fixed(3)])), IRArgument(name: "y", type: .float([.fixed(3)]))],
            instructions: b.instructions, results: [IRResult(name: "value", value: value)])
        let xs = IRTensor(shape: [2, 3], values: [0.5, 1.5, 2.0, 0.8, 1.1, 3.0])
        let ys = IRTensor(shape: [3], values: [1.2, 0.6, 2.5])
        try GradientChecking.check(f, arguments: [xs, ys], inputs: [.argument(0), .argument(1)], tolerance: 1e-5)
    }

    @Test func tensorRulesMatchFiniteDifferences() throws {
        // A chain through matmul (all transposes), softmax, logSumExp, reductions along axes,
        // max, transpose, select and a class pick: value = a scalar that mixes them all.
        var b = IRBuilder()
        let a = b.emit(.argument(0), type: .float([.fixed(3), .fixed(4)]))
        let m = b.emit(.argument(1), type: .float([.fixed(4), .fixed(2)]))
        let labels = b.emit(.argument(2), type: IRType(.int, [.fixed(3)]))
        let p1 = b.matmul(a, m)                                        // [3, 2]
        let p2 = b.matmul(m, a, transposeLeft: true, transposeRight: true)  // [2, 3]
        let p3 = b.matmul(a, a, transposeLeft: true)                   // [4, 4]
        let p4 = b.matmul(p1, m, transposeRight: true)                 // [3, 4]
        let soft = b.emit(.softmax(axis: 1), [p4], type: .float([.fixed(3), .fixed(4)]))
        let lse = b.emit(.logSumExp(axis: 0), [p3], type: .float([.fixed(4)]))
        let picked = b.emit(.pickClass, [b.multiply(soft, a), labels], type: .float([.fixed(3)]))
        let rowMax = b.reduceMax(p4, axis: 1)
        let chosen = b.select(b.compare(.greater, a, b.constant(0)), a, b.multiply(a, a))
        var total = b.reduceSum(b.multiply(p2, b.transpose(p1)), axis: nil)
        total = b.add(total, b.reduceSum(lse, axis: nil))
        total = b.add(total, b.reduceSum(picked, axis: nil))
        total = b.add(total, b.reduceSum(b.multiply(rowMax, b.reduceSum(chosen, axis: 1)), axis: nil))
        total = b.add(total, b.reduceSum(b.reduceSum(b.multiply(soft, soft), axis: 0), axis: nil))
        let f = IRFunction(
            name: "f",
            arguments: [
                IRArgument(name: "a", type: .float([.fixed(3), .fixed(4)])),
                IRArgument(name: "m", type: .float([.fixed(4), .fixed(2)])),
                IRArgument(name: "labels", type: IRType(.int, [.fixed(3)])),
            ],
            instructions: b.instructions, results: [IRResult(name: "value", value: total)])
        let av = IRTensor(shape: [3, 4], values: [0.1, -0.4, 0.7, 0.2, -0.3, 0.5, 0.9, -0.8, 0.6, 0.3, -0.2, 0.4])
        let mv = IRTensor(shape: [4, 2], values: [0.2, -0.1, 0.4, 0.3, -0.5, 0.6, 0.1, 0.7])
        let lv = IRTensor(shape: [3], values: [2, 0, 3])
        try GradientChecking.check(f, arguments: [av, mv, lv], inputs: [.argument(0), .argument(1)], tolerance: 1e-5)
    }

    @Test func secondDerivativeComesFromDifferentiatingTheDerivative() throws {
        // f(x) = x*x + 3x: f'(2) = 7 and f''(2) = 2 (scalar_derivatives.json).
        var b = IRBuilder()
        let x = b.emit(.argument(0), type: .scalar)
        let value = b.add(b.multiply(x, x), b.scale(x, by: 3))
        let f = IRFunction(name: "f", arguments: [IRArgument(name: "x", type: .scalar)], instructions: b.instructions,
                           results: [IRResult(name: "value", value: value)])
        var df = Simplifier.simplify(try ReverseMode.differentiate(f, result: "value", withRespectTo: [.argument(0)]))
        df.results = df.results.filter { $0.role != .value }.map { IRResult(name: "value", value: $0.value) }
        let d2f = Simplifier.simplify(try ReverseMode.differentiate(df, result: "value", withRespectTo: [.argument(0)]))
        let at2 = [IRTensor(2)]
        #expect(try IRInterpreter.run(df, arguments: at2)["value"] == IRTensor(7))
        #expect(try IRInterpreter.run(d2f, arguments: at2)["x"] == IRTensor(2))
    }

    @Test func stopGradientBlocksTheDerivative() throws {
        var b = IRBuilder()
        let x = b.emit(.argument(0), type: .scalar)
        let value = b.multiply(x, b.emit(.stopGradient, [x], type: .scalar))
        let f = IRFunction(name: "f", arguments: [IRArgument(name: "x", type: .scalar)], instructions: b.instructions,
                           results: [IRResult(name: "value", value: value)])
        let derived = try ReverseMode.differentiate(f, result: "value", withRespectTo: [.argument(0)])
        #expect(try IRInterpreter.run(derived, arguments: [IRTensor(3)])["x"] == IRTensor(3))  // not 6
    }
}
