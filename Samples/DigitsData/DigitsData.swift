// The digits data set and its split, shared by the Digits (MLP) and DigitsCNN samples.
import Foundation
import Tapeless

/// Pixels scaled to [0, 1] (`[examples, 64]`, each row an 8×8 image row by row) and their labels.
public struct Examples: Sendable {
    public let pixels: Tensor
    public let labels: IntTensor

    /// The examples at `indices`, in that order.
    public func subset(_ indices: ArraySlice<Int>) -> Examples {
        Examples(pixels: pixels.gathering(examples: indices), labels: labels.gathering(examples: indices))
    }
}

/// Reads `digits.csv` (64 pixel values 0…16 and a label per line) and scales the pixels to [0, 1].
public func loadDigits() throws -> Examples {
    guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv") else {
        fatalError("digits.csv is missing from the DigitsData resource bundle; rebuild the DigitsData target.")
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

/// sklearn's `train_test_split(X, y, test_size=0.2, random_state=...)`: a seeded permutation
/// (the one `BatchSequence` shuffles with), the first 80% to train, the rest to test.
public func trainTestSplit(_ digits: Examples) -> (train: Examples, test: Examples) {
    let order = BatchSequence(exampleCount: digits.labels.scalarCount, batchSize: 1, shuffle: true, seed: 42).order
    let trainingCount = order.count * 4 / 5
    return (digits.subset(order[..<trainingCount]), digits.subset(order[trainingCount...]))
}

/// A checkpoint path: the first command-line argument, or a file in a new temporary directory.
public func checkpointURL(named name: String) throws -> URL {
    if let path = CommandLine.arguments.dropFirst().first { return URL(fileURLWithPath: path) }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tapeless-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("\(name).safetensors")
}
