import CTapelessKernels

extension Kernels {
    /// Computes a 2-D convolution plus bias: `output = conv(input, weight) + bias`.
    ///
    /// The convolution is a cross-correlation over NCHW tensors, as PyTorch's `conv2d`; see
    /// ``Convolution2DGeometry`` for the layouts and the formula. It runs as matrix products
    /// on the matrix kernels' micro-tiles (``instructionSet``), gathering input patches
    /// straight into the panels the tiles read. Convolutions of about a million
    /// multiply-adds or more are split by samples across up to ``maximumThreadCount`` threads,
    /// with results bit-identical to one thread. After its first call on a thread, a
    /// convolution of the same or a smaller size allocates nothing.
    ///
    /// - Parameters:
    ///   - g: The sizes of the convolution.
    ///   - input: The input, `[batch, inputChannels, height, width]`.
    ///   - weight: The kernels, `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`.
    ///   - bias: One value per output channel added to its every element, or `nil` for none.
    ///   - output: The result, `[batch, outputChannels, outputHeight, outputWidth]`; overwritten.
    ///   - instructionSet: The matrix kernels' path to run on, one of
    ///     ``availableInstructionSets``, for comparing paths; `nil` (the default) takes
    ///     ``instructionSet``. Naming a path this CPU lacks traps.
    /// - Precondition: `g` describes a convolution (see ``Convolution2DGeometry``).
    public static func convolution2D(
        _ g: Convolution2DGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, instructionSet: String? = nil
    ) {
        g.check()
        withKernelArguments(g, instructionSet) { arguments in
            ParallelParts.forEachRange(
                of: g.batch, splitting: g.isWorthSplitting,
                ForwardSamples(arguments: arguments, input: input, weight: weight, bias: bias, output: output))
        }
    }

    /// Computes the gradient of a 2-D convolution with respect to its input: the transposed
    /// convolution of `outputGradient` with `weight`.
    ///
    /// For a loss `L` with `∂L/∂output = outputGradient`, this is `∂L/∂input` of
    /// ``convolution2D(_:input:weight:bias:output:instructionSet:)`` (which the bias does not
    /// change). Each input element collects `weight[o, i, dy, dx] · outputGradient[b, o, y, x]`
    /// from every output position whose window read it. Large calls are split by samples, as
    /// the forward convolution is, with the same bits as one thread.
    ///
    /// - Parameters:
    ///   - g: The sizes of the convolution.
    ///   - outputGradient: The gradient with respect to the output, `[batch, outputChannels, outputHeight, outputWidth]`.
    ///   - weight: The kernels, `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`.
    ///   - inputGradient: The result, `[batch, inputChannels, height, width]`; overwritten.
    ///   - instructionSet: The matrix kernels' path to run on, or `nil` for ``instructionSet``.
    /// - Precondition: `g` describes a convolution (see ``Convolution2DGeometry``).
    public static func convolution2DInputGradient(
        _ g: Convolution2DGeometry, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, instructionSet: String? = nil
    ) {
        g.check()
        withKernelArguments(g, instructionSet) { arguments in
            ParallelParts.forEachRange(
                of: g.batch, splitting: g.isWorthSplitting,
                InputGradientSamples(arguments: arguments, outputGradient: outputGradient, weight: weight, inputGradient: inputGradient))
        }
    }

    /// Computes the gradient of a 2-D convolution with respect to its weight: the sum over the
    /// batch and every output position of the output gradient times the input patch it saw.
    ///
    /// `weightGradient[o, i, dy, dx] = Σ outputGradient[b, o, y, x] · in[b, …]` over `b`,
    /// `y` and `x`, with the input element that `w[o, i, dy, dx]` multiplies in the forward
    /// formula (``Convolution2DGeometry``). The bias's gradient, the plain sum of
    /// `outputGradient` over everything but channels, is not computed here.
    ///
    /// Large calls sum fixed chunks of the batch separately (on several threads when they
    /// can) and then add the chunks' sums in order. The chunks depend only on `g`, so the bits
    /// are the same on any number of threads.
    ///
    /// - Parameters:
    ///   - g: The sizes of the convolution.
    ///   - input: The input, `[batch, inputChannels, height, width]`.
    ///   - outputGradient: The gradient with respect to the output, `[batch, outputChannels, outputHeight, outputWidth]`.
    ///   - weightGradient: The result, `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`; overwritten.
    ///   - instructionSet: The matrix kernels' path to run on, or `nil` for ``instructionSet``.
    /// - Precondition: `g` describes a convolution (see ``Convolution2DGeometry``).
    public static func convolution2DWeightGradient(
        _ g: Convolution2DGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, instructionSet: String? = nil
    ) {
        g.check()
        let chunks = g.weightGradientChunks
        let count = g.outputChannels &* (g.inputChannels / g.groups) &* g.kernelHeight &* g.kernelWidth
        let scratch = chunks > 1 ? Workspace.floats(count: (chunks &- 1) &* count, for: weightGradientKey) : nil
        defer { if scratch != nil { Workspace.release(for: weightGradientKey) } }
        let sums = WeightGradientChunks(
            batch: g.batch, chunks: chunks, count: count, result: weightGradient, scratch: scratch)
        withKernelArguments(g, instructionSet) { arguments in
            ParallelParts.forEachRange(
                of: chunks, splitting: chunks > 1,
                WeightGradientSamples(arguments: arguments, input: input, outputGradient: outputGradient, sums: sums))
        }
        for chunk in 1..<chunks {
            let partial = sums.sum(of: chunk)
            for index in 0..<count { weightGradient[index] += partial[index] }
        }
    }

    /// The scratch block of ``convolution2DWeightGradient(_:input:outputGradient:weightGradient:instructionSet:)``'s chunk sums.
    private static let weightGradientKey: StaticString = "Kernels.convolution2DWeightGradient"

    /// Calls `body` with `g` as the C kernels take it and the C string of `instructionSet`
    /// (`nil` for the chosen path).
    private static func withKernelArguments(
        _ g: Convolution2DGeometry, _ instructionSet: String?, _ body: (KernelArguments) -> Void
    ) {
        withUnsafePointer(to: g.kernelGeometry) { geometry in
            guard let instructionSet else { return body(KernelArguments(geometry: geometry, path: nil, instructionSet: nil)) }
            instructionSet.withCString { body(KernelArguments(geometry: geometry, path: $0, instructionSet: instructionSet)) }
        }
    }

    /// What every convolution kernel call takes besides its tensors.
    private struct KernelArguments {
        var geometry: UnsafePointer<tl_conv2d_geometry>
        var path: UnsafePointer<CChar>?
        /// The path as named, for the message when it is missing.
        var instructionSet: String?
    }

    /// The forward convolution of a range of samples.
    private struct ForwardSamples: RangeWork {
        var arguments: KernelArguments
        var input, weight: UnsafePointer<Float>
        var bias: UnsafePointer<Float>?
        var output: UnsafeMutablePointer<Float>

        func run(_ samples: Range<Int>) {
            let status = tl_conv2d_forward(
                arguments.path, arguments.geometry, samples.lowerBound, samples.upperBound, input, weight, bias, output)
            check(status, arguments.instructionSet)
        }
    }

    /// The input gradient of a range of samples.
    private struct InputGradientSamples: RangeWork {
        var arguments: KernelArguments
        var outputGradient, weight: UnsafePointer<Float>
        var inputGradient: UnsafeMutablePointer<Float>

        func run(_ samples: Range<Int>) {
            let status = tl_conv2d_input_gradient(
                arguments.path, arguments.geometry, samples.lowerBound, samples.upperBound, outputGradient, weight,
                inputGradient)
            check(status, arguments.instructionSet)
        }
    }

    /// Where each chunk of the batch sums its weight gradient: chunk 0 into the result, each
    /// later chunk into its own block of scratch.
    private struct WeightGradientChunks {
        var batch, chunks, count: Int
        var result: UnsafeMutablePointer<Float>
        var scratch: UnsafeMutablePointer<Float>?

        func samples(of chunk: Int) -> Range<Int> { batch &* chunk / chunks ..< batch &* (chunk &+ 1) / chunks }

        func sum(of chunk: Int) -> UnsafeMutablePointer<Float> {
            chunk == 0 ? result : scratch.unsafelyUnwrapped + (chunk &- 1) &* count
        }
    }

    /// The weight gradient of a range of batch chunks, each into its own sum.
    private struct WeightGradientSamples: RangeWork {
        var arguments: KernelArguments
        var input, outputGradient: UnsafePointer<Float>
        var sums: WeightGradientChunks

        func run(_ chunks: Range<Int>) {
            for chunk in chunks {
                let samples = sums.samples(of: chunk)
                let status = tl_conv2d_weight_gradient(
                    arguments.path, arguments.geometry, samples.lowerBound, samples.upperBound, input, outputGradient,
                    sums.sum(of: chunk))
                check(status, arguments.instructionSet)
            }
        }
    }

    /// Traps unless a convolution kernel did its work.
    private static func check(_ status: tl_conv2d_status, _ instructionSet: String?) {
        if status == TL_CONV2D_DONE { return }
        if status == TL_CONV2D_NO_SUCH_PATH { ParallelMatrixMultiply.unavailable(instructionSet ?? Kernels.instructionSet) }
        fatalError("Tapeless could not allocate the scratch memory of a convolution.")
    }
}

extension Convolution2DGeometry {
    /// Convolutions with fewer multiply-adds than this run on the calling thread. Measured on
    /// 2 vCPUs of a Zen 5 (avx512 path): LeNet's second layer at batch 2 (307K multiply-adds)
    /// took 10 µs forward on one thread and 6 on two; at batch 4, 18 and 10; at batch 7, 30
    /// and 18.
    static let splittingThreshold = 1 << 18

    /// Whether the convolution is large enough to split across threads.
    var isWorthSplitting: Bool { multiplyAdds >= Self.splittingThreshold }

    /// How many chunks of the batch the weight gradient sums separately: at most one per
    /// thread the pool could ever have, and few enough to leave each chunk
    /// `splittingThreshold` multiply-adds (a chunk also gathers and adds up on its own). It
    /// depends on the sizes alone, never on the threads there are now, so the rounding does
    /// not either.
    var weightGradientChunks: Int { max(1, min(batch, ThreadLimit.cap, multiplyAdds / Self.splittingThreshold)) }
}
