import Foundation
import Testing
@testable import Tapeless

/// Loading an optimizer's state from a checkpoint: what the file holds is data, so every
/// mismatch throws a ``CheckpointError`` where assigning the same state in code would trap
/// (found by the checkpoint fuzz target).
@Suite struct OptimizerStateLoadingTests {
    /// A state file for ``AffineModel`` (`w`, then `b`) holding `buffers` at `step`.
    func stateFile(step: Int, buffers: [String]) -> SafeTensorsFile {
        SafeTensorsFile(
            entries: buffers.flatMap { buffer in
                [SafeTensorsFile.Entry(name: "optimizer.\(buffer).w", tensor: Tensor(shape: [1, 1], scalars: [0.5])),
                 SafeTensorsFile.Entry(name: "optimizer.\(buffer).b", tensor: Tensor([0.25]))]
            },
            metadata: ["optimizer.step": String(step)])
    }

    @Test func anotherOptimizersBuffersAreUnexpectedEntries() {
        let adamState = stateFile(step: 3, buffers: ["exp_avg", "exp_avg_sq"])
        let adamEntries = ["optimizer.exp_avg.w", "optimizer.exp_avg.b", "optimizer.exp_avg_sq.w", "optimizer.exp_avg_sq.b"]
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        expectCheckpointError(.mismatchedEntries(missing: [], unexpected: adamEntries)) {
            try sgd.loadState(from: adamState, layout: AffineModel.parameterLayout)
        }
        // Adagrad also needs its own accumulator past step 0: both sides in one error.
        var adagrad = Adagrad()
        expectCheckpointError(.mismatchedEntries(missing: ["optimizer.sum.w", "optimizer.sum.b"], unexpected: adamEntries)) {
            try adagrad.loadState(from: adamState, layout: AffineModel.parameterLayout)
        }
        #expect(sgd.state == OptimizerState() && adagrad.state == OptimizerState(), "A failed load leaves the state unchanged.")
    }

    @Test func aStatePastStepZeroHoldsWhatTheNextUpdateCannotRecreate() throws {
        var adam = Adam()
        expectCheckpointError(.mismatchedEntries(missing: ["optimizer.exp_avg_sq.w", "optimizer.exp_avg_sq.b"], unexpected: [])) {
            try adam.loadState(from: stateFile(step: 3, buffers: ["exp_avg"]), layout: AffineModel.parameterLayout)
        }
        var amsgrad = AdamW(amsgrad: true)
        expectCheckpointError(.mismatchedEntries(missing: ["optimizer.max_exp_avg_sq.w", "optimizer.max_exp_avg_sq.b"], unexpected: [])) {
            try amsgrad.loadState(from: stateFile(step: 3, buffers: ["exp_avg", "exp_avg_sq"]), layout: AffineModel.parameterLayout)
        }
        var centered = RMSprop(centered: true)
        expectCheckpointError(.mismatchedEntries(missing: ["optimizer.grad_avg.w", "optimizer.grad_avg.b"], unexpected: [])) {
            try centered.loadState(from: stateFile(step: 3, buffers: ["square_avg"]), layout: AffineModel.parameterLayout)
        }

        // Buffers the update may start late, and any state at step 0, load and train.
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        try sgd.loadState(from: stateFile(step: 3, buffers: []), layout: AffineModel.parameterLayout)
        try adam.loadState(from: stateFile(step: 0, buffers: ["exp_avg"]), layout: AffineModel.parameterLayout)
        var model = AffineModel(w: 1, b: 1)
        sgd.update(&model, along: AffineModel.Gradient(parameterScalars: [1, 1]))
        adam.update(&model, along: AffineModel.Gradient(parameterScalars: [1, 1]))
        #expect(sgd.state.step == 4 && adam.state.step == 1)
    }

    @Test func aStepTheNextUpdateCannotCountPastIsInvalid() {
        var adam = Adam()
        expectCheckpointError(.invalidMetadata(key: "optimizer.step", reason: "'\(Int.max)' is not a non-negative integer below Int.max")) {
            try adam.loadState(from: stateFile(step: Int.max, buffers: ["exp_avg", "exp_avg_sq"]), layout: AffineModel.parameterLayout)
        }
    }

    /// Each input the fuzz target found, read as the target reads it: only checkpoint errors,
    /// and a state that loads takes an update.
    @Test func fuzzFindingsThrowOrTrain() throws {
        let folder = try #require(Bundle.module.url(forResource: "FuzzFindings", withExtension: nil, subdirectory: "Resources"))
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        #expect(files.count >= 2)
        for url in files {
            let file = try SafeTensorsFile(contentsOf: url)
            let optimizers: [any Optimizer] = [SGD(learningRate: 0.1, momentum: 0.9), Adam(), AdamW(), RMSprop(), Adagrad()]
            for var optimizer in optimizers {
                do {
                    try optimizer.loadState(from: file, layout: ReferenceLayoutModel.parameterLayout)
                } catch is CheckpointError {
                    continue
                }
                var model = ReferenceLayoutModel.zero
                optimizer.update(&model, along: .init(parameterScalars: model.parameterScalars.map { _ in 1 }))
            }
        }
    }
}
