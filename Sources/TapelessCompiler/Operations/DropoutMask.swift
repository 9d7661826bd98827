// `dropoutMask`: the mask of one dropout application in training mode, each element
// `1 / (1 - p)` (kept) or `0` (dropped), drawn by the runtime's counter-based generator
// (`DropoutMaskStream`) from the training step's seed and number, the application's stream
// and the element's index. Dropout is `x * mask`, so its reverse rule is the product's: the
// pullback multiplies by the same mask. The mask is elementwise, and every loop that reads it
// draws it again (`drawingMasksAtEachUse`), so no mask is stored between the forward and the
// backward pass. Its class and cost are listed with every operation's (OperationClass.swift,
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

    /// Element `index` of the mask for the step `key`, as the runtime's `DropoutMaskStream`
    /// documents it
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

extension IRFunction {
    /// The function with every reader of a dropout mask given a copy of its own, just before
    /// it. Drawing an element costs a few integer operations, and keeping a mask costs its
    /// size in memory from the forward pass to the backward pass: each loop that multiplies by
    /// a mask (the pullback's included) draws it again instead. The copies draw the same
    /// elements, and fusion puts each into its reader's loop.
    func drawingMasksAtEachUse() -> IRFunction {
        var masks: [IRValue: IRInstruction] = [:]
        for instruction in instructions {
            if case .dropoutMask = instruction.op { masks[instruction.result] = instruction }
        }
        guard !masks.isEmpty else { return self }
        let returned = Set(results.map(\.value))
        var drawn = self
        drawn.instructions = []
        var next = nextValueID
        for var instruction in instructions {
            if masks[instruction.result] != nil, !returned.contains(instruction.result) { continue }
            var copies: [IRValue: IRValue] = [:]
            for (position, operand) in instruction.operands.enumerated() {
                guard var copy = masks[operand] else { continue }
                if let value = copies[operand] {
                    instruction.operands[position] = value
                    continue
                }
                copy.result = IRValue(next)
                copy.origin = instruction.origin ?? copy.origin  // drawn for the reader's line
                next += 1
                drawn.instructions.append(copy)
                copies[operand] = copy.result
                instruction.operands[position] = copy.result
            }
            drawn.instructions.append(instruction)
        }
        return drawn
    }
}

extension DropoutMask {
    /// Element `index` of the mask, drawn from `stream`, the name of its `DropoutMaskStream`.
    func elementSwift(stream: String, index: String) -> String {
        "\(stream).element(at: \(index))"
    }

    /// The elements of a vector of `vectorType` from `index` on.
    func laneSwift(stream: String, index: String, vectorType: String) -> String {
        "\(stream).elements(from: \(index), as: \(vectorType).self)"
    }
}

extension FunctionEmitter {
    /// Binds a `DropoutMaskStream` for each mask the function draws, before the code that
    /// draws its elements.
    mutating func bindMaskStreams(_ printer: inout CodePrinter) {
        for instruction in function.instructions {
            guard case .dropoutMask(let mask) = instruction.op, maskStreams[mask] == nil else { continue }
            guard let key = randomKey else { preconditionFailure("a dropout mask outside a training-mode function") }
            let name = names.fresh("dropout\(mask.stream)")
            maskStreams[mask] = name
            printer.declare(
                name,
                value: "DropoutMaskStream(seed: \(key.seed), step: \(key.step), stream: \(mask.stream), probability: \(mask.probability))")
        }
    }
}
