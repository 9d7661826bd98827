// A differentiable simulation fitted to measurements: a room heated by a thermostat
// (Thermostat.tapeless, the equations of benchmark B6) starts from guessed constants, and Adam
// fits its heat loss u, heater power p and controller gain k to an observed temperature
// trace. The gradient runs back through all 1,000 steps and the branch that switches the
// heater; it is generated Swift, derived when the package builds.
//
// The heat capacity c is known (frozen): the trace depends on c, u and p only through u/c and
// p/c (a room with all three doubled warms and cools alike), so c must come from elsewhere.
//
// Usage: Thermostat [plot.svg]   (default: thermostat.svg in the current directory)
//
// Output (stable): losses are mean absolute differences in °C between the simulated and the
// observed temperatures, with four decimals; parameters have three.
//   step <n>: loss <loss>          every 500 steps of the fit, before that step's update
//   before: loss <loss>
//   after: loss <loss>
//   fitted: u <u>, p <p>, k <k> (true: u 0.13, p 3.8, k 0.35)
//   Swift and Tapeless losses agree: yes          (or no)
//   wrote <path of the SVG file>
import Foundation
import Tapeless

let steps = 1000      // the length of the loss's inputs, [1000]
let dt: Float = 0.1   // as in Thermostat.tapeless
let t0: Float = 15    // the room's temperature at the start

// The outside temperature during each step, uniform in [5, 15) °C as in B6; the seeded
// splitmix64 stream gives the same weather on every machine.
let weather = RandomStream(seed: 7)
let outside = (0..<steps).map { Float(5 + 10 * Double(weather.uniform(at: $0))) }

/// The room's temperature after each step, by the equations of Thermostat.tapeless.
///
/// The `.tapeless` loss keeps only the loss, so the trajectory to plot is recomputed here.
func simulate(room: Room, t0: Float, outside: [Float]) -> [Float] {
    let (c, u, p, k, s) = (room.c, room.u, room.p, room.k, room.s)
    var temperature = t0
    var trajectory: [Float] = []
    for outsideTemperature in outside {
        let e = s - temperature
        let h = e > 0 ? p * min(1, k * e) : 0
        temperature = temperature + dt * (h - u * (temperature - outsideTemperature)) / c
        trajectory.append(temperature)
    }
    return trajectory
}

/// `value` with `digits` decimals, as the output shows numbers.
func fixed(_ value: Float, _ digits: Int = 3) -> String {
    String(format: "%.\(digits)f", value)
}

// The measurements: the room simulated with its true constants, plus sensor noise (σ = 0.05 °C).
var trueRoom = Room(seed: 0)
(trueRoom.u, trueRoom.p, trueRoom.k) = (0.13, 3.8, 0.35)
let noise = RandomStream(seed: 8).normalValues(count: steps, standardDeviation: 0.05)
let observed = zip(simulate(room: trueRoom, t0: t0, outside: outside), noise).map { $0 + $1 }

// The guesses declared in Thermostat.tapeless; every initializer is a constant, so the seed
// changes nothing.
var room = Room(seed: 0)
let outsideTensor = Tensor(outside), observedTensor = Tensor(observed)
let lossBefore = room.loss(t0: t0, outside: outsideTensor, target: observedTensor)
let trajectoryBefore = simulate(room: room, t0: t0, outside: outside)
// The plotted trajectory is the model's when it gives the model's loss.
let swiftLoss = zip(trajectoryBefore, observed).map { abs($0 - $1) }.reduce(0, +) / Float(steps)
let lossesAgree = abs(swiftLoss - lossBefore) <= 1e-5 * abs(lossBefore)

// PyTorch: optimizer = torch.optim.Adam([u, p, k], lr=0.02), then each step
//          optimizer.zero_grad(); loss = room.loss(t0, outside, target); loss.backward(); optimizer.step()
var optimizer = Adam(learningRate: 0.02)
var gradient = Room.Gradient.zero
for step in 1...3000 {
    let loss = room.lossWithGradient(t0: t0, outside: outsideTensor, target: observedTensor, into: &gradient)
    optimizer.update(&room, along: gradient)
    if step % 500 == 0 { print("step \(step): loss \(fixed(loss, 4))") }
}

let lossAfter = room.loss(t0: t0, outside: outsideTensor, target: observedTensor)
print("before: loss \(fixed(lossBefore, 4))")
print("after: loss \(fixed(lossAfter, 4))")
print("fitted: u \(fixed(room.u)), p \(fixed(room.p)), k \(fixed(room.k))"
    + " (true: u \(trueRoom.u), p \(trueRoom.p), k \(trueRoom.k))")
print("Swift and Tapeless losses agree: \(lossesAgree ? "yes" : "no")")

let plotPath = CommandLine.arguments.dropFirst().first ?? "thermostat.svg"
let trajectoryAfter = simulate(room: room, t0: t0, outside: outside)
let traces = [
    Trace(label: "observed", temperatures: observed, color: "#888888", style: .dots),
    Trace(label: "before fitting", temperatures: trajectoryBefore, color: "#d62728", style: .dashedLine),
    Trace(label: "after fitting", temperatures: trajectoryAfter, color: "#1f77b4", style: .solidLine),
]
try svgDocument(plotting: traces).write(to: URL(fileURLWithPath: plotPath), atomically: true, encoding: .utf8)
print("wrote \(plotPath)")
