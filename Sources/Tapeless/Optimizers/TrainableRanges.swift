/// One optimizer step's elementwise rule: its per-step constants and the pointers to its state
/// buffers, applied to a range of the flat buffers.
///
/// A value of a conforming struct, not a closure, crosses to the worker threads: a closure
/// handed to another thread needs a heap box on every call, a struct on the stack does not.
protocol ElementwiseUpdate {
    /// Updates the parameters (and the optimizer's state buffers) at the positions in `range`
    /// of the model's flat layout.
    func update(_ parameters: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>, _ range: Range<Int>)
}

extension ElementwiseUpdate {
    /// Applies the update stored at `address` to `range`: callable on an `any
    /// ElementwiseUpdate.Type`, so code that has only the type's value can run it.
    static func update(
        at address: UnsafeRawPointer, _ parameters: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
        _ range: Range<Int>
    ) {
        address.assumingMemoryBound(to: Self.self).pointee.update(parameters, gradient, range)
    }
}

extension Model {
    /// Applies `update` to every trainable parameter, with the flat parameter and gradient
    /// buffers and that parameter's range in them; frozen parameters are skipped.
    ///
    /// This is the pass every optimizer shares: the optimizer's own state buffers use the same
    /// flat layout, so `update` indexes them with the same positions. A model with at least
    /// ``TrainableSplit/threshold`` trainable scalars is split into contiguous chunks, one per
    /// thread (see `Kernels.maximumThreadCount`); each element is updated by one thread with the
    /// same arithmetic, so the result is bit-identical to a single-threaded pass. Nothing is
    /// allocated here.
    ///
    /// - Precondition: the model and `gradient` have as many scalars as the layout.
    mutating func forEachTrainableRange<U: ElementwiseUpdate>(
        along gradient: Gradient, updatedBy optimizer: String, _ update: U
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
                withUnsafePointer(to: update) { update in
                    let split = TrainableSplit(
                        layout: layout, parameters: p, gradient: g, update: UnsafeRawPointer(update), type: U.self)
                    split.run()
                }
            }
        }
    }
}

/// An optimizer step over a model's trainable scalars, split into contiguous chunks in layout
/// order, one per thread, that may cut through parameters.
///
/// Non-generic, so a C function can run a chunk: it keeps the update's address and its type,
/// through which it calls the update.
struct TrainableSplit {
    /// Steps over fewer trainable scalars than this run on the calling thread. Adam takes about
    /// 1.2 ns a scalar on one thread (125 µs for 101,770 on a 2-vCPU VM), so this many take
    /// about 80 µs; on much less, a worker woken from parking (tens of µs) would gain little.
    static let threshold = 1 << 16

    let layout: ParameterLayout
    let parameters: UnsafeMutablePointer<Float>
    let gradient: UnsafePointer<Float>
    /// The address of an `ElementwiseUpdate` value of type `type`.
    let update: UnsafeRawPointer
    let type: any ElementwiseUpdate.Type
    /// How many chunks the trainable scalars are split into.
    private var parts = 1

    init(
        layout: ParameterLayout, parameters: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        update: UnsafeRawPointer, type: any ElementwiseUpdate.Type
    ) {
        self.layout = layout
        self.parameters = parameters
        self.gradient = gradient
        self.update = update
        self.type = type
    }

    /// Updates every trainable scalar, on several threads when there are enough of them and
    /// the pool is free, otherwise on the calling thread.
    func run() {
        guard layout.trainableScalarCount >= Self.threshold, case let (pool, threads)? = ParallelParts.available()
        else { return runPart(0) }
        var split = self
        split.parts = threads
        let ran = withUnsafePointer(to: split) { context in
            pool.run(parts: threads, context: UnsafeRawPointer(context)) { context, part in
                context.assumingMemoryBound(to: TrainableSplit.self).pointee.runPart(part)
            }
        }
        if !ran { runPart(0) }
    }

    /// Updates chunk `part` of `parts`.
    private func runPart(_ part: Int) {
        let total = layout.trainableScalarCount
        let start = total &* part / parts
        let end = total &* (part &+ 1) / parts
        // Trainable scalars before the current entry.
        var before = 0
        for entry in layout.entries where entry.isTrainable {
            let count = entry.scalarCount
            let lower = max(start, before)
            let upper = min(end, before &+ count)
            if lower < upper {
                let offset = entry.offset &- before
                type.update(at: update, parameters, gradient, (offset &+ lower)..<(offset &+ upper))
            }
            before &+= count
            if before >= end { break }
        }
    }
}
