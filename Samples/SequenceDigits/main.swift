// Handwritten digits (8×8 images) read as sequences of 8 rows by an LSTM: the same data and
// split as the Digits sample, then test accuracy, a checkpoint saved and loaded into a fresh
// model, and test accuracy again.
//
// Usage: SequenceDigits [checkpoint.safetensors]   (default: a file in a new temporary directory)
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
/// Each image as a sequence of 8 rows of 8 pixels: `[examples, 8, 8]` (batch first).
func rows(_ pixels: Tensor) -> Tensor { pixels.reshaped(to: [pixels.shape[0], 8, 8]) }
let (trainX, testX) = (rows(flatTrain.pixels), rows(flatTest.pixels))

var model = SequenceDigits(seed: 0)
var optimizer = Adam(learningRate: 3e-3)
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

/// Accuracy on the test set.
func testAccuracy(of model: SequenceDigits) throws -> String {
    let logs = try model.evaluate(x: testX, y: flatTest.labels, loss: loss, metrics: metrics)
    return String(format: "%.4f", logs["accuracy"]!)
}
print("test accuracy: \(try testAccuracy(of: model))")

let checkpoint = try checkpointURL(named: "sequence-digits")
try model.save(to: checkpoint)
print("checkpoint: \(checkpoint.path)")

let reloaded = try SequenceDigits(contentsOf: checkpoint)
print("test accuracy after reload: \(try testAccuracy(of: reloaded))")
