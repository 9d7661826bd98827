import FuzzDriver
import Foundation
import Tapeless

/// A model with the layout of `Tests/TapelessTests/Resources/model.safetensors`, so inputs
/// mutated from that file reach the loading code past the name and shape checks.
struct FuzzModel: Model {
    static let parameterLayout = ParameterLayout([
        ("fc1.weight", [4, 3], .zeros, true),
        ("fc1.bias", [3], .zeros, true),
        ("scale", [], .zeros, false),
    ])
    var parameterScalars: [Float]
    init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }

    struct Gradient: ParameterContainer {
        static var parameterLayout: ParameterLayout { FuzzModel.parameterLayout }
        var parameterScalars: [Float]
        init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }
    }
}

/// Runs `body`, which may only fail with a ``CheckpointError``: anything else is a finding.
func onlyCheckpointErrors<T>(_ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch is CheckpointError {
        return nil
    } catch {
        fatalError("a checkpoint read threw \(type(of: error)), not CheckpointError: \(error)")
    }
}

/// One input: the bytes as a safetensors file, then everything a user can do with what was
/// read. Reading must throw ``CheckpointError`` or succeed; a file that was read must survive
/// writing and reading back unchanged.
func read(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = onlyCheckpointErrors({ try SafeTensorsFile(bytes: bytes) }) else { return 0 }

    for entry in file.entries {
        _ = onlyCheckpointErrors { try entry.tensor() }
        _ = onlyCheckpointErrors { try entry.intTensor() }
    }
    for policy in [UnknownEntryPolicy.reject, .ignore] {
        var model = FuzzModel.zero
        _ = onlyCheckpointErrors { try model.load(from: file, unknownEntries: policy) }
    }
    // Every optimizer, since a file saved by one may be loaded into another.
    let optimizers: [any Optimizer] = [SGD(learningRate: 0.1, momentum: 0.9), Adam(), AdamW(), RMSprop(), Adagrad()]
    for var optimizer in optimizers {
        guard onlyCheckpointErrors({ try optimizer.loadState(from: file, layout: FuzzModel.parameterLayout) }) != nil else { continue }
        // A state that loaded is one training can resume from.
        var model = FuzzModel.zero
        optimizer.update(&model, along: FuzzModel.Gradient(parameterScalars: model.parameterScalars.map { _ in 1 }))
    }

    let reread = onlyCheckpointErrors { try SafeTensorsFile(bytes: file.serialized()) }
    precondition(reread == file, "a file read without error changed when written and read back")
    return 0
}

exit(fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, read))
