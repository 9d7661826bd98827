import Foundation
import Tapeless

/// B2 written by hand: every buffer allocated once, bias and relu fused into one pass, the
/// backward pass derived by hand, matrix products by `Kernels.matrixMultiply` and the update by
/// the runtime's `Adam`. The reference for what the generated code could reach.
///
/// The parameters live in an `MLP` only because the runtime's optimizers update a `Model`: it is
/// used as a flat buffer in the layout `fc1.weight [784, 128]`, `fc1.bias`, `fc2.weight [128, 10]`, `fc2.bias`.
final class HandWrittenMLP {
    private static let (inputs, hiddenUnits, classes) = (784, 128, 10)

    private let x: Tensor
    private let labels: IntTensor
    private let batch: Int
    private var parameters: MLP
    private var gradient = MLP.Gradient.zero
    private var optimizer = Adam(learningRate: 1e-3)
    /// relu(x·W1 + b1), `[batch, 128]`.
    private let hidden: UnsafeMutablePointer<Float>
    /// The logits, then the loss's gradient with respect to them, `[batch, 10]`.
    private let logits: UnsafeMutablePointer<Float>
    /// The loss's gradient with respect to the hidden layer's pre-activations, `[batch, 128]`.
    private let hiddenGradient: UnsafeMutablePointer<Float>

    init(x: Tensor, labels: IntTensor, parameters: MLP) {
        precondition(
            x.shape.count == 2 && x.shape[1] == Self.inputs && labels.shape == [x.shape[0]],
            "HandWrittenMLP needs x of shape [batch, \(Self.inputs)] and labels of shape [batch]; got \(x.shape) and \(labels.shape).")
        precondition(
            labels.scalars.allSatisfy { (0..<Self.classes).contains($0) },
            "HandWrittenMLP's labels must lie in 0..<\(Self.classes).")
        (self.x, self.labels, self.batch, self.parameters) = (x, labels, x.shape[0], parameters)
        hidden = .allocate(capacity: batch * Self.hiddenUnits)
        logits = .allocate(capacity: batch * Self.classes)
        hiddenGradient = .allocate(capacity: batch * Self.hiddenUnits)
    }

    deinit {
        hidden.deallocate()
        logits.deallocate()
        hiddenGradient.deallocate()
    }

    /// One training step; returns the loss before the update.
    func step() -> Float {
        let loss = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { labels in
                parameters.parameterScalars.withUnsafeBufferPointer { p in
                    gradient.parameterScalars.withUnsafeMutableBufferPointer { g in
                        lossAndGradient(x: x.baseAddress!, labels: labels.baseAddress!, p: p.baseAddress!, g: g.baseAddress!)
                    }
                }
            }
        }
        optimizer.update(&parameters, along: gradient)
        return loss
    }

    private func lossAndGradient(
        x: UnsafePointer<Float>, labels: UnsafePointer<Int>, p: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>
    ) -> Float {
        let (n, h, c, batch) = (Self.inputs, Self.hiddenUnits, Self.classes, self.batch)
        // Offsets of fc1.bias, fc2.weight and fc2.bias in the flat layout.
        let b1Offset: Int = n &* h
        let w2Offset: Int = b1Offset &+ h
        let b2Offset: Int = w2Offset &+ h &* c
        let (w1, b1, w2, b2) = (p, p + b1Offset, p + w2Offset, p + b2Offset)
        let (gW1, gB1, gW2, gB2) = (g, g + b1Offset, g + w2Offset, g + b2Offset)
        // Forward: hidden = relu(x·W1 + b1), logits = hidden·W2 (b2 is added with the softmax).
        Kernels.matrixMultiply(m: batch, n: h, k: n, a: x, lda: n, b: w1, ldb: h, c: hidden, ldc: h)
        for row in 0..<batch {
            let hiddenRow = hidden + row &* h
            for j in 0..<h { hiddenRow[j] = max(hiddenRow[j] + b1[j], 0) }
        }
        Kernels.matrixMultiply(m: batch, n: c, k: h, a: hidden, lda: h, b: w2, ldb: c, c: logits, ldc: c)
        // Softmax cross-entropy, mean over the batch; the logits become (softmax − one-hot) / batch.
        let inverseBatch = 1 / Float(batch)
        var loss: Float = 0
        gB2.update(repeating: 0, count: c)
        for row in 0..<batch {
            let z = logits + row &* c
            var largest = -Float.infinity
            for j in 0..<c {
                z[j] += b2[j]
                largest = max(largest, z[j])
            }
            let label = labels[row]
            let shiftedLabelLogit = z[label] - largest
            var total: Float = 0
            for j in 0..<c {
                z[j] = exp(z[j] - largest)
                total += z[j]
            }
            loss += log(total) - shiftedLabelLogit
            let scale = inverseBatch / total
            for j in 0..<c {
                z[j] = z[j] * scale - (j == label ? inverseBatch : 0)
                gB2[j] += z[j]
            }
        }
        // Backward: dW2 = hiddenᵀ·dLogits, dHidden = dLogits·W2ᵀ masked by relu, dW1 = xᵀ·dHidden.
        Kernels.matrixMultiply(transposeA: true, m: h, n: c, k: batch, a: hidden, lda: h, b: logits, ldb: c, c: gW2, ldc: c)
        Kernels.matrixMultiply(transposeB: true, m: batch, n: h, k: c, a: logits, lda: c, b: w2, ldb: c, c: hiddenGradient, ldc: h)
        gB1.update(repeating: 0, count: h)
        for row in 0..<batch {
            let (hiddenRow, gradientRow) = (hidden + row &* h, hiddenGradient + row &* h)
            for j in 0..<h {
                let d = hiddenRow[j] > 0 ? gradientRow[j] : 0
                gradientRow[j] = d
                gB1[j] += d
            }
        }
        Kernels.matrixMultiply(transposeA: true, m: n, n: h, k: batch, a: x, lda: n, b: hiddenGradient, ldb: h, c: gW1, ldc: h)
        return loss * inverseBatch
    }
}
