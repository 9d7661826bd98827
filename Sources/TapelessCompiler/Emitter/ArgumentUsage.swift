/// What a function body reads of its arguments, so that the emitted Swift binds only what its
/// code uses: Swift warns about a `let` that is never read (an argument's pointer, a size
/// variable), and the generated code must build without warnings in the user's project.
struct ArgumentUsage {
    /// The indices of the arguments that some instruction or result reads.
    let readArguments: Set<Int>
    /// The size variables the body's code refers to: those in the type of an instruction it
    /// computes or an argument it reads, and those that two arguments share (the second one's
    /// shape check compares with the first).
    let neededSizes: Set<String>

    init(_ function: IRFunction) {
        let read = Set(function.instructions.flatMap(\.operands) + function.results.map(\.value))
        var readArguments = Set<Int>()
        var neededSizes = Set<String>()
        for instruction in function.instructions {
            if case .argument(let index) = instruction.op {
                guard read.contains(instruction.result) else { continue }
                readArguments.insert(index)
            }
            neededSizes.formUnion(Self.sizes(in: instruction.type))
        }
        var seenInArguments = Set<String>()
        for argument in function.arguments {
            let sizes = Self.sizes(in: argument.type)
            neededSizes.formUnion(sizes.intersection(seenInArguments))
            seenInArguments.formUnion(sizes)
        }
        self.readArguments = readArguments
        self.neededSizes = neededSizes
    }

    private static func sizes(in type: IRType) -> Set<String> {
        Set(type.shape.compactMap { dimension in
            if case .size(let name) = dimension { name } else { nil }
        })
    }
}
