/// A loss that is a sum (or mean) of one term per element, comparing predictions with targets
/// of the same shape.
///
/// A conforming type gives the term of one element and its derivative; the value and the
/// gradient of a whole batch then come from one pass over memory. Write your own elementwise
/// loss by conforming to it.
public protocol ElementwiseLoss: Loss where Target == Tensor {
    /// How the element losses are combined.
    var reduction: Reduction { get }
    /// The loss of one element and its derivative with respect to the prediction.
    func term(prediction: Float, target: Float) -> (value: Float, derivative: Float)
}

extension ElementwiseLoss {
    /// The loss of `predicted` against `target`.
    ///
    /// - Throws: ``TrainingError/targetShapeMismatch(function:predictions:targets:)`` unless
    ///   both have the same shape, and ``TrainingError/emptyPredictions(function:shape:)`` for
    ///   a `.mean` over no elements.
    public func callAsFunction(_ predicted: Tensor, _ target: Tensor) throws -> Float {
        try checkElementwiseArguments(predicted, target, reduction: reduction, loss: Self.self)
        return reduceElementwise(predicted, target, reduction: reduction, gradient: nil, term: term)
    }

    /// The loss and its gradient with respect to `predicted` (divided by the element count for
    /// `.mean`).
    ///
    /// - Throws: ``TrainingError``, as ``callAsFunction(_:_:)`` does.
    public func valueWithGradient(_ predicted: Tensor, _ target: Tensor) throws -> (value: Float, gradient: Tensor) {
        try valueWithNewGradient(predicted, target)
    }

    /// The loss, with its gradient with respect to `predicted` written into `gradient` (whose
    /// storage is reused when it has `predicted`'s shape).
    ///
    /// - Throws: ``TrainingError``, as ``callAsFunction(_:_:)`` does; `gradient` is then
    ///   unchanged.
    public func value(_ predicted: Tensor, _ target: Tensor, gradientInto gradient: inout Tensor) throws -> Float {
        try checkElementwiseArguments(predicted, target, reduction: reduction, loss: Self.self)
        gradient.prepareToOverwrite(shape: predicted.shape)
        return gradient.withUnsafeMutableBufferPointer { gradient in
            reduceElementwise(predicted, target, reduction: reduction, gradient: gradient.baseAddress, term: term)
        }
    }
}

/// Reduces an elementwise loss of `predicted` against a target of the same shape in one
/// pass, writing the gradient with respect to `predicted` to `gradient` unless it is `nil`.
///
/// `term` maps a prediction and its target to the element's loss and its derivative with
/// respect to the prediction. Sums are kept in `Double` so that large batches lose no digits.
/// The caller has checked the arguments with ``checkElementwiseArguments(_:_:reduction:loss:)``.
@inline(__always)
func reduceElementwise(
    _ predicted: Tensor, _ target: Tensor, reduction: Reduction, gradient: UnsafeMutablePointer<Float>?,
    term: (_ prediction: Float, _ target: Float) -> (value: Float, derivative: Float)
) -> Float {
    let count = predicted.scalarCount
    let scale = reduction.scale(count: count)
    var total = 0.0
    predicted.withUnsafeBufferPointer { p in
        target.withUnsafeBufferPointer { y in
            guard let gradient else {
                for i in 0..<count { total += Double(term(p[i], y[i]).value) }
                return
            }
            for i in 0..<count {
                let (value, derivative) = term(p[i], y[i])
                total += Double(value)
                gradient[i] = scale * derivative
            }
        }
    }
    return Float(total) * scale
}

/// Throws unless `target` has `predicted`'s shape and, for `.mean`, holds an element.
func checkElementwiseArguments(_ predicted: Tensor, _ target: Tensor, reduction: Reduction, loss: Any.Type) throws {
    try checkSameShape(predicted, target, for: loss)
    if reduction == .mean { try checkHasElements(predicted, for: loss) }
}
