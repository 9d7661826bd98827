import Foundation
import Tapeless
import Testing

/// The PyTorch reference problem: minimize sum(c * (p - t)²) from p0.
private struct ReferenceProblem {
    let initial: [Float]
    let weights: [Float]
    let targets: [Float]
    let cases: [ReferenceCase]

    struct ReferenceCase: CustomTestStringConvertible {
        let optimizer: String
        let hyperparameters: [String: Any]
        let trajectory: [[Double]]
        var testDescription: String { "\(optimizer) \(hyperparameters.keys.sorted().map { "\($0)=\(hyperparameters[$0]!)" })" }
    }

    init() throws {
        let json = try loadJSONResource("optimizers")
        initial = try floats(json["p0"])
        weights = try floats(json["c"])
        targets = try floats(json["t"])
        cases = try #require(json["cases"] as? [[String: Any]]).map { item in
            ReferenceCase(
                optimizer: try #require(item["optimizer"] as? String),
                hyperparameters: try #require(item["hyperparameters"] as? [String: Any]),
                trajectory: try #require(item["params_after_each_step"] as? [[Double]]))
        }
    }

    /// The gradient 2c(p - t) at `model`.
    func gradient(at model: QuadraticModel) -> QuadraticModel {
        let p = model.parameterScalars
        return QuadraticModel(parameterScalars: (0..<p.count).map { 2 * weights[$0] * (p[$0] - targets[$0]) })
    }

    /// The optimizer a case describes, built through the Swift API.
    func makeOptimizer(_ reference: ReferenceCase) throws -> any Optimizer {
        let h = reference.hyperparameters
        func number(_ key: String) -> Float? { (h[key] as? Double).map(Float.init) }
        let learningRate = try #require(number("lr"))
        let betas = (h["betas"] as? [Double]).map { $0.map(Float.init) } ?? [0.9, 0.999]
        switch reference.optimizer {
        case "SGD":
            return SGD(
                learningRate: learningRate, momentum: number("momentum") ?? 0,
                dampening: number("dampening") ?? 0, nesterov: h["nesterov"] as? Bool ?? false,
                weightDecay: number("weight_decay") ?? 0)
        case "Adam":
            return Adam(
                learningRate: learningRate, beta1: betas[0], beta2: betas[1], epsilon: number("eps") ?? 1e-8,
                weightDecay: number("weight_decay") ?? 0, amsgrad: h["amsgrad"] as? Bool ?? false)
        case "AdamW":
            return AdamW(
                learningRate: learningRate, beta1: betas[0], beta2: betas[1], epsilon: number("eps") ?? 1e-8,
                weightDecay: number("weight_decay") ?? 1e-2, amsgrad: h["amsgrad"] as? Bool ?? false)
        case "RMSprop":
            return RMSprop(
                learningRate: learningRate, alpha: number("alpha") ?? 0.99, epsilon: number("eps") ?? 1e-8,
                weightDecay: number("weight_decay") ?? 0, momentum: number("momentum") ?? 0,
                centered: h["centered"] as? Bool ?? false)
        case "Adagrad":
            return Adagrad(
                learningRate: learningRate, learningRateDecay: number("lr_decay") ?? 0,
                weightDecay: number("weight_decay") ?? 0,
                initialAccumulatorValue: number("initial_accumulator_value") ?? 0, epsilon: number("eps") ?? 1e-10)
        default:
            throw ReferenceError.unknownOptimizer(reference.optimizer)
        }
    }

    enum ReferenceError: Error { case unknownOptimizer(String) }
}

@Suite("Optimizers")
struct OptimizerTests {
    @Test("every torch.optim reference trajectory, 12 steps in Float32")
    func referenceTrajectories() throws {
        let problem = try ReferenceProblem()
        #expect(problem.cases.count == 13)
        for reference in problem.cases {
            var optimizer = try problem.makeOptimizer(reference)
            var model = QuadraticModel(parameterScalars: problem.initial)
            for (step, expected) in reference.trajectory.enumerated() {
                optimizer.update(&model, along: problem.gradient(at: model))
                let actual = model.parameterScalars
                let matches = zip(actual, expected).allSatisfy { isClose($0, $1, relative: 1e-5) }
                #expect(matches, "\(reference.testDescription) after step \(step + 1): \(actual) vs \(expected)")
                #expect(optimizer.state.step == step + 1)
                if !matches { break }
            }
        }
    }

    @Test("a state restored mid-trajectory resumes identically")
    func stateRoundTrip() throws {
        let problem = try ReferenceProblem()
        for reference in problem.cases {
            var original = try problem.makeOptimizer(reference)
            var model = QuadraticModel(parameterScalars: problem.initial)
            for _ in 0..<5 { original.update(&model, along: problem.gradient(at: model)) }

            var resumed = try problem.makeOptimizer(reference)
            resumed.state = original.state
            var resumedModel = model
            for _ in 0..<7 {
                original.update(&model, along: problem.gradient(at: model))
                resumed.update(&resumedModel, along: problem.gradient(at: resumedModel))
            }
            #expect(resumedModel.parameterScalars == model.parameterScalars, "\(reference.testDescription)")
            #expect(resumed.state == original.state, "\(reference.testDescription)")
        }
    }

    @Test("state buffers carry PyTorch's names")
    func stateBufferNames() {
        let gradient = QuadraticModel(parameterScalars: [1, -1, 2, 0, 0.5])
        func names(after optimizer: some Optimizer) -> [String] {
            var optimizer = optimizer
            var model = QuadraticModel(parameterScalars: [0, 0, 0, 0, 0])
            optimizer.update(&model, along: gradient)
            return optimizer.state.buffers.keys.sorted()
        }
        #expect(names(after: SGD(learningRate: 0.1)) == [])
        #expect(names(after: SGD(learningRate: 0.1, momentum: 0.9)) == ["momentum_buffer"])
        #expect(names(after: Adam()) == ["exp_avg", "exp_avg_sq"])
        #expect(names(after: AdamW(amsgrad: true)) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
        #expect(names(after: RMSprop()) == ["square_avg"])
        #expect(names(after: RMSprop(momentum: 0.5, centered: true)) == ["grad_avg", "momentum_buffer", "square_avg"])
        #expect(names(after: Adagrad()) == ["sum"])
    }

    @Test("Adam's first step moves every parameter by the learning rate against the gradient's sign")
    func adamFirstStep() {
        // With m̂ = g and v̂ = g², the first step is lr * g / (|g| + eps) = lr * sign(g).
        var optimizer = Adam(learningRate: 0.01)
        var model = QuadraticModel(parameterScalars: [1, 1, 1, 1, 1])
        optimizer.update(&model, along: QuadraticModel(parameterScalars: [3, -0.2, 1e3, -5, 0.5]))
        let expected: [Double] = [0.99, 1.01, 0.99, 1.01, 0.99]
        #expect(zip(model.parameterScalars, expected).allSatisfy { isClose($0, $1, relative: 1e-6) })
    }

    @Test("frozen parameters and their state stay untouched", arguments: [
        "SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
    ])
    func frozenRanges(name: String) {
        var optimizer: any Optimizer = switch name {
        case "SGD": SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.1)
        case "Adam": Adam(learningRate: 0.1, weightDecay: 0.1, amsgrad: true)
        case "AdamW": AdamW(learningRate: 0.1)
        case "RMSprop": RMSprop(momentum: 0.5, centered: true)
        default: Adagrad(initialAccumulatorValue: 0.25)
        }
        let start: [Float] = [1, 2, 3, 4, 5, 6, 7]
        var model = PartlyFrozenModel(parameterScalars: start)
        let gradient = PartlyFrozenModel(parameterScalars: [1, 1, 1, 1, 1, 1, 1])
        for _ in 0..<3 { optimizer.update(&model, along: gradient) }
        let p = model.parameterScalars
        #expect(p[3] == 4 && p[4] == 5, "\(name) changed the frozen parameter b: \(p)")
        for i in [0, 1, 2, 5, 6] { #expect(p[i] < start[i], "\(name) left trainable element \(i) in place: \(p)") }
        let initial: Float = name == "Adagrad" ? 0.25 : 0
        for (buffer, values) in optimizer.state.buffers {
            #expect(values[3] == initial && values[4] == initial, "\(name)'s \(buffer) moved in the frozen range")
        }
    }

    @Test("plain SGD with weight decay on a partly frozen model, by hand")
    func sgdByHand() {
        var optimizer = SGD(learningRate: 0.5, weightDecay: 0.25)
        var model = PartlyFrozenModel(parameterScalars: [1, 2, 3, 4, 5, 6, 7])
        optimizer.update(&model, along: PartlyFrozenModel(parameterScalars: [1, -2, 0, 9, 9, 4, -8]))
        // p - 0.5 * (g + 0.25 p)
        #expect(model.parameterScalars == [0.375, 2.75, 2.625, 4, 5, 3.25, 10.125])
    }

    @Test("SGD momentum starts from the first gradient, then accumulates")
    func sgdMomentumByHand() {
        var optimizer = SGD(learningRate: 1, momentum: 0.5, dampening: 0.5)
        var model = QuadraticModel(parameterScalars: [0, 0, 0, 0, 0])
        let gradient = QuadraticModel(parameterScalars: [2, 2, 2, 2, 2])
        optimizer.update(&model, along: gradient)  // v = 2
        optimizer.update(&model, along: gradient)  // v = 0.5 * 2 + 0.5 * 2 = 2
        optimizer.update(&model, along: QuadraticModel(parameterScalars: [4, 4, 4, 4, 4]))  // v = 1 + 2 = 3
        #expect(model.parameterScalars == [-7, -7, -7, -7, -7])
        #expect(optimizer.state.buffers["momentum_buffer"] == [3, 3, 3, 3, 3])
    }

    @Test("a state of the wrong size is rejected at the next update")
    func wrongSizeState() async {
        await #expect(processExitsWith: .failure) {
            var optimizer = Adam()
            optimizer.state = OptimizerState(step: 3, buffers: ["exp_avg": [0, 0], "exp_avg_sq": [0, 0]])
            var model = QuadraticModel(parameterScalars: [0, 0, 0, 0, 0])
            optimizer.update(&model, along: QuadraticModel(parameterScalars: [1, 1, 1, 1, 1]))
        }
    }

    @Test("a state without a needed buffer past step 0 is rejected")
    func missingBuffer() async {
        await #expect(processExitsWith: .failure) {
            var optimizer = Adagrad()
            optimizer.state = OptimizerState(step: 3)
            var model = QuadraticModel(parameterScalars: [0, 0, 0, 0, 0])
            optimizer.update(&model, along: QuadraticModel(parameterScalars: [1, 1, 1, 1, 1]))
        }
    }

    @Test("a buffer another optimizer keeps is rejected on assignment")
    func foreignBuffer() async {
        await #expect(processExitsWith: .failure) {
            var optimizer = SGD(learningRate: 0.1)
            optimizer.state = OptimizerState(step: 1, buffers: ["exp_avg": [0, 0, 0, 0, 0]])
        }
    }

    @Test("a gradient of another size is rejected")
    func gradientSizeMismatch() async {
        await #expect(processExitsWith: .failure) {
            var optimizer = SGD(learningRate: 0.1)
            var model = QuadraticModel(parameterScalars: [0, 0, 0, 0, 0])
            optimizer.update(&model, along: QuadraticModel(parameterScalars: [1, 2]))
        }
    }
}
