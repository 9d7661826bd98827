// `dropoutMask`: the mask of one dropout application in training mode, each element
// `1 / (1 - p)` (kept) or `0` (dropped), drawn by the runtime's counter-based generator from
// the training step's seed and number and the application's stream. Dropout is `x * mask`,
// so its reverse rule is the product's: the pullback multiplies by the same mask, which the
// step draws once. Its class and cost are listed with every operation's (OperationClass.swift,
// OperationCost.swift).

/// One dropout application's mask: its probability of dropping, and its stream, which tells
/// the applications of one training step apart.
public struct DropoutMask: Hashable, Sendable, CustomStringConvertible {
    /// The chance of dropping an element, in `[0, 1)`.
    public var probability: Double
    /// The application's number among the function's, in program order after inlining.
    public var stream: Int

    /// Creates a mask description.
    public init(probability: Double, stream: Int) {
        self.probability = probability
        self.stream = stream
    }

    /// `p 0.5, stream 0`.
    public var description: String { "p \(IRPrinter.format(probability)), stream \(stream)" }

    /// Element `index` of the mask for the step `key`, as the runtime's
    /// `Kernels.dropoutMask(into:count:probability:seed:step:stream:)` documents it
    /// (splitmix64; Steele, Lea and Flood, OOPSLA 2014).
    func element(_ index: Int, seed: UInt64, step: Int) -> Double {
        let streamSeed = Self.bits(Self.bits(seed, at: UInt64(truncatingIfNeeded: step)), at: UInt64(stream))
        let threshold = UInt64((probability * 0x1p24).rounded(.up))
        return Self.bits(streamSeed, at: UInt64(index)) >> 40 >= threshold ? Double(Float(1 / (1 - probability))) : 0
    }

    private static func bits(_ seed: UInt64, at index: UInt64) -> UInt64 {
        var z = seed &+ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension IRFunction {
    /// The function with its dropout streams numbered 0, 1, … in program order, so that each
    /// application in a body with calls inlined draws its own mask.
    func numberingDropoutStreams() -> IRFunction {
        var numbered = self
        var next = 0
        for index in numbered.instructions.indices {
            guard case .dropoutMask(var mask) = numbered.instructions[index].op else { continue }
            mask.stream = next
            next += 1
            numbered.instructions[index].op = .dropoutMask(mask)
        }
        return numbered
    }
}

extension FunctionEmitter {
    mutating func emitDropoutMask(_ instruction: IRInstruction, _ mask: DropoutMask, _ printer: inout CodePrinter) {
        guard let key = randomKey else { preconditionFailure("a dropout mask outside a training-mode function") }
        let out = bindStorage(instruction, &printer)
        let count = product(instruction.type.shape.map(dimension))
        printer.line(
            "Kernels.dropoutMask(into: \(out), count: \(count), probability: \(mask.probability), seed: \(key.seed), step: \(key.step), stream: \(mask.stream))")
    }
}
