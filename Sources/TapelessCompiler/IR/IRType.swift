/// One dimension of an IR value: a number known at compile time, or a size variable bound
/// from a function's arguments when it is called.
public enum IRDimension: Hashable, Sendable, CustomStringConvertible {
    /// A size known at compile time.
    case fixed(Int)
    /// A size variable, such as `batch`, bound when the function is called.
    case size(String)

    /// The size, when it is known at compile time.
    public var fixedValue: Int? {
        if case .fixed(let value) = self { value } else { nil }
    }

    /// The size variable's name, when the size is one.
    public var sizeName: String? {
        if case .size(let name) = self { name } else { nil }
    }

    /// The dimension as written: the number or the variable's name.
    public var description: String {
        switch self {
        case .fixed(let value): return String(value)
        case .size(let name): return name
        }
    }
}

extension IRDimension {
    /// One dimension as large as `dimensions` together, when the IR can write it: a product of
    /// fixed sizes, or one size variable (times sizes of 1); `nil` otherwise.
    public static func product(_ dimensions: [IRDimension]) -> IRDimension? {
        let variables = dimensions.filter { $0.fixedValue == nil }
        let fixed = dimensions.compactMap(\.fixedValue).reduce(1, *)
        if variables.isEmpty { return .fixed(fixed) }
        return variables.count == 1 && fixed == 1 ? variables[0] : nil
    }
}

/// The type of an IR value: an element kind and a shape. A Float scalar has the shape `[]`.
public struct IRType: Hashable, Sendable, CustomStringConvertible {
    /// The kind of each element.
    public enum Element: String, Hashable, Sendable {
        /// A 32-bit float (`Float`), an integer such as a class label (`Int`), or the result of a
        /// comparison (`Bool`).
        case float = "Float", int = "Int", bool = "Bool"
    }

    /// The kind of each element.
    public var element: Element
    /// The dimensions, outermost first; empty for a scalar.
    public var shape: [IRDimension]

    /// Creates a type; the default shape `[]` is a scalar.
    public init(_ element: Element, _ shape: [IRDimension] = []) {
        self.element = element
        self.shape = shape
    }

    /// A Float scalar.
    public static let scalar = IRType(.float)

    /// A Float tensor of the given shape.
    public static func float(_ shape: [IRDimension]) -> IRType { IRType(.float, shape) }

    /// Whether the value is a single number rather than a tensor.
    public var isScalar: Bool { shape.isEmpty }

    /// The same shape with another element kind.
    public func with(_ element: Element) -> IRType { IRType(element, shape) }

    /// The type as printed: `Float`, `[n, 10]` for a Float tensor, `Int[n]` or `Bool[n]` otherwise.
    public var description: String {
        if shape.isEmpty { return element.rawValue }
        let dims = "[" + shape.map(\.description).joined(separator: ", ") + "]"
        return element == .float ? dims : element.rawValue + dims
    }
}
