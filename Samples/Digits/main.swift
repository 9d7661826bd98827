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
import Foundation
import Tapeless

/// Pixels scaled to [0, 1] (`[examples, 64]`) and their labels.
struct Examples {
    let pixels: Tensor
    let labels: IntTensor
}

/// Reads `digits.csv` (64 pixel values 0…16 and a label per line) and scales the pixels to [0, 1].
func loadDigits() throws -> Examples {
    guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv") else {
        fatalError("digits.csv is missing from the Digits resource bundle; rebuild the Digits target.")
    }
    var pixels: [Float] = [], labels: [Int] = []
    for (number, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated() {
        let fields = line.split(separator: ",").compactMap { Float($0) }
        guard fields.count == 65 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [
                NSLocalizedDescriptionKey: "digits.csv line \(number + 1): expected 65 numbers, found \(fields.count)"])
        }
        pixels += fields[0..<64].map { $0 / 16 }
        labels.append(Int(fields[64]))
    }
    return Examples(pixels: Tensor(shape: [labels.count, 64], scalars: pixels), labels: IntTensor(labels))
}

/// The examples at `indices`, in that order.
func subset(_ data: Examples, _ indices: ArraySlice<Int>) -> Examples {
    Examples(pixels: data.pixels.gathering(examples: indices), labels: data.labels.gathering(examples: indices))
}

let digits = try loadDigits()

// sklearn's train_test_split(X, y, test_size=0.2, random_state=...): a seeded permutation
// (the one BatchSequence shuffles with), first 80% to train, the rest to test.
let order = BatchSequence(exampleCount: digits.labels.scalarCount, batchSize: 1, shuffle: true, seed: 42).order
let trainingCount = order.count * 4 / 5
let train = subset(digits, order[..<trainingCount])
let test = subset(digits, order[trainingCount...])

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
let arguments = CommandLine.arguments.dropFirst()
let checkpoint: URL
if let path = arguments.first {
    checkpoint = URL(fileURLWithPath: path)
} else {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tapeless-digits-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    checkpoint = directory.appendingPathComponent("digits.safetensors")
}
try model.save(to: checkpoint)
print("checkpoint: \(checkpoint.path)")

let reloaded = try DigitClassifier(contentsOf: checkpoint)
print("test accuracy after reload: \(try testAccuracy(of: reloaded))")
