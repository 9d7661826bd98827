import Foundation
import Testing
@testable import Tapeless

/// A fresh, empty directory for one test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tapeless-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

struct SimulatedCrash: Error {}

@Suite struct CheckpointTests {
    /// The values of the reference file (see Resources/model.json), in layout order.
    static let referenceWeight: [Float] = [
        -0.11482065916061401, 1.5493253469467163, 0.9686827659606934, 0.22280339896678925,
        -1.4186420440673828, -1.9127861261367798, 1.1866633892059326, 0.8245272636413574,
        -1.9947150945663452, 0.6253496408462524, -2.3879146575927734, 0.9974755644798279,
    ]
    static let referenceBias: [Float] = [0.7027591466903687, 0.9655501246452332, -0.4426534175872803]

    @Test func loadsTheReferenceFileIntoAModelOnlyWhenToldToSkipExtras() throws {
        let url = try resourceURL("model", "safetensors")
        expectCheckpointError(.mismatchedEntries(missing: [], unexpected: ["step"])) { _ = try ReferenceLayoutModel(contentsOf: url) }
        let model = try ReferenceLayoutModel(contentsOf: url, unknownEntries: .ignore)
        #expect(model.parameterScalars == Self.referenceWeight + Self.referenceBias + [2.5])
        #expect(model[parameter: "fc1.weight"].shape == [4, 3])
        #expect(model[parameter: "scale"] == Tensor(2.5))
    }

    @Test func roundTripsParametersAndMetadata() throws {
        let directory = try temporaryDirectory()
        let url = directory.appendingPathComponent("model.safetensors")
        let model = ReferenceLayoutModel(parameterScalars: (0..<16).map { Float($0) * 0.25 - 1 })
        try model.save(to: url, metadata: ["epoch": "3"])
        let restored = try ReferenceLayoutModel(contentsOf: url)
        #expect(restored.parameterScalars == model.parameterScalars)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.metadata == ["epoch": "3"])
        #expect(file.entries.map(\.name) == ["fc1.weight", "fc1.bias", "scale"])
        #expect(file["scale"]!.shape == [])
        #expect(try file["fc1.bias"]!.floatScalars() == [2, 2.25, 2.5])
    }

    @Test func roundTripsOptimizerStateSplitByParameter() throws {
        let directory = try temporaryDirectory()
        let url = directory.appendingPathComponent("checkpoint.safetensors")
        let model = ReferenceLayoutModel(parameterScalars: [Float](repeating: 1, count: 16))
        var optimizer = TestSGD(learningRate: 0.125)
        let averages = (0..<16).map { Float($0) }
        optimizer.state = OptimizerState(step: 7, buffers: ["exp_avg": averages, "exp_avg_sq": averages.map { $0 * $0 }])
        try model.save(to: url, optimizer: optimizer)

        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.metadata == ["optimizer.step": "7", "optimizer.learning_rate": "0.125"])
        #expect(file["optimizer.exp_avg.fc1.weight"]!.shape == [4, 3])
        #expect(try file["optimizer.exp_avg.fc1.bias"]!.floatScalars() == [12, 13, 14])
        #expect(try file["optimizer.exp_avg_sq.scale"]!.floatScalars() == [225])
        // The model loads from the same file; optimizer entries are not "unknown".
        #expect(try ReferenceLayoutModel(contentsOf: url) == model)

        var resumed = TestSGD(learningRate: 1)
        try resumed.loadState(from: url, for: ReferenceLayoutModel.self)
        #expect(resumed.state == optimizer.state)
        #expect(resumed.learningRate == 0.125)
    }

    @Test func rejectsMismatchedCheckpoints() throws {
        let directory = try temporaryDirectory()
        let affineURL = directory.appendingPathComponent("affine.safetensors")
        try AffineModel(w: 2, b: 1).save(to: affineURL)
        expectCheckpointError(.mismatchedEntries(missing: ["fc1.weight", "fc1.bias", "scale"], unexpected: [])) {
            _ = try ReferenceLayoutModel(contentsOf: affineURL, unknownEntries: .ignore)
        }
        // Both sides at once: what the model lacks in the file and what the file has extra.
        expectCheckpointError(.mismatchedEntries(missing: ["fc1.weight", "fc1.bias", "scale"], unexpected: ["w", "b"])) {
            _ = try ReferenceLayoutModel(contentsOf: affineURL)
        }

        let wrongShape = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        var model = AffineModel(w: 3, b: 4)
        expectCheckpointError(.shapeMismatch(parameter: "w", expected: [1, 1], found: [2])) {
            try model.load(from: SafeTensorsFile(bytes: safetensorsBytes(header: wrongShape, data: float32Bytes([1, 2, 3]))))
        }
        let integerWeight = #"{"w":{"dtype":"I64","shape":[1,1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        expectCheckpointError(.unsupportedDType(entry: "w", dtype: "I64", accepted: [.float32, .float64, .float16, .bfloat16])) {
            try model.load(from: SafeTensorsFile(bytes: safetensorsBytes(header: integerWeight, data: littleEndianBytes(Int64(1)) + float32Bytes([1]))))
        }
        #expect(model == AffineModel(w: 3, b: 4), "A failed load leaves the parameters unchanged.")

        var optimizer = TestSGD(learningRate: 1)
        expectCheckpointError(.missingOptimizerState) { try optimizer.loadState(from: affineURL, for: AffineModel.self) }
        let strayState = SafeTensorsFile(
            entries: [.init(name: "optimizer.momentum.v", tensor: Tensor([1]))], metadata: ["optimizer.step": "1"])
        expectCheckpointError(.mismatchedEntries(missing: [], unexpected: ["optimizer.momentum.v"])) {
            try optimizer.loadState(from: strayState, layout: AffineModel.parameterLayout)
        }
        let partialState = SafeTensorsFile(
            entries: [.init(name: "optimizer.momentum.b", tensor: Tensor([1]))], metadata: ["optimizer.step": "1"])
        expectCheckpointError(.mismatchedEntries(missing: ["optimizer.momentum.w"], unexpected: [])) {
            try optimizer.loadState(from: partialState, layout: AffineModel.parameterLayout)
        }
        let renamedState = SafeTensorsFile(
            entries: [.init(name: "optimizer.momentum.b", tensor: Tensor([1])), .init(name: "optimizer.momentum.v", tensor: Tensor([1]))],
            metadata: ["optimizer.step": "1"])
        expectCheckpointError(.mismatchedEntries(missing: ["optimizer.momentum.w"], unexpected: ["optimizer.momentum.v"])) {
            try optimizer.loadState(from: renamedState, layout: AffineModel.parameterLayout)
        }
        expectCheckpointError(.invalidMetadata(key: "optimizer.step", reason: "'x' is not a non-negative integer below Int.max")) {
            try optimizer.loadState(from: SafeTensorsFile(metadata: ["optimizer.step": "x"]), layout: AffineModel.parameterLayout)
        }
        #expect(optimizer.state == OptimizerState())
    }

    @Test func anInterruptedSaveLeavesThePreviousFileIntact() throws {
        let directory = try temporaryDirectory()
        let url = directory.appendingPathComponent("model.safetensors")
        try AffineModel(w: 2, b: 1).save(to: url)
        let before = try Data(contentsOf: url)

        let replacement = SafeTensorsFile(entries: [.init(name: "w", tensor: Tensor(shape: [1, 1], scalars: [9])), .init(name: "b", tensor: Tensor([9]))])
        var calls = 0
        #expect(throws: SimulatedCrash.self) {
            try AtomicFile.write(replacement.serialized(), to: url) { descriptor, bytes, count in
                calls += 1
                if calls > 1 { throw SimulatedCrash() }
                return try AtomicFile.posixWrite(descriptor, bytes, min(count, 16))
            }
        }
        #expect(calls == 2, "The simulated crash happens after part of the file was written.")
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
        #expect(try AffineModel(contentsOf: url) == AffineModel(w: 2, b: 1))

        // A writer that stops making progress (a full disk) is a thrown, named error.
        do {
            try AtomicFile.write(replacement.serialized(), to: url) { _, _, _ in 0 }
            Issue.record("A stalled write was accepted.")
        } catch CheckpointError.unwritableFile(let path, _) {
            #expect(path == url.path)
        }
        #expect(try Data(contentsOf: url) == before)

        try replacement.write(to: url)
        #expect(try AffineModel(contentsOf: url) == AffineModel(w: 9, b: 9))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }

    @Test func savingIntoAMissingDirectoryThrows() throws {
        let url = try temporaryDirectory().appendingPathComponent("missing/model.safetensors")
        do {
            try AffineModel(w: 1, b: 1).save(to: url)
            Issue.record("Saving into a missing directory succeeded.")
        } catch let error as CheckpointError {
            guard case .unwritableFile(let path, let reason) = error else {
                Issue.record("Unexpected error \(error)")
                return
            }
            #expect(path == url.path)
            #expect(reason.contains("No such file or directory"))
        }
        #expect {
            _ = try AffineModel(contentsOf: url)
        } throws: { error in
            guard case .unreadableFile(let path, _) = error as? CheckpointError else { return false }
            return path == url.path
        }
    }
}
