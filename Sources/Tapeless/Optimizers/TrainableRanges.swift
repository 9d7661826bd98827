extension Model {
    /// Calls `body` once per trainable parameter with the flat parameter and gradient buffers
    /// and that parameter's range in them; frozen parameters are skipped.
    ///
    /// This is the pass every optimizer shares: the optimizer's own state buffers use the same
    /// flat layout, so `body` indexes them with the same positions. Nothing is allocated here.
    ///
    /// - Precondition: the model and `gradient` have as many scalars as the layout.
    mutating func forEachTrainableRange(
        along gradient: Gradient,
        updatedBy optimizer: String,
        _ body: (_ parameters: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>, _ range: Range<Int>) -> Void
    ) {
        let gradientScalars = gradient.parameterScalars
        let layout = Self.parameterLayout
        precondition(
            parameterScalars.count == layout.scalarCount,
            "\(Self.self) holds \(parameterScalars.count) parameter scalars, but its layout has \(layout.scalarCount)."
        )
        precondition(
            gradientScalars.count == parameterScalars.count,
            """
            \(optimizer) got a gradient of \(gradientScalars.count) scalars (\(Gradient.self)) for a model of \
            \(parameterScalars.count) (\(Self.self)); pass the gradient computed for this model.
            """
        )
        gradientScalars.withUnsafeBufferPointer { g in
            parameterScalars.withUnsafeMutableBufferPointer { p in
                guard let p = p.baseAddress, let g = g.baseAddress else { return }
                for entry in layout.entries where entry.isTrainable {
                    body(p, g, entry.range)
                }
            }
        }
    }
}
