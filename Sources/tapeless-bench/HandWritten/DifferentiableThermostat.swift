import _Differentiation

/// B6 with Swift's own differentiation (`_Differentiation`): the same program, written as a
/// `@differentiable` function of a `Differentiable` struct (`gradient(at:)` takes at most
/// three arguments). `abs` and `min` have no derivatives there, so they are branches.
enum DifferentiableThermostat {
    struct Room: Differentiable {
        var c, u, p, k, s, t0: Float
    }

    @differentiable(reverse)
    static func loss(_ room: Room, outside: [Float], target: [Float]) -> Float {
        var temperature = room.t0
        var loss: Float = 0
        for i in 0..<withoutDerivative(at: outside.count) {
            let e = room.s - temperature
            var h: Float = 0
            if e > 0 {
                let ke = room.k * e
                h = ke < 1 ? room.p * ke : room.p
            }
            temperature = temperature + HandWrittenThermostat.dt * (h - room.u * (temperature - outside[i])) / room.c
            let difference = temperature - target[i]
            loss = loss + (difference < 0 ? -difference : difference)
        }
        return loss / Float(withoutDerivative(at: outside.count))
    }

    static func gradient(_ room: Room, outside: [Float], target: [Float]) -> Room.TangentVector {
        _Differentiation.gradient(at: room) { loss($0, outside: outside, target: target) }
    }
}
