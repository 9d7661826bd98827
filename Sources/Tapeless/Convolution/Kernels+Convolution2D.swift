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
        withKernelArguments(g, instructionSet) { geometry, path in
            ParallelParts.forEachRange(of: g.batch, splitting: g.isWorthSplitting) { samples in
                let status = tl_conv2d_forward(
                    path, geometry, samples.lowerBound, samples.upperBound, input, weight, bias, output)
                check(status, instructionSet)
            }
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
        withKernelArguments(g, instructionSet) { geometry, path in
            ParallelParts.forEachRange(of: g.batch, splitting: g.isWorthSplitting) { samples in
                let status = tl_conv2d_input_gradient(
                    path, geometry, samples.lowerBound, samples.upperBound, outputGradient, weight, inputGradient)
                check(status, instructionSet)
            }
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
        // Chunk 0 sums into the result, each later chunk into its own block of scratch.
        let scratch = chunks > 1 ? Workspace.floats(count: (chunks &- 1) &* count, for: weightGradientKey) : nil
        defer { if scratch != nil { Workspace.release(for: weightGradientKey) } }
        func sum(of chunk: Int) -> UnsafeMutablePointer<Float> {
            chunk == 0 ? weightGradient : scratch.unsafelyUnwrapped + (chunk &- 1) &* count
        }
        withKernelArguments(g, instructionSet) { geometry, path in
            ParallelParts.forEachRange(of: chunks, splitting: chunks > 1) { range in
                for chunk in range {
                    let status = tl_conv2d_weight_gradient(
                        path, geometry, g.batch &* chunk / chunks, g.batch &* (chunk &+ 1) / chunks,
                        input, outputGradient, sum(of: chunk))
                    check(status, instructionSet)
                }
            }
        }
        for chunk in 1..<chunks {
            let partial = sum(of: chunk)
            for index in 0..<count { weightGradient[index] += partial[index] }
        }
    }

    /// The scratch block of ``convolution2DWeightGradient(_:input:outputGradient:weightGradient:instructionSet:)``'s chunk sums.
    private static let weightGradientKey: StaticString = "Kernels.convolution2DWeightGradient"

    /// Calls `body` with `g` as the C kernels take it and the C string of `instructionSet`
    /// (`nil` for the chosen path).
    private static func withKernelArguments(
        _ g: Convolution2DGeometry, _ instructionSet: String?,
        _ body: (UnsafePointer<tl_conv2d_geometry>, UnsafePointer<CChar>?) -> Void
    ) {
        withUnsafePointer(to: g.kernelGeometry) { geometry in
            guard let instructionSet else { return body(geometry, nil) }
            instructionSet.withCString { body(geometry, $0) }
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
