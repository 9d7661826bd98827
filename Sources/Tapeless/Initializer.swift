/// How a parameter's first values are drawn.
///
/// Fans follow the input-major weight convention (`x @ weight`): for a shape `[in, out]`,
/// `fanIn = in` and `fanOut = out`; a vector's fans are both its length; a scalar's are 1.
/// The formulas are PyTorch's `torch.nn.init` (Glorot & Bengio 2010; He et al. 2015); normal
/// variants are plain (not truncated) normal draws.
public enum Initializer: Sendable, Equatable {
    /// Every element is `value` (`zeros` and `ones` are `constant(0)` and `constant(1)`).
    case constant(Float)
    /// Uniform in `[low, high)`.
    case uniform(low: Float, high: Float)
    /// Normal with the given mean and standard deviation.
    case normal(mean: Float, standardDeviation: Float)
    /// Uniform in `±sqrt(6 / (fanIn + fanOut))`.
    case glorotUniform
    /// Normal with standard deviation `sqrt(2 / (fanIn + fanOut))`.
    case glorotNormal
    /// Uniform in `±sqrt(6 / fanIn)` (Kaiming uniform for ReLU).
    case heUniform
    /// Normal with standard deviation `sqrt(2 / fanIn)` (Kaiming normal for ReLU).
    case heNormal

    /// Every element zero.
    public static let zeros = Initializer.constant(0)
    /// Every element one.
    public static let ones = Initializer.constant(1)

    /// The fan-in and fan-out of a parameter of the given shape.
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        default:
            let receptive = shape.dropFirst(2).reduce(1, *)
            return (shape[0] * receptive, shape[1] * receptive)
        }
    }

    /// Draws the values of a parameter of the given shape from `stream`.
    public func values(shape: [Int], stream: RandomStream) -> [Float] {
        let count = shape.reduce(1, *)
        let (fanIn, fanOut) = Self.fans(of: shape)
        switch self {
        case .constant(let value):
            return [Float](repeating: value, count: count)
        case .uniform(let low, let high):
            return stream.uniformValues(count: count, low: low, high: high)
        case .normal(let mean, let standardDeviation):
            return stream.normalValues(count: count, mean: mean, standardDeviation: standardDeviation)
        case .glorotUniform:
            let limit = (6 / Float(fanIn + fanOut)).squareRoot()
            return stream.uniformValues(count: count, low: -limit, high: limit)
        case .glorotNormal:
            return stream.normalValues(count: count, standardDeviation: (2 / Float(fanIn + fanOut)).squareRoot())
        case .heUniform:
            let limit = (6 / Float(fanIn)).squareRoot()
            return stream.uniformValues(count: count, low: -limit, high: limit)
        case .heNormal:
            return stream.normalValues(count: count, standardDeviation: (2 / Float(fanIn)).squareRoot())
        }
    }
}
