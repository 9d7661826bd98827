/// B1 written by hand: per epoch, one fused loop over raw pointers computes both gradients of
/// the mean squared error, then `w` and `b` take a descent step. The reference for what the
/// generated code could reach.
enum HandWrittenLinearRegression {
    static func train(
        x: [Float], y: [Float], epochs: Int, learningRate: Float, allocationsAfterFirstEpoch: inout Int
    ) -> (w: Float, b: Float) {
        var (w, b): (Float, Float) = (0, 0)
        let count = x.count
        let scale = 2 / Float(count)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                for epoch in 0..<epochs {
                    if epoch == 1 { allocationsAfterFirstEpoch = AllocationCounter.count }
                    var (gradientW, gradientB): (Float, Float) = (0, 0)
                    for i in 0..<count {
                        let error = w * x[i] + b - y[i]
                        gradientW += error * x[i]
                        gradientB += error
                    }
                    w -= learningRate * (scale * gradientW)
                    b -= learningRate * (scale * gradientB)
                }
            }
        }
        return (w, b)
    }
}
