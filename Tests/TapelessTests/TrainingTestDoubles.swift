// Test doubles for the training-loop and checkpoint tests. The real optimizers, losses and
// metrics live elsewhere; these minimal versions depend only on the runtime's protocols and
// are written so their results can be checked by hand.

import Tapeless

/// Test double: the affine model `y = x * w + b` with one input and one output, written by hand.
struct AffineModel: Module, Equatable {
    /// Test double: the gradient, laid out like the model.
    struct Gradient: ParameterContainer {
        static let parameterLayout = AffineModel.parameterLayout
        var parameterScalars: [Float]
        init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }
    }

    static let parameterLayout = ParameterLayout([
        (name: "w", shape: [1, 1], initializer: .zeros, isTrainable: true),
        (name: "b", shape: [1], initializer: .zeros, isTrainable: true),
    ])
    var parameterScalars: [Float]
    init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }
    init(w: Float, b: Float) { self.init(parameterScalars: [w, b]) }

    static let inputShape: [Int?] = [nil, 1]

    var w: Float { parameterScalars[0] }
    var b: Float { parameterScalars[1] }

    func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.shape.count == 2 && input.shape[1] == 1, "AffineModel takes inputs of shape [n, 1].")
        return Tensor(shape: input.shape, scalars: input.scalars.map { $0 * w + b })
    }

    func gradient(
        at input: Tensor, mode: ForwardMode, into gradient: inout Gradient,
        outputGradient: (Tensor, inout Tensor) throws -> Void
    ) rethrows {
        var upstream = Tensor(shape: [0], scalars: [])
        try outputGradient(self(input), &upstream)
        let dw = zip(input.scalars, upstream.scalars).map { $0 * $1 }.reduce(0, +)
        gradient = Gradient(parameterScalars: [dw, upstream.scalars.reduce(0, +)])
    }
}

/// Test double: plain gradient descent `p -= learningRate * g`, recording the rate of every update.
struct TestSGD: Optimizer {
    var learningRate: Float
    var state = OptimizerState()
    var ratesUsed: [Float] = []

    init(learningRate: Float) { self.learningRate = learningRate }

    mutating func update<M: Model>(_ model: inout M, along gradient: M.Gradient) {
        for k in model.parameterScalars.indices {
            model.parameterScalars[k] -= learningRate * gradient.parameterScalars[k]
        }
        state.step += 1
        ratesUsed.append(learningRate)
    }
}

/// Test double: an "optimizer" that sets parameter `b` to the next value of a script at every
/// update, so tests control the losses epoch by epoch.
struct ScriptedOptimizer: Optimizer {
    var learningRate: Float = 0
    var state = OptimizerState()
    let script: [Float]

    mutating func update<M: Model>(_ model: inout M, along gradient: M.Gradient) {
        model.parameterScalars[M.parameterLayout.entry(named: "b")!.offset] = script[state.step]
        state.step += 1
    }
}

/// Test double: a user-defined metric (mean absolute error) under a chosen name.
struct TestMAE: Metric {
    var name = "mae"

    func callAsFunction(_ predicted: Tensor, _ target: Tensor) -> Float {
        zip(predicted.scalars, target.scalars).map { abs($0 - $1) }.reduce(0, +) / Float(predicted.scalarCount)
    }
}

/// Test double: a container with the layout of the reference safetensors file.
struct ReferenceLayoutModel: Model, Equatable {
    /// Test double: the gradient, laid out like the model.
    struct Gradient: ParameterContainer {
        static let parameterLayout = ReferenceLayoutModel.parameterLayout
        var parameterScalars: [Float]
        init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }
    }

    static let parameterLayout = ParameterLayout([
        (name: "fc1.weight", shape: [4, 3], initializer: .zeros, isTrainable: true),
        (name: "fc1.bias", shape: [3], initializer: .zeros, isTrainable: true),
        (name: "scale", shape: [], initializer: .ones, isTrainable: false),
    ])
    var parameterScalars: [Float]
    init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }
}

/// Collects progress output and serves a scripted clock, for exact output checks.
final class RecordingOutput {
    var text = ""
    var times: [Double]
    private var reads = 0

    init(times: [Double] = [0]) { self.times = times }

    func output(isTerminal: Bool) -> ProgressOutput {
        ProgressOutput(isTerminal: isTerminal, write: { self.text += $0 }, now: {
            defer { self.reads += 1 }
            return self.times[min(self.reads, self.times.count - 1)]
        })
    }
}

/// `n` inputs of shape `[n, 1]` and targets, as tensors.
func column(_ values: [Float]) -> Tensor {
    Tensor(shape: [values.count, 1], scalars: values)
}
