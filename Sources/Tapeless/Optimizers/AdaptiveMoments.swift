import Foundation

/// The state and update pass shared by ``Adam`` and ``AdamW``: bias-corrected first and
/// second moment estimates of the gradient, optionally with AMSGrad's running maximum.
struct AdaptiveMoments: Sendable {
    /// The hyperparameters of one pass.
    struct Hyperparameters {
        var learningRate: Float
        var beta1: Float
        var beta2: Float
        var epsilon: Float
        /// The L2 penalty added to the gradient (Adam's `weight_decay`).
        var gradientDecay: Float
        /// The decoupled decay that scales the parameters first (AdamW's `weight_decay`).
        var parameterDecay: Float
        var amsgrad: Bool
    }

    private(set) var step = 0
    private var expAvg = StateBuffer(name: "exp_avg")
    private var expAvgSq = StateBuffer(name: "exp_avg_sq")
    private var maxExpAvgSq = StateBuffer(name: "max_exp_avg_sq")

    /// The step count and the allocated buffers.
    func state() -> OptimizerState {
        OptimizerState(step: step, buffers: [expAvg, expAvgSq, maxExpAvgSq])
    }

    /// The buffers the state may hold, and those a state past step 0 must hold.
    func stateRules(amsgrad: Bool) -> StateRules {
        StateRules(
            kept: [expAvg.name, expAvgSq.name, maxExpAvgSq.name],
            required: [expAvg.name, expAvgSq.name] + (amsgrad ? [maxExpAvgSq.name] : []))
    }

    /// Takes the step count and buffers from `state`.
    mutating func restore(_ state: OptimizerState, optimizer: String) {
        state.requireOnlyBuffers(of: [expAvg, expAvgSq, maxExpAvgSq], optimizer: optimizer)
        step = state.step
        expAvg.restore(from: state)
        expAvgSq.restore(from: state)
        maxExpAvgSq.restore(from: state)
    }

    /// Updates `model` one step, as `torch.optim.Adam`/`AdamW` (single-tensor path) does:
    /// ```
    /// p = p * (1 - lr * parameterDecay);  g = g + gradientDecay * p
    /// m = beta1 * m + (1 - beta1) * g;    v = beta2 * v + (1 - beta2) * g * g
    /// vMax = max(vMax, v)                                      (AMSGrad)
    /// p = p - lr / (1 - beta1^t) * m / (sqrt(v or vMax) / sqrt(1 - beta2^t) + eps)
    /// ```
    mutating func update<M: Model>(
        _ model: inout M, along gradient: M.Gradient, _ h: Hyperparameters, optimizer: String
    ) {
        let count = M.parameterCount
        expAvg.prepare(count: count, initialValue: 0, step: step, isRequired: true, optimizer: optimizer)
        expAvgSq.prepare(count: count, initialValue: 0, step: step, isRequired: true, optimizer: optimizer)
        if h.amsgrad {
            maxExpAvgSq.prepare(count: count, initialValue: 0, step: step, isRequired: true, optimizer: optimizer)
        }
        step += 1
        // Bias corrections in Double: 1 - beta2^t loses digits in Float when t is small.
        let t = Double(step)
        let stepSize = Float(Double(h.learningRate) / (1 - pow(Double(h.beta1), t)))
        let inverseCorrection2 = Float(1 / (1 - pow(Double(h.beta2), t)).squareRoot())
        let (gradientDecay, keep) = (h.gradientDecay, 1 - h.learningRate * h.parameterDecay)
        expAvg.scalars.withUnsafeMutableBufferPointer { m in
            expAvgSq.scalars.withUnsafeMutableBufferPointer { v in
                maxExpAvgSq.scalars.withUnsafeMutableBufferPointer { vMax in
                    guard let m = m.baseAddress, let v = v.baseAddress else { return }
                    let update = AdaptiveMomentsStep(
                        keep: keep, gradientDecay: gradientDecay, beta1: h.beta1, beta2: h.beta2,
                        stepSize: stepSize, inverseCorrection2: inverseCorrection2, epsilon: h.epsilon,
                        amsgrad: h.amsgrad, m: m, v: v,
                        // Without AMSGrad the running maximum is unused and may be empty.
                        vMax: vMax.baseAddress ?? v)
                    model.forEachTrainableRange(along: gradient, updatedBy: optimizer, update)
                }
            }
        }
    }
}

/// One step of ``Adam`` or ``AdamW``, with the bias corrections of its step count.
private struct AdaptiveMomentsStep: ElementwiseUpdate {
    /// The factor AdamW's decoupled decay scales parameters by first.
    let keep: Float
    let gradientDecay: Float, beta1: Float, beta2: Float
    /// The learning rate over the first moment's bias correction.
    let stepSize: Float
    /// One over the square root of the second moment's bias correction.
    let inverseCorrection2: Float
    let epsilon: Float, amsgrad: Bool
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, vMax: UnsafeMutablePointer<Float>

    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>) {
        /// Decays the parameter and advances both moments at `i`.
        @inline(__always) func advance(_ i: Int) -> (parameter: Float, m: Float, v: Float) {
            let parameter = keep * p[i]
            let d = g[i] + gradientDecay * parameter
            let mi = beta1 * m[i] + (1 - beta1) * d
            let vi = beta2 * v[i] + (1 - beta2) * d * d
            m[i] = mi
            v[i] = vi
            return (parameter, mi, vi)
        }
        // Two loops rather than a branch per element, so the common one vectorizes.
        if amsgrad {
            for i in range {
                let (parameter, mi, vi) = advance(i)
                let largest = max(vMax[i], vi)
                vMax[i] = largest
                p[i] = parameter - stepSize * mi / (nonnegativeSquareRoot(largest) * inverseCorrection2 + epsilon)
            }
        } else {
            for i in range {
                let (parameter, mi, vi) = advance(i)
                p[i] = parameter - stepSize * mi / (nonnegativeSquareRoot(vi) * inverseCorrection2 + epsilon)
            }
        }
    }
}
