// The Digits sample's MLP trained over MPI processes with data-parallel `fit`: every process
// takes its share of each batch (32 examples, or the second argument), the gradients are
// summed with one all-reduce per step, and process 0 prints, measures and saves. Build and
// launch (see the README):
//
//   swift build -c release --traits MPI --product DistributedDigits
//   mpirun -np 2 .build/release/DistributedDigits [checkpoint.safetensors [batch size]]
//
// Output (process 0; stable lines after fit's progress):
//   processes: <n>
//   early stopping: best epoch <n>, stopped after epoch <m>   (or: ran every epoch)
//   test accuracy: <accuracy>
//   time per step: <ms> ms, all-reduce <ms> ms (<percent>%)
//   checkpoint: <path>
#if MPI
import DigitsData
import Foundation
import Tapeless
import TapelessDistributed

Communicator.run { world in
    let (train, test) = trainTestSplit(try loadDigits())
    // The Digits sample's settings; every process starts from the same seed, and fit gives
    // every process process 0's parameters anyway.
    var model = DigitClassifier(seed: 0)
    var optimizer = Adam(learningRate: 1e-3)
    let loss = CrossEntropy()
    let metrics: [any Metric<IntTensor>] = [Accuracy()]
    let earlyStopping = EarlyStopping(monitor: "val_loss", patience: 10, restoreBestWeights: true)
    let batchSize = CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 32
    let clock = StepClock()
    try model.fit(
        x: train.pixels, y: train.labels, loss: loss, optimizer: &optimizer, epochs: 200, batchSize: batchSize,
        shuffle: true, seed: 0, validationSplit: 0.15, metrics: metrics, callbacks: [earlyStopping, clock.callback],
        verbosity: .oneLinePerEpoch, across: world)

    // Every process has the same model; only process 0 reports and writes.
    guard world.isRoot else { return }
    print("processes: \(world.processCount)")
    if let stopped = earlyStopping.stoppedEpoch, let best = earlyStopping.bestEpoch {
        print("early stopping: best epoch \(best + 1), stopped after epoch \(stopped + 1)")
    } else {
        print("early stopping: ran every epoch")
    }
    let logs = try model.evaluate(x: test.pixels, y: test.labels, loss: loss, metrics: metrics)
    print("test accuracy: \(String(format: "%.4f", logs["accuracy"]!))")
    let step = clock.seconds / Double(clock.steps)
    let allReduce = world.allReduceSeconds / Double(clock.steps)
    print(String(
        format: "time per step: %.3f ms, all-reduce %.3f ms (%.0f%%)", step * 1e3, allReduce * 1e3, 100 * allReduce / step))
    let checkpoint = try checkpointURL(named: "distributed-digits")
    try model.save(to: checkpoint)
    print("checkpoint: \(checkpoint.path)")
}

/// Training time without validation: from each epoch's start to its last step.
final class StepClock {
    private(set) var seconds = 0.0
    private(set) var steps = 0
    private var epochStart = 0.0

    var callback: LambdaCallback {
        LambdaCallback(
            onEpochBegin: { _, _ in self.epochStart = ProgressOutput.monotonicSeconds() },
            onBatchEnd: { batch, _, session in
                guard batch == session.batchesPerEpoch - 1 else { return }
                self.seconds += ProgressOutput.monotonicSeconds() - self.epochStart
                self.steps += session.batchesPerEpoch
            })
    }
}
#else
import Foundation

FileHandle.standardError.write(Data(
    "DistributedDigits needs MPI: build it with `swift build -c release --traits MPI --product DistributedDigits`.\n".utf8))
exit(1)
#endif
