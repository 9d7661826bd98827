// Linear regression three ways, as in the usual "PyTorch vs TensorFlow" first example:
//   (a) from scratch: parameters and loss written by hand, gradient descent written by hand;
//   (b) a Dense layer trained by the runtime's SGD and MeanSquaredError in a custom loop;
//   (c) Keras-style `fit` with mean absolute error and minibatches.
// Each variant runs on the seed data (y = 2x) and on 1000 noisy points of y = 2x + 1.
//
// Usage: LinearRegression [plot.svg]   (default: linear-regression.svg in the current directory)
//
// Output, one line per variant and data set (the line format is stable):
//   <variant> (<data set>): W: <w>, b: <b>        with w and b to four decimals
//   plot: <path of the SVG file>
import Foundation
import Tapeless

/// A data set of (x, y) pairs and the learning settings used on it.
struct DataSet {
    let name: String
    let x: [Float]
    let y: [Float]
    let learningRate: Float
    let batchSize: Int
}

let epochs = 1000

// The classic four points, and y = 2x + 1 with Gaussian noise (σ = 0.5) at 1000 seeded
// points x ∈ [-2, 3]; both generators are splitmix64 streams, identical on every machine.
let seedData = DataSet(name: "seed data", x: [1, 2, 3, 4], y: [2, 4, 6, 8], learningRate: 0.01, batchSize: 2)
let noisyX = RandomStream(seed: 1).uniformValues(count: 1000, low: -2, high: 3)
let noise = RandomStream(seed: 2).normalValues(count: 1000, standardDeviation: 0.5)
let noisyData = DataSet(
    name: "noisy data", x: noisyX, y: zip(noisyX, noise).map { 2 * $0 + 1 + $1 },
    learningRate: 0.01, batchSize: 32)

/// (a) From scratch. PyTorch:
///   loss = ((w * x + b - y) ** 2).mean(); loss.backward()
///   with torch.no_grad(): w -= lr * w.grad; b -= lr * b.grad; w.grad.zero_(); b.grad.zero_()
func trainFromScratch(on data: DataSet) -> (w: Float, b: Float) {
    var model = ScratchRegression(seed: 0)        // w = 0, b = 0, as declared in the model
    let x = Tensor(data.x), y = Tensor(data.y)
    for _ in 0..<epochs {
        // One call gives the loss and its gradient; there is no tape to reset.
        let (_, g) = model.lossWithGradient(x: x, y: y)
        model.w -= data.learningRate * g.w
        model.b -= data.learningRate * g.b
    }
    return (model.w, model.b)
}

/// Reads the learned weight and bias of the single-unit Dense layer.
func coefficients(of model: DenseRegression) -> (w: Float, b: Float) {
    (model.linear.weight.scalars[0], model.linear.bias.scalars[0])
}

/// The data as columns `[n, 1]`, the shape a Dense(1 -> 1) layer reads and writes.
func columns(of data: DataSet) -> (x: Tensor, y: Tensor) {
    (Tensor(shape: [data.x.count, 1], scalars: data.x), Tensor(shape: [data.y.count, 1], scalars: data.y))
}

/// (b) A Dense layer with SGD and MSE in a custom loop. PyTorch:
///   model = nn.Linear(1, 1); optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
///   for epoch in range(1000):
///       optimizer.zero_grad(); loss = nn.MSELoss()(model(x), y); loss.backward(); optimizer.step()
func trainDenseLayer(on data: DataSet) throws -> (w: Float, b: Float) {
    var model = DenseRegression(seed: 0)
    var optimizer = SGD(learningRate: data.learningRate)
    let loss = MeanSquaredError()
    let (x, y) = columns(of: data)
    for _ in 0..<epochs {
        // The forward pass runs, the loss turns its output into ∂loss/∂output, and the model
        // back-propagates that into the gradient of every parameter.
        let gradient = try model.gradient(at: x) { prediction in
            try loss.valueWithGradient(prediction, y).gradient
        }
        optimizer.update(&model, along: gradient)
    }
    return coefficients(of: model)
}

/// (c) Keras:
///   model.compile(optimizer=SGD(0.01), loss="mean_absolute_error")
///   model.fit(x, y, epochs=1000, batch_size=..., verbose=0)
func trainWithFit(on data: DataSet) throws -> (w: Float, b: Float) {
    var model = DenseRegression(seed: 0)
    var optimizer = SGD(learningRate: data.learningRate)
    let (x, y) = columns(of: data)
    try model.fit(
        x: x, y: y, loss: MeanAbsoluteError(), optimizer: &optimizer,
        epochs: epochs, batchSize: data.batchSize, shuffle: true, seed: 0, verbosity: .silent)
    return coefficients(of: model)
}

let variants: [(label: String, color: String, train: (DataSet) throws -> (w: Float, b: Float))] = [
    ("from scratch", "#d62728", trainFromScratch),
    ("dense + SGD + MSE", "#1f77b4", trainDenseLayer),
    ("fit + MAE", "#2ca02c", trainWithFit),
]

var panels: [Panel] = []
for data in [seedData, noisyData] {
    var lines: [Line] = []
    for variant in variants {
        let (w, b) = try variant.train(data)
        print("\(variant.label) (\(data.name)): W: \(String(format: "%.4f", w)), b: \(String(format: "%.4f", b))")
        lines.append(Line(label: variant.label, w: w, b: b, color: variant.color))
    }
    panels.append(Panel(title: data.name, x: data.x, y: data.y, lines: lines))
}

let arguments = CommandLine.arguments.dropFirst()
let plotURL = URL(fileURLWithPath: arguments.first ?? "linear-regression.svg")
try svgDocument(panels: panels).write(to: plotURL, atomically: true, encoding: .utf8)
print("plot: \(plotURL.path)")
