// Checks of data-parallel training, run by .ci/distributed-checks (each must also fail when
// the property it checks breaks):
//
//   mpirun -np 2 tapeless-distributed-checks train <checkpoint>   parameters after the custom
//       loop and after fit(…across:) with micro-batches equal one process's with the same
//       global batch (to 1e-5), are bit-identical across processes after every step (loop) and
//       epoch (fit), batch normalization's statistics included; process 0 saves the fitted
//       model to <checkpoint>
//   tapeless-distributed-checks load <checkpoint>                 (one process, no MPI) the
//       checkpoint loads and equals the single-process fit
//   mpirun -np 2 tapeless-distributed-checks fail                 process 1 throws at step 3
//   mpirun -np 2 tapeless-distributed-checks mismatch             process 1 builds another model
//
// The last two must end the job with a message, not hang; the script runs them under a timeout.
#if MPI
import DigitsData
import Foundation
import Tapeless
import TapelessDistributed

struct CheckFailure: Error, CustomStringConvertible {
    let description: String
}

let (train, _) = trainTestSplit(try loadDigits())
let batchSize = 64

/// The README's custom loop: each process takes its share of every global batch of the same
/// seeded order, the group combines the gradients, and every process takes the same step.
func trainWithCustomLoop(
    _ model: inout DigitClassifier, group: some ProcessGroup, epochs: Int, afterStep: (_ step: Int, DigitClassifier) throws -> Void
) throws {
    var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
    let loss = CrossEntropy()
    try group.synchronize(&model)
    var step = 0
    for epoch in 0..<epochs {
        let order = BatchSequence(exampleCount: train.labels.exampleCount, batchSize: batchSize, shuffle: true, seed: 1, epoch: epoch)
        for batch in order.indices {
            let mine = order.shard(batch, rank: group.rank, of: group.processCount)
            var gradient = DigitClassifier.Gradient.zero
            if !mine.isEmpty {
                let (xb, yb) = (train.pixels.gathering(examples: mine), train.labels.gathering(examples: mine))
                gradient = try model.gradient(at: xb) { logits in try loss.valueWithGradient(logits, yb).gradient }
            }
            group.combine(&gradient, examples: mine.count, of: order[batch].count)
            optimizer.update(&model, along: gradient)
            group.shareState(of: &model)
            try afterStep(step, model)
            step += 1
        }
    }
}

/// Trains with fit over `group`, micro-batches of 16 when `group` has several processes, and
/// returns the history; `afterEpoch` sees the parameters after every epoch.
func trainWithFit(
    _ model: inout some Module, group: some ProcessGroup, afterEpoch: @escaping (_ epoch: Int, [Float]) -> Void = { _, _ in }
) throws -> History {
    var optimizer = Adam(learningRate: 1e-3)
    let check = LambdaCallback(onEpochEnd: { epoch, _, session in afterEpoch(epoch, session.parameterScalars) })
    return try model.fit(
        x: train.pixels, y: train.labels, loss: CrossEntropy(), optimizer: &optimizer, epochs: 4, batchSize: batchSize,
        microBatchSize: group.processCount > 1 ? 16 : nil, seed: 2, validationSplit: 0.15, metrics: [Accuracy()],
        callbacks: [check, EarlyStopping(monitor: "val_loss", patience: 100)], verbosity: .silent, across: group)
}

/// The largest difference between two parameter buffers.
func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// A hash of the parameters' bits, equal across processes only if every bit is.
func bitsHash(_ scalars: [Float]) -> UInt64 {
    scalars.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1.bitPattern)) &* 0x0000_0100_0000_01b3 }
}

func expectClose(_ a: [Float], _ b: [Float], _ what: String) throws {
    let difference = largestDifference(a, b)
    guard a.count == b.count && difference <= 1e-5 else {
        throw CheckFailure(description: "\(what): parameters differ by \(difference) (at most 1e-5 allowed)")
    }
    print("\(what): parameters within \(difference) of one process's")
}

/// One process's model trained by fit with the global batch; the reference for `train` and `load`.
func singleProcessFit() throws -> (DigitClassifier, History) {
    var model = DigitClassifier(seed: 0)
    let history = try trainWithFit(&model, group: SingleProcess())
    return (model, history)
}

switch CommandLine.arguments.dropFirst().first {
case "train":
    let checkpoint = URL(fileURLWithPath: CommandLine.arguments[2])
    Communicator.run { world in
        guard world.processCount > 1 else { throw CheckFailure(description: "run with mpirun -np 2 or more") }
        var reference = DigitClassifier(seed: 0)
        try trainWithCustomLoop(&reference, group: SingleProcess(), epochs: 2) { _, _ in }
        // Process 1 starts elsewhere: the first synchronize must give it process 0's parameters.
        var model = DigitClassifier(seed: UInt64(world.rank))
        try trainWithCustomLoop(&model, group: world, epochs: 2) { step, model in
            guard world.allAgree(on: bitsHash(model.parameterScalars)) else {
                throw CheckFailure(description: "custom loop: parameters differ between processes after step \(step)")
            }
        }
        try expectClose(model.parameterScalars, reference.parameterScalars, "custom loop, bit-identical on every process after every step")

        let (fitReference, referenceHistory) = try singleProcessFit()
        var fitted = DigitClassifier(seed: UInt64(world.rank))
        var epochsDiffering: [Int] = []
        let history = try trainWithFit(&fitted, group: world) { epoch, scalars in
            if !world.allAgree(on: bitsHash(scalars)) { epochsDiffering.append(epoch) }
        }
        guard epochsDiffering.isEmpty else {
            throw CheckFailure(description: "fit: parameters differ between processes after epochs \(epochsDiffering)")
        }
        try expectClose(fitted.parameterScalars, fitReference.parameterScalars, "fit with micro-batches, bit-identical on every process after every epoch")
        for name in referenceHistory.keys {
            let (logged, expected) = (history[name] ?? [], referenceHistory[name]!)
            guard logged.count == expected.count && largestDifference(logged, expected) <= 1e-5 else {
                throw CheckFailure(description: "fit: \(name) per epoch is \(logged), one process's \(expected)")
            }
        }
        print("fit: logs of every epoch within 1e-5 of one process's")

        var normalized = NormalizedClassifier(seed: 0)
        _ = try trainWithFit(&normalized, group: world) { epoch, scalars in
            if !world.allAgree(on: bitsHash(scalars)) { epochsDiffering.append(epoch) }
        }
        let statistics = normalized[parameter: "norm.running_mean"].scalars
        guard epochsDiffering.isEmpty && statistics.contains(where: { $0 != 0 }) else {
            throw CheckFailure(description: "fit with batch normalization: statistics \(statistics), epochs differing \(epochsDiffering)")
        }
        print("fit with batch normalization: bit-identical on every process after every epoch, statistics included")
        if world.isRoot {
            try fitted.save(to: checkpoint)
            print("checkpoint saved by process 0: \(checkpoint.path)")
        }
    }
case "load":
    let loaded = try DigitClassifier(contentsOf: URL(fileURLWithPath: CommandLine.arguments[2]))
    try expectClose(loaded.parameterScalars, try singleProcessFit().0.parameterScalars, "checkpoint of process 0, loaded by one process")
case "fail":
    Communicator.run { world in
        var model = DigitClassifier(seed: 0)
        try trainWithCustomLoop(&model, group: world, epochs: 1) { step, _ in
            if world.rank == 1 && step == 3 { throw CheckFailure(description: "a failure injected at step 3") }
        }
    }
case "mismatch":
    Communicator.run { world in
        var optimizer = SGD(learningRate: 0.1)
        let (x, y, loss) = (train.pixels, train.labels, CrossEntropy())
        if world.rank == 1 {
            var other = NormalizedClassifier(seed: 0)
            try other.fit(x: x, y: y, loss: loss, optimizer: &optimizer, verbosity: .silent, across: world)
        } else {
            var model = DigitClassifier(seed: 0)
            try model.fit(x: x, y: y, loss: loss, optimizer: &optimizer, verbosity: .silent, across: world)
        }
    }
default:
    print("usage: tapeless-distributed-checks train <checkpoint> | load <checkpoint> | fail | mismatch")
    exit(2)
}
#else
import Foundation

print("tapeless-distributed-checks needs the MPI trait: swift build --traits MPI --product tapeless-distributed-checks")
exit(1)
#endif
