import Foundation
import Tapeless

/// The inputs and initial weights of the workloads in BENCHMARKS.md, drawn from the runtime's
/// splitmix64 `RandomStream`, bit for bit the same as `Peers/peers_data.py`.
enum BenchmarkData {
    /// How many bits of element 0 of stream 1 differ from BENCHMARKS.md's check value
    /// `0x910a2dec89025cc1`: zero when `RandomStream` is splitmix64.
    static var splitmixDifferingBits: Int {
        (RandomStream(seed: 1).bits(at: 0) ^ 0x910a_2dec_8902_5cc1).nonzeroBitCount
    }

    /// B1: `x = uniform(1)`, `y = 2x + 1 + 0.1·normal(2)` computed in `Double`, 1000 points.
    static func linearRegression(count: Int = 1000) -> (x: [Float], y: [Float]) {
        let x = RandomStream(seed: 1).uniformValues(count: count)
        let noise = RandomStream(seed: 2)
        let y = x.indices.map { i in Float(2 * Double(x[i]) + 1 + 0.1 * Double(noise.normal(at: i))) }
        return (x, y)
    }

    /// B2's batch: `x = normal(3)` as a row-major `[batch, 784]`, `labels = ⌊10·uniform(4)⌋`.
    static func mlpBatch(size batch: Int) -> (x: Tensor, labels: IntTensor) {
        let x = RandomStream(seed: 3).normalValues(count: batch * 784)
        let uniform = RandomStream(seed: 4)
        let labels = (0..<batch).map { Int((Double(uniform.uniform(at: $0)) * 10).rounded(.down)) }
        return (Tensor(shape: [batch, 784], scalars: x), IntTensor(labels))
    }

    /// B2's first parameters: `W = (2u − 1)/√fanIn` in `Double` with `u = uniform(5)` for
    /// `fc1.weight [784, 128]` and `uniform(6)` for `fc2.weight [128, 10]`; biases zero.
    static func mlpInitialModel() -> MLP {
        var model = MLP.zero
        model[parameter: "fc1.weight"] = weights(seed: 5, inputs: 784, outputs: 128)
        model[parameter: "fc2.weight"] = weights(seed: 6, inputs: 128, outputs: 10)
        return model
    }

    /// B4's batch: `x = normal(8)` as NCHW `[batch, 1, 28, 28]`, `labels = ⌊10·uniform(9)⌋`.
    static func cnnBatch(size batch: Int) -> (x: Tensor, labels: IntTensor) {
        let x = RandomStream(seed: 8).normalValues(count: batch * 784)
        let uniform = RandomStream(seed: 9)
        let labels = (0..<batch).map { Int((Double(uniform.uniform(at: $0)) * 10).rounded(.down)) }
        return (Tensor(shape: [batch, 1, 28, 28], scalars: x), IntTensor(labels))
    }

    /// B4's first parameters: `(2u − 1)/√fan` with `u = uniform(10…14)` for the two OIHW
    /// convolution weights and the three `[in, out]` dense weights; biases zero.
    static func cnnInitialModel() -> LeNet {
        var model = LeNet.zero
        model[parameter: "conv1.weight"] = weights(seed: 10, shape: [6, 1, 5, 5], fanIn: 25)
        model[parameter: "conv2.weight"] = weights(seed: 11, shape: [16, 6, 5, 5], fanIn: 150)
        model[parameter: "fc1.weight"] = weights(seed: 12, inputs: 256, outputs: 120)
        model[parameter: "fc2.weight"] = weights(seed: 13, inputs: 120, outputs: 84)
        model[parameter: "fc3.weight"] = weights(seed: 14, inputs: 84, outputs: 10)
        return model
    }

    /// B5's batch: `x = normal(15)` as `[batch, 28, 28]` (batch, step, feature), `labels = ⌊10·uniform(16)⌋`.
    static func lstmBatch(size batch: Int) -> (x: Tensor, labels: IntTensor) {
        let x = RandomStream(seed: 15).normalValues(count: batch * 28 * 28)
        let uniform = RandomStream(seed: 16)
        let labels = (0..<batch).map { Int((Double(uniform.uniform(at: $0)) * 10).rounded(.down)) }
        return (Tensor(shape: [batch, 28, 28], scalars: x), IntTensor(labels))
    }

    /// B6's inputs: `out[i] = Float(5 + 10·uniform(7)[i])` and `target[i] = Float(20 + 2·sin(2πi/250))`,
    /// the arithmetic in Double, 1000 steps.
    static func thermostatInputs() -> (outside: [Float], target: [Float]) {
        let uniform = RandomStream(seed: 7)
        let outside = (0..<1000).map { Float(5 + 10 * Double(uniform.uniform(at: $0))) }
        let target = (0..<1000).map { Float(20 + 2 * sin(2 * Double.pi * Double($0) / 250)) }
        return (outside, target)
    }

    /// B5's first parameters: `(2u − 1)/√128` with `u = uniform(17…19)` for the LSTM's
    /// `weight_ih [512, 28]` and `weight_hh [512, 128]` (PyTorch's layouts) and the readout
    /// `[128, 10]`; both LSTM biases and the readout's bias zero.
    static func lstmInitialModel() -> LSTMClassifier {
        var model = LSTMClassifier.zero
        model[parameter: "lstm.weight_ih_l0"] = weights(seed: 17, shape: [512, 28], fanIn: 128)
        model[parameter: "lstm.weight_hh_l0"] = weights(seed: 18, shape: [512, 128], fanIn: 128)
        model[parameter: "head.weight"] = weights(seed: 19, inputs: 128, outputs: 10)
        return model
    }

    private static func weights(seed: UInt64, inputs: Int, outputs: Int) -> Tensor {
        weights(seed: seed, shape: [inputs, outputs], fanIn: inputs)
    }

    private static func weights(seed: UInt64, shape: [Int], fanIn: Int) -> Tensor {
        let uniform = RandomStream(seed: seed)
        let scale = Double(fanIn).squareRoot()
        let scalars = (0..<shape.reduce(1, *)).map { Float((2 * Double(uniform.uniform(at: $0)) - 1) / scale) }
        return Tensor(shape: shape, scalars: scalars)
    }
}
