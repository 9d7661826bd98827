/// One dimension of a checked tensor shape: the IR's dimension, so shapes pass from the checker
/// to lowering unchanged.
public typealias Dimension = IRDimension

/// The type of a checked expression: an element type and a shape (empty for a scalar).
public struct ValueType: Hashable, Sendable, CustomStringConvertible {
    /// The kind of values a tensor holds: `Float` (the only differentiable kind), `Int` class
    /// labels, or `Bool` results of comparisons (only for `where`); the IR's element kinds.
    public typealias Element = IRType.Element

    /// The element type.
    public var element: Element
    /// The dimensions, outermost first; empty for a scalar.
    public var shape: [Dimension]

    /// Creates a type from an element type and a shape.
    public init(element: Element, shape: [Dimension]) {
        self.element = element
        self.shape = shape
    }

    /// The `Float` scalar type.
    public static let scalar = ValueType(element: .float, shape: [])

    /// A Float tensor of the given shape.
    public static func tensor(_ shape: [Dimension]) -> ValueType {
        ValueType(element: .float, shape: shape)
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// Whether this is the `Float` scalar type.
    public var isFloatScalar: Bool { element == .float && shape.isEmpty }

    /// The size variables in the shape, in order of first appearance.
    public var sizeVariables: [String] {
        var names: [String] = []
        for case .size(let name) in shape where !names.contains(name) { names.append(name) }
        return names
    }

    /// The type as written in source: `Float`, `[batch, 10]`, `Int[batch]` or `Bool[n]`.
    public var description: String {
        let dimensions = "[" + shape.map(\.description).joined(separator: ", ") + "]"
        switch element {
        case .float: return shape.isEmpty ? "Float" : dimensions
        case .int: return shape.isEmpty ? "Int" : "Int" + dimensions
        case .bool: return shape.isEmpty ? "Bool" : "Bool" + dimensions
        }
    }

    /// The most elements the literal dimensions of a shape may multiply to: 2^31 Floats are
    /// 8 GiB, beyond any model Tapeless is for, and every size the emitted code computes from
    /// them stays far from Int overflow.
    static let maximumElementCount = 1 << 31

    /// Whether the literal dimensions multiply to at most ``maximumElementCount``.
    var isWithinSizeLimit: Bool {
        var count = 1
        for case .fixed(let size) in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow || product > Self.maximumElementCount { return false }
            count = product
        }
        return true
    }

    /// The diagnostic for a type that is not ``isWithinSizeLimit``, about `subject` (which names it).
    static func sizeLimitMessage(_ subject: String) -> String {
        "\(subject) has more than \(maximumElementCount) elements (8 GiB of Float), more than Tapeless supports; use smaller sizes"
    }

    /// The type with each size variable replaced by its binding (unbound ones are kept).
    func substituting(_ bindings: [String: Dimension]) -> ValueType {
        ValueType(element: element, shape: shape.map { dimension in
            if case .size(let name) = dimension, let bound = bindings[name] { return bound }
            return dimension
        })
    }
}
