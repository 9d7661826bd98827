// Handwritten digits (8×8 images) with a small MLP: load a CSV, split it, train with `fit`
// and early stopping, measure test accuracy, save a safetensors checkpoint, load it into a
// fresh model and measure again.
//
// Usage: Digits [checkpoint.safetensors]   (default: a file in a new temporary directory)
//
// Output: fit's progress, then (stable lines)
//   early stopping: best epoch <n>, stopped after epoch <m>   (or: ran every epoch)
//   test accuracy: <accuracy>
//   checkpoint: <path>
//   test accuracy after reload: <accuracy>
import DigitsData
import Foundation
import Tapeless

let (train, test) = trainTestSplit(try loadDigits())

// Keras:
//   model.compile(optimizer=Adam(1e-3), loss=SparseCategoricalCrossentropy(from_logits=True),
//                 metrics=["accuracy"])
//   model.fit(x_train, y_train, epochs=200, batch_size=32, validation_split=0.15,
//             callbacks=[EarlyStopping(patience=10, restore_best_weights=True)])
// validationSplit holds out the last 15% of the (already shuffled) training set.
var model = DigitClassifier(seed: 0)
var optimizer = Adam(learningRate: 1e-3)
let loss = CrossEntropy()
let metrics: [any Metric<IntTensor>] = [Accuracy()]
let earlyStopping = EarlyStopping(monitor: "val_loss", patience: 10, restoreBestWeights: true)
try model.fit(
    x: train.pixels, y: train.labels, loss: loss, optimizer: &optimizer, epochs: 200, batchSize: 32,
    shuffle: true, seed: 0, validationSplit: 0.15, metrics: metrics, callbacks: [earlyStopping],
    verbosity: .oneLinePerEpoch)
if let stopped = earlyStopping.stoppedEpoch, let best = earlyStopping.bestEpoch {
    print("early stopping: best epoch \(best + 1), stopped after epoch \(stopped + 1)")
} else {
    print("early stopping: ran every epoch")
}

/// model.evaluate(x_test, y_test) → accuracy.
func testAccuracy(of model: DigitClassifier) throws -> String {
    let logs = try model.evaluate(x: test.pixels, y: test.labels, loss: loss, metrics: metrics)
    return String(format: "%.4f", logs["accuracy"]!)
}
print("test accuracy: \(try testAccuracy(of: model))")

// torch.save(model.state_dict(), path) / model.load_state_dict(torch.load(path)), as safetensors.
let checkpoint = try checkpointURL(named: "digits")
try model.save(to: checkpoint)
print("checkpoint: \(checkpoint.path)")

let reloaded = try DigitClassifier(contentsOf: checkpoint)
print("test accuracy after reload: \(try testAccuracy(of: reloaded))")
