import Foundation
import Tapeless
import Testing

/// A model with one trainable vector parameter `p` of five elements, the size of the
/// optimizer reference problem.
struct QuadraticModel: Model {
    typealias Gradient = QuadraticModel
    static let parameterLayout = ParameterLayout([(name: "p", shape: [5], initializer: .zeros, isTrainable: true)])
    var parameterScalars: [Float]
    init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }
}

/// A model whose middle parameter is frozen: `a` [3] trainable, `b` [2] frozen, `c` [2] trainable.
struct PartlyFrozenModel: Model {
    typealias Gradient = PartlyFrozenModel
    static let parameterLayout = ParameterLayout([
        (name: "a", shape: [3], initializer: .zeros, isTrainable: true),
        (name: "b", shape: [2], initializer: .zeros, isTrainable: false),
        (name: "c", shape: [2], initializer: .zeros, isTrainable: true),
    ])
    var parameterScalars: [Float]
    init(parameterScalars: [Float]) { self.parameterScalars = parameterScalars }
}

/// Reads a JSON resource of the test bundle as a dictionary.
func loadJSONResource(_ name: String) throws -> [String: Any] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources"))
    return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}

/// Whether `actual` is within `relative` of `expected`, or within `absolute` of it near zero.
func isClose(_ actual: Float, _ expected: Double, relative: Double, absolute: Double = 1e-6) -> Bool {
    abs(Double(actual) - expected) <= relative * abs(expected) + absolute
}

/// A float array from a JSON array of numbers.
func floats(_ value: Any?) throws -> [Float] {
    try #require(value as? [Double]).map(Float.init)
}
