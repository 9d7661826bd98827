// Handwritten digits (8×8 images) with a small CNN that uses batch normalization and dropout:
// the same data, split and training recipe as the Digits sample's MLP, then test accuracy, a
// safetensors checkpoint (parameters and the running statistics) saved and loaded into a fresh
// model, and test accuracy again.
//
// Usage: DigitsCNN [checkpoint.safetensors]   (default: a file in a new temporary directory)
//
// Output: fit's progress, then (stable lines)
//   early stopping: best epoch <n>, stopped after epoch <m>   (or: ran every epoch)
//   test accuracy: <accuracy>
//   checkpoint: <path>
//   test accuracy after reload: <accuracy>
import DigitsData
import Foundation
import Tapeless

let (flatTrain, flatTest) = trainTestSplit(try loadDigits())
/// The images as one channel of 8×8 pixels: `[examples, 1, 8, 8]` (NCHW).
func images(_ pixels: Tensor) -> Tensor { pixels.reshaped(to: [pixels.shape[0], 1, 8, 8]) }
let (trainX, testX) = (images(flatTrain.pixels), images(flatTest.pixels))

// PyTorch: model.train() for every step of fit, model.eval() for validation and evaluate;
// Keras's fit and evaluate do the same. Dropout's masks come from fit's seed and the step.
var model = DigitsCNN(seed: 0)
var optimizer = Adam(learningRate: 1e-3)
let loss = CrossEntropy()
let metrics: [any Metric<IntTensor>] = [Accuracy()]
let earlyStopping = EarlyStopping(monitor: "val_loss", patience: 10, restoreBestWeights: true)
try model.fit(
    x: trainX, y: flatTrain.labels, loss: loss, optimizer: &optimizer, epochs: 100, batchSize: 32,
    shuffle: true, seed: 0, validationSplit: 0.15, metrics: metrics, callbacks: [earlyStopping],
    verbosity: .oneLinePerEpoch)
if let stopped = earlyStopping.stoppedEpoch, let best = earlyStopping.bestEpoch {
    print("early stopping: best epoch \(best + 1), stopped after epoch \(stopped + 1)")
} else {
    print("early stopping: ran every epoch")
}

/// model.eval(); accuracy on the test set.
func testAccuracy(of model: DigitsCNN) throws -> String {
    let logs = try model.evaluate(x: testX, y: flatTest.labels, loss: loss, metrics: metrics)
    return String(format: "%.4f", logs["accuracy"]!)
}
print("test accuracy: \(try testAccuracy(of: model))")

// torch.save(model.state_dict(), path): the checkpoint holds the batch norms' running
// statistics with the parameters, so the reloaded model predicts the same.
let checkpoint = try checkpointURL(named: "digits-cnn")
try model.save(to: checkpoint)
print("checkpoint: \(checkpoint.path)")

let reloaded = try DigitsCNN(contentsOf: checkpoint)
print("test accuracy after reload: \(try testAccuracy(of: reloaded))")
