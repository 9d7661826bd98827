// A two-layer network on random data, trained twice: with Keras-style `fit`, then with a
// PyTorch-style custom loop. Both runs start from the same seeded parameters and visit the
// same shuffled minibatches, so they end with the same numbers.
//
// Output: fit's progress (one line per epoch), then the final loss and accuracy on the
// training set of each run (stable lines):
//   fit: loss <loss>, accuracy <accuracy>
//   custom loop: loss <loss>, accuracy <accuracy>
import Foundation
import Tapeless

let exampleCount = 1000, epochs = 10, batchSize = 32

// x = torch.randn(1000, 784); y = torch.randint(0, 10, (1000,)) — from seeded splitmix64
// streams, so every machine draws the same data.
let x = Tensor(shape: [exampleCount, 784], scalars: RandomStream(seed: 1).normalValues(count: exampleCount * 784))
let labels = IntTensor(
    RandomStream(seed: 2).uniformValues(count: exampleCount).map { Swift.min(Int($0 * 10), 9) })

let loss = CrossEntropy()          // nn.CrossEntropyLoss(): logits in, integer labels
let metrics: [any Metric<IntTensor>] = [Accuracy()]

/// Prints the loss and accuracy of a trained model on the training set (`model.evaluate`).
func report(_ name: String, _ model: SimpleNet) throws {
    let logs = try model.evaluate(x: x, y: labels, loss: loss, metrics: metrics, batchSize: batchSize)
    print("\(name): loss \(String(format: "%.4f", logs["loss"]!)), accuracy \(String(format: "%.4f", logs["accuracy"]!))")
}

// 1. Keras:
//   model.compile(optimizer=Adam(1e-3), loss=SparseCategoricalCrossentropy(from_logits=True),
//                 metrics=["accuracy"])
//   model.fit(x, y, epochs=10, batch_size=32)
var fitted = SimpleNet(seed: 0)
var adam = Adam(learningRate: 1e-3)
try fitted.fit(
    x: x, y: labels, loss: loss, optimizer: &adam, epochs: epochs, batchSize: batchSize,
    shuffle: true, seed: 0, metrics: metrics, verbosity: .progressBar)
try report("fit", fitted)

// 2. PyTorch:
//   for epoch in range(10):
//       for xb, yb in DataLoader(dataset, batch_size=32, shuffle=True):
//           optimizer.zero_grad(); loss = criterion(model(xb), yb); loss.backward(); optimizer.step()
var model = SimpleNet(seed: 0)
var optimizer = Adam(learningRate: 1e-3)
for epoch in 0..<epochs {
    // The seeded order `fit` uses for this epoch.
    for indices in BatchSequence(exampleCount: exampleCount, batchSize: batchSize, shuffle: true, seed: 0, epoch: epoch) {
        let xb = x.gathering(examples: indices)
        let yb = labels.gathering(examples: indices)
        // Forward, then ∂loss/∂logits from the loss, then back-propagation through the model.
        let gradient = try model.gradient(at: xb) { logits in try loss.valueWithGradient(logits, yb).gradient }
        optimizer.update(&model, along: gradient)
    }
}
try report("custom loop", model)
