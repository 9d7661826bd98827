/// How a loss combines the losses of single elements or examples into one number.
public enum Reduction: Sendable, Equatable {
    /// The average: over every element for elementwise losses, over the batch for
    /// ``CrossEntropy`` (PyTorch's `reduction="mean"`).
    case mean
    /// The sum (PyTorch's `reduction="sum"`).
    case sum

    /// The factor that turns a sum over `count` terms into this reduction.
    func scale(count: Int) -> Float {
        switch self {
        case .mean: 1 / Float(count)
        case .sum: 1
        }
    }
}
