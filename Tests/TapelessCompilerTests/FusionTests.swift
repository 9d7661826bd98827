import Foundation
import Testing
@testable import TapelessCompiler

/// The fusion stage: what it fuses, and that every plan it makes is a valid schedule.
@Suite struct FusionTests {
    @Test func linearRegressionLossAndBothGradientsAreOneLoop() throws {
        let model = try #require(try CompiledFunctions(CheckerTests.examples).program.models.first { $0.name == "LinearRegression" })
        let loss = try #require(model.functions.first { $0.name == "loss" })
        let plan = try #require(FunctionPlans(loss, in: model).withGradient)
        let loops = plan.steps.compactMap { step -> FusionPlan.Loop? in if case .loop(let loop) = step { loop } else { nil } }
        #expect(loops.count == 1)
        #expect(loops.first?.accumulators.count == 3)  // the loss sum and the two gradients
        #expect(plan.slots.isEmpty)  // nothing is written to memory
    }

    /// A weight used three times: its gradient is the sum of three products, which the
    /// products make themselves, in the caller's gradient buffer, the later two adding to it.
    @Test func productsOfAWeightsGradientAddUpInTheGradient() throws {
        let model = try CompiledFunctions("""
            model Shared {
                param w: [4, 4]
                func loss(x: [batch, 4]) -> Float { sum(tanh(tanh(x @ w) @ w) @ w) }
            }
            """).program.models[0]
        let plan = try #require(FunctionPlans(model.functions[0], in: model).withGradient)
        FusionTests.validate(plan)
        let products = plan.steps.compactMap { step -> IRInstruction? in
            guard case .operation(let instruction) = step, case .matmul = instruction.op, instruction.type.shape == [.fixed(4), .fixed(4)]
            else { return nil }
            return instruction
        }
        #expect(products.count == 3)
        #expect(products.allSatisfy { plan.storage[$0.result] == .gradient(offset: 0) })
        #expect(plan.accumulatingProducts == Set(products.dropFirst().map(\.result)))
        // No loop adds them up any more.
        for case .loop(let loop) in plan.steps {
            #expect(!loop.members.contains { $0.type.shape == [.fixed(4), .fixed(4)] })
        }
        #expect(plan.slots.allSatisfy { $0 != [.fixed(4), .fixed(4)] })
        let swift = try #require(Compiler().explain(source: """
            model Shared {
                param w: [4, 4]
                func loss(x: [batch, 4]) -> Float { sum(tanh(tanh(x @ w) @ w) @ w) }
            }
            """, path: "shared.tapeless", stage: .swift).text)
        #expect(swift.components(separatedBy: "beta: 1").count - 1 >= 2)
    }

    @Test func biasAndActivationRunInOnePassOverTheProduct() throws {
        let model = try CompiledFunctions("""
            model MLP {
                layer fc1 = Dense(784 -> 128, activation: relu)
                func forward(x: [batch, 784]) -> [batch, 128] { fc1(x) }
            }
            """).program.models[0]
        let plan = Fusion.plan(model.functions[0].body)
        let loops = plan.steps.compactMap { step -> FusionPlan.Loop? in if case .loop(let loop) = step { loop } else { nil } }
        #expect(loops.count == 1)
        let operations = Set(loops[0].members.map { IRPrinter.describe($0.op) })
        #expect(operations == ["add", "relu"])
    }

    @Test func softmaxCrossEntropyAndItsGradientMakeOnePassOverTheLogits() throws {
        let model = try CompiledFunctions("""
            model Classifier {
                layer fc = Dense(8 -> 10)
                func loss(x: [batch, 8], labels: Int[batch]) -> Float {
                    crossEntropy(logits: fc(x), labels: labels, labelSmoothing: 0.1)
                }
            }
            """).program.models[0]
        let plans = FunctionPlans(model.functions[0], in: model)
        for plan in [plans.body, try #require(plans.withGradient)] {
            let groups = plan.steps.compactMap { step -> FusionPlan.RowLoop? in if case .rows(let group) = step { group } else { nil } }
            #expect(groups.count == 1)
            // Nothing else walks the logits: every other step is a matrix product or a scalar.
            for step in plan.steps {
                switch step {
                case .loop: Issue.record("\(plan.function.name): a loop outside the row loop")
                case .operation(let instruction):
                    switch instruction.op {
                    case .matmul, .parameter, .argument: continue
                    default: break
                    }
                    Issue.record("\(plan.function.name): \(instruction.op) outside the row loop")
                case .scalar, .rows: continue
                }
            }
            let operations = Set(BufferPlanner.instructions(of: .rows(groups[0])).map { IRPrinter.describe($0.op) })
            #expect(operations.isSuperset(of: ["logSumExp axis 1", "pickClass"]))
            if plan.function.results.count > 1 { #expect(operations.contains("scatterClass")) }
        }
    }

    @Test func sigmoidBinaryCrossEntropyAndItsGradientAreOneLoop() throws {
        let model = try CompiledFunctions("""
            model Logistic {
                layer fc = Dense(8 -> 1)
                func loss(x: [batch, 8], labels: [batch, 1]) -> Float {
                    binaryCrossEntropy(logits: fc(x), labels: labels)
                }
            }
            """).program.models[0]
        let plan = try #require(FunctionPlans(model.functions[0], in: model).withGradient)
        let loops = plan.steps.compactMap { step -> FusionPlan.Loop? in if case .loop(let loop) = step { loop } else { nil } }
        #expect(loops.count == 1)
        let operations = Set(loops.first?.members.map { IRPrinter.describe($0.op) } ?? [])
        #expect(operations.isSuperset(of: ["softplus", "sigmoid"]))  // the loss and its gradient
        #expect(loops.first?.accumulators.count == 2)  // the loss's sum and the bias gradient
    }

    /// Dropout's mask is drawn inside the loops that multiply by it, forward and backward, so
    /// no form of a training-mode function keeps a mask in memory.
    @Test func dropoutMasksAreDrawnWhereTheyAreReadAndNeverStored() throws {
        let model = try CompiledFunctions("""
            model Dropped {
                layer fc = Dense(8 -> 8)
                layer drop = Dropout(0.5)
                func forward(x: [batch, 8]) -> [batch, 8] { fc(drop(relu(fc(x)))) }
                func loss(x: [batch, 8], y: [batch, 8]) -> Float { sum(square(forward(x) - y)) }
            }
            """).program.models[0]
        var formsWithMasks = 0
        for function in model.functions where function.mode == .training {
            let plans = FunctionPlans(function, in: model)
            for plan in [plans.body, plans.withGradient, plans.pullback].compactMap(\.self) {
                let masks = plan.function.instructions.filter { if case .dropoutMask = $0.op { true } else { false } }
                guard !masks.isEmpty else { continue }
                formsWithMasks += 1
                for mask in masks { #expect(plan.storage[mask.result] == nil, "\(plan.function.name): \(mask.result) is stored") }
                // The backward pass draws the mask again: one draw per loop that reads it.
                if plan.function.results.count > 1 { #expect(masks.count == 2, "\(plan.function.name)") }
            }
        }
        #expect(formsWithMasks >= 4)  // both functions, with and without their gradients
    }

    /// Every plan of every model of the golden and behaviour tests is a valid schedule with a
    /// sound buffer plan.
    @Test(arguments: GoldenFileTests.inputs)
    func plansAreValidSchedules(_ name: String) throws {
        let source = try String(contentsOf: GoldenFileTests.models.appendingPathComponent("\(name).tapeless"), encoding: .utf8)
        Self.validateEveryPlan(of: try CompiledFunctions(source).program)
    }

    /// Every program that survives deleting one character of a rich source compiles to Swift,
    /// with valid plans for every function and derivative: damaged input that the checker
    /// accepts must not trap in the later stages either.
    @Test func everyAcceptedSingleCharacterDeletionCompiles() {
        let scalars = Array(CheckerRobustnessTests.source.unicodeScalars)
        var compiled = 0
        for position in scalars.indices where !scalars[position].properties.isWhitespace {
            var damaged = scalars
            damaged.remove(at: position)
            let compiler = Compiler()
            let output = compiler.compile(source: String(String.UnicodeScalarView(damaged)), path: "damaged.tapeless")
            guard let program = output.program, !output.hasErrors else { continue }
            Self.validateEveryPlan(of: program)
            #expect(!compiler.swiftSource(for: program).isEmpty)
            compiled += 1
        }
        #expect(compiled > 0)
    }

    /// Validates the plans of every function of `program`, in every form the emitter uses.
    static func validateEveryPlan(of program: LoweredProgram, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let planned = PlannedProgram(program)
        for plans in planned.modelPlans.joined() + planned.functionPlans {
            for plan in [plans.body, plans.withGradient, plans.pullback].compactMap({ $0 }) {
                validate(plan, sourceLocation: sourceLocation)
            }
        }
    }

    /// Checks that each value is computed once, after everything it reads, that every value
    /// read from outside its loop is in memory, that no two values in memory at the same time
    /// share a workspace slot, and that a product adding to its storage follows one writing it.
    static func validate(_ plan: FusionPlan, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        var available = Set<IRValue>()
        var memoryUntil: [Int: IRValue] = [:]  // slot -> value currently held
        let lastRead = lastReads(plan)
        let definitions = plan.function.definitions()
        for (index, step) in plan.steps.enumerated() {
            let instructions = BufferPlanner.instructions(of: step)
            let own = Set(instructions.map(\.result))
            var computedHere = Set<IRValue>()
            for part in parts(of: step) {
                let partOwn = Set(BufferPlanner.instructions(of: part).map(\.result))
                for instruction in BufferPlanner.instructions(of: part) {
                    for operand in instruction.operands {
                        let ready = available.contains(operand) || computedHere.contains(operand)
                        #expect(ready, "\(plan.function.name): \(instruction.result) reads \(operand) before it is computed", sourceLocation: sourceLocation)
                        if !partOwn.contains(operand), !(definitions[operand]?.type.isScalar ?? true) {
                            let inMemory = plan.storage[BufferPlanner.resolve(operand, definitions)] != nil || isInput(operand, plan)
                            #expect(inMemory, "\(plan.function.name): \(operand) is read outside its loop but not stored", sourceLocation: sourceLocation)
                        }
                    }
                    // A reduction's result is available only after its loop.
                    if !Fusion.isAccumulable(instruction) { computedHere.insert(instruction.result) }
                }
                // In a row loop, a reduction along each row is complete for the row once its loop has run.
                if case .rows = step, case .loop(let loop) = part {
                    for accumulator in loop.accumulators {
                        switch accumulator.op {
                        case .reduceSum(let axis?) where axis > 0, .reduceMax(let axis?) where axis > 0: computedHere.insert(accumulator.result)
                        default: break
                        }
                    }
                }
            }
            // A product that adds to its storage adds to what an earlier product of the same
            // sum wrote there.
            if case .operation(let instruction) = step, plan.accumulatingProducts.contains(instruction.result) {
                let earlier = plan.steps[..<index].contains { earlier in
                    guard case .operation(let other) = earlier else { return false }
                    return plan.storage[other.result] == plan.storage[instruction.result]
                }
                #expect(earlier, "\(plan.function.name): \(instruction.result) adds to storage nothing wrote first", sourceLocation: sourceLocation)
            }
            for instruction in instructions {
                guard case .workspace(let slot) = plan.storage[instruction.result] else { continue }
                if let holder = memoryUntil[slot], (lastRead[holder] ?? -1) >= index, holder != instruction.result {
                    Issue.record("\(plan.function.name): slot \(slot) holds \(holder) (read until step \(lastRead[holder]!)) when \(instruction.result) is written at step \(index)", sourceLocation: sourceLocation)
                }
                memoryUntil[slot] = instruction.result
            }
            available.formUnion(own)
        }
    }

    /// The steps a step runs one after another: a row loop's steps, or the step itself.
    private static func parts(of step: FusionPlan.Step) -> [FusionPlan.Step] {
        if case .rows(let group) = step { return group.steps }
        return [step]
    }

    private static func isInput(_ value: IRValue, _ plan: FusionPlan) -> Bool {
        switch plan.function.definitions()[value]?.op {
        case .argument, .parameter, .stopGradient: return true
        default: return false
        }
    }

    private static func lastReads(_ plan: FusionPlan) -> [IRValue: Int] {
        var last: [IRValue: Int] = [:]
        for (index, step) in plan.steps.enumerated() {
            for instruction in BufferPlanner.instructions(of: step) {
                for operand in instruction.operands { last[operand] = index }
            }
        }
        for result in plan.function.results { last[result.value] = plan.steps.count }
        return last
    }
}
