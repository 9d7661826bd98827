import Foundation
import Tapeless
import Testing

/// `load(fromPyTorch:)` with a state dict that PyTorch wrote (pytorch_state_dict.py): the loaded
/// model computes PyTorch's outputs in both modes, and a file that does not fit is rejected by
/// name.
@Suite struct PyTorchInteropTests {
    static func resource(_ name: String, _ type: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: type, subdirectory: "Resources"))
    }

    static func outputs() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: resource("pytorch_outputs", "json"))) as? [String: Any])
    }

    static func tensor(_ value: Any?, shape: [Int]) -> Tensor { ReferenceCases.tensor(value, shape: shape) }

    static func maximumDifference(_ a: Tensor, _ b: Tensor) -> Float {
        guard a.shape == b.shape else { return .infinity }
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func loadedModelComputesPyTorchsOutputsInBothModes() throws {
        var model = InteropNet.zero
        try model.load(fromPyTorch: Self.resource("pytorch_state_dict", "safetensors"))
        #expect(model[parameter: "bn.num_batches_tracked"].scalars == [2], "PyTorch's int64 step counter")
        let outputs = try Self.outputs()
        let x = Self.tensor(outputs["x"], shape: [3, 2, 6, 6])
        let inference = Self.tensor(outputs["inference"], shape: [3, 5])
        #expect(Self.maximumDifference(model(x), inference) < 1e-4)
        let training = Self.tensor(outputs["training"], shape: [3, 5])
        #expect(Self.maximumDifference(model.forward(x: x, mode: .training(seed: 0, step: 0)), training) < 1e-4)
        let runningMean = Self.tensor(outputs["runningMeanAfterTraining"], shape: [4])
        #expect(Self.maximumDifference(model[parameter: "bn.running_mean"], runningMean) < 1e-5)
    }

    /// The PyTorch file with `edit` applied.
    static func edited(_ edit: (inout [SafeTensorsFile.Entry]) -> Void) throws -> SafeTensorsFile {
        var entries = try SafeTensorsFile(contentsOf: resource("pytorch_state_dict", "safetensors")).entries
        edit(&entries)
        var file = SafeTensorsFile()
        for entry in entries { file.append(entry) }
        return file
    }

    @Test func aMissingOrExtraEntryIsRejectedByName() throws {
        var model = InteropNet(seed: 1)
        let before = model.parameterScalars
        let missing = try Self.edited { $0.removeAll { $0.name == "bn.running_var" } }
        #expect(throws: CheckpointError.mismatchedEntries(missing: ["bn.running_var"], unexpected: [])) {
            try model.load(fromPyTorch: missing)
        }
        let extra = try Self.edited { $0.append(.init(name: "head.weight", shape: [2], scalars: [1, 2])) }
        #expect(throws: CheckpointError.mismatchedEntries(missing: [], unexpected: ["head.weight"])) {
            try model.load(fromPyTorch: extra)
        }
        #expect(model.parameterScalars == before, "a rejected file changes nothing")
    }

    @Test func aWronglyShapedEntryIsRejectedInPyTorchsLayout() throws {
        var model = InteropNet.zero
        // Tapeless's own [in, out] layout for the Linear weight is the wrong one in a PyTorch file.
        let untransposed = try Self.edited { entries in
            let index = entries.firstIndex { $0.name == "fc.weight" }!
            entries[index] = .init(name: "fc.weight", shape: [36, 5], scalars: [Float](repeating: 0, count: 180))
        }
        #expect(throws: CheckpointError.shapeMismatch(parameter: "fc.weight", expected: [5, 36], found: [36, 5])) {
            try model.load(fromPyTorch: untransposed)
        }
    }

    @Test func renamingMapsASequentialsNames() throws {
        let names = ["conv": "0", "bn": "1", "fc": "4", "norm": "5"]
        let sequential = try Self.edited { entries in
            entries = entries.map { entry in
                let layer = String(entry.name.prefix { $0 != "." })
                return .init(name: names[layer]! + entry.name.dropFirst(layer.count), dtype: entry.dtype, shape: entry.shape, bytes: entry.bytes)
            }
        }
        var model = InteropNet.zero
        try model.load(fromPyTorch: sequential) { name in
            let index = String(name.prefix { $0 != "." })
            return (names.first { $0.value == index }?.key ?? index) + name.dropFirst(index.count)
        }
        var direct = InteropNet.zero
        try direct.load(fromPyTorch: Self.resource("pytorch_state_dict", "safetensors"))
        #expect(model.parameterScalars == direct.parameterScalars)
    }
}
