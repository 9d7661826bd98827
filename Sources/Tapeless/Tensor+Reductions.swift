import Foundation

/// One line of a tensor's elements along an axis: `count` elements, `stride` apart, from `start`.
struct Lane {
    let elements: UnsafeBufferPointer<Float>
    let start: Int
    let stride: Int
    let count: Int

    /// The buffer position of the lane's element `i`.
    func position(_ i: Int) -> Int { start &+ i &* stride }

    /// The lane's element `i`.
    subscript(i: Int) -> Float { elements[position(i)] }

    /// The sum, accumulated in `Double` so long lanes do not lose small terms.
    var sum: Double {
        var total = 0.0
        for i in 0..<count { total += Double(self[i]) }
        return total
    }

    /// The position in the lane of the first largest element; a NaN counts as largest, as in
    /// PyTorch. The lane must not be empty.
    var indexOfMaximum: Int {
        var best = 0
        var bestValue = self[0]
        for i in 1..<count {
            if bestValue.isNaN { break }  // nothing replaces a NaN
            let value = self[i]
            if value > bestValue || value.isNaN {
                best = i
                bestValue = value
            }
        }
        return best
    }

    /// The largest element (NaN if any element is NaN). The lane must not be empty.
    var maximum: Float { self[indexOfMaximum] }
}

extension Tensor {
    /// The sum of all elements (zero for an empty tensor).
    public func sum() -> Float {
        Float(withUnsafeBufferPointer { Lane(elements: $0, start: 0, stride: 1, count: $0.count).sum })
    }

    /// The mean of all elements (NaN for an empty tensor, as in PyTorch).
    public func mean() -> Float {
        Float(withUnsafeBufferPointer { Lane(elements: $0, start: 0, stride: 1, count: $0.count).sum } / Double(scalarCount))
    }

    /// The largest element; NaN if any element is NaN.
    ///
    /// - Precondition: the tensor is not empty.
    public func max() -> Float {
        precondition(scalarCount > 0, "max() of an empty tensor of shape \(shape) has no value.")
        return withUnsafeBufferPointer { Lane(elements: $0, start: 0, stride: 1, count: $0.count).maximum }
    }

    /// The sums along `axis`, which is removed from the shape.
    ///
    /// ```swift
    /// Tensor([[1, 2, 3], [4, 5, 6]]).sum(alongAxis: 1)   // [6, 15]
    /// ```
    /// - Parameter axis: a dimension in `-rank..<rank`; negative values count from the end.
    public func sum(alongAxis axis: Int) -> Tensor {
        let (shape, values) = reducingLanes(alongAxis: axis, operation: "sum") { Float($0.sum) }
        return Tensor(shape: shape, scalars: values)
    }

    /// The means along `axis`, which is removed from the shape.
    ///
    /// - Parameter axis: a dimension in `-rank..<rank`; negative values count from the end.
    public func mean(alongAxis axis: Int) -> Tensor {
        let (shape, values) = reducingLanes(alongAxis: axis, operation: "mean") { Float($0.sum / Double($0.count)) }
        return Tensor(shape: shape, scalars: values)
    }

    /// The largest elements along `axis`, which is removed from the shape.
    ///
    /// - Parameter axis: a dimension in `-rank..<rank`; negative values count from the end.
    /// - Precondition: the axis is not empty.
    public func max(alongAxis axis: Int) -> Tensor {
        let (shape, values) = reducingLanes(alongAxis: axis, operation: "max", needsElements: true) { $0.maximum }
        return Tensor(shape: shape, scalars: values)
    }

    /// The index along `axis` of the first largest element of each lane, such as the predicted
    /// class of each row of logits with `axis: 1`.
    ///
    /// - Parameter axis: a dimension in `-rank..<rank`; negative values count from the end.
    /// - Precondition: the axis is not empty.
    public func argmax(alongAxis axis: Int) -> IntTensor {
        let (shape, values) = reducingLanes(alongAxis: axis, operation: "argmax", needsElements: true) {
            $0.indexOfMaximum
        }
        return IntTensor(shape: shape, scalars: values)
    }

    /// The softmax along `axis`: each lane is exponentiated and divided by its sum, after
    /// subtracting the lane's maximum so large logits do not overflow.
    ///
    /// - Parameter axis: a dimension in `-rank..<rank`; negative values count from the end.
    public func softmax(alongAxis axis: Int) -> Tensor {
        transformingLanes(alongAxis: axis, operation: "softmax") { lane, output in
            let maximum = lane.maximum
            var total: Float = 0
            for i in 0..<lane.count {
                let e = exp(lane[i] - maximum)
                output[lane.position(i)] = e
                total += e
            }
            for i in 0..<lane.count { output[lane.position(i)] /= total }
        }
    }

    /// The logarithm of the softmax along `axis`, computed as `x - max - log(sum(exp(x - max)))`
    /// so it stays finite where `log(softmax(x))` would underflow to `-inf`.
    ///
    /// - Parameter axis: a dimension in `-rank..<rank`; negative values count from the end.
    public func logSoftmax(alongAxis axis: Int) -> Tensor {
        transformingLanes(alongAxis: axis, operation: "logSoftmax") { lane, output in
            let maximum = lane.maximum
            var total: Float = 0
            for i in 0..<lane.count { total += exp(lane[i] - maximum) }
            let shift = maximum + log(total)
            for i in 0..<lane.count { output[lane.position(i)] = lane[i] - shift }
        }
    }

    /// The shape split around `axis`: how many lanes come before it (`outer`), its size, and
    /// the distance between consecutive elements of a lane (`inner`).
    private func axisLayout(_ axis: Int, operation: String) -> (axis: Int, outer: Int, size: Int, inner: Int) {
        precondition(
            axis >= -rank && axis < rank,
            "\(operation)(alongAxis: \(axis)) needs an axis in \(-rank)..<\(rank) for a tensor of shape \(shape)."
        )
        let axis = axis < 0 ? axis + rank : axis
        return (axis, shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Reduces every lane along `axis` to one value; the result has the shape without `axis`.
    private func reducingLanes<Value>(
        alongAxis axis: Int, operation: String, needsElements: Bool = false, _ reduce: (Lane) -> Value
    ) -> (shape: [Int], values: [Value]) {
        let (axis, outer, size, inner) = axisLayout(axis, operation: operation)
        var reducedShape = shape
        reducedShape.remove(at: axis)
        precondition(
            !needsElements || size > 0 || outer * inner == 0,
            "\(operation)(alongAxis: \(axis)) of a tensor of shape \(shape) has no value: the axis is empty."
        )
        let values = withUnsafeBufferPointer { elements in
            (0..<(outer * inner)).map { lane in
                let (o, i) = lane.quotientAndRemainder(dividingBy: inner)
                return reduce(Lane(elements: elements, start: o &* size &* inner &+ i, stride: inner, count: size))
            }
        }
        return (reducedShape, values)
    }

    /// A tensor of this shape whose lanes along `axis` are written by `transform`, which gets
    /// each input lane and the output buffer (indexed by the lane's positions).
    private func transformingLanes(
        alongAxis axis: Int, operation: String,
        _ transform: (Lane, UnsafeMutableBufferPointer<Float>) -> Void
    ) -> Tensor {
        let (_, outer, size, inner) = axisLayout(axis, operation: operation)
        guard size > 0 else { return self }  // no lanes to write (and none to read a maximum from)
        return withUnsafeBufferPointer { elements in
            Tensor(shape: shape) { output in
                for o in 0..<outer {
                    for i in 0..<inner {
                        transform(Lane(elements: elements, start: o &* size &* inner &+ i, stride: inner, count: size), output)
                    }
                }
            }
        }
    }
}
