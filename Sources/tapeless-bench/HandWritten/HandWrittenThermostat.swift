/// B6 by hand: the thermostat's forward pass, and its gradient by an adjoint written out in
/// Swift (the forward pass stores each step's temperature; a backward loop pulls the
/// adjoints through each step again). The reference a person would write without Tapeless.
enum HandWrittenThermostat {
    /// The parameters θ = (c, u, p, k, s, t0).
    struct Room {
        var c, u, p, k, s, t0: Float
    }

    static let dt: Float = 0.1

    /// The mean absolute difference of the simulated and the target temperatures.
    static func loss(_ room: Room, outside: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>) -> Float {
        var temperature = room.t0
        var loss: Float = 0
        for i in 0..<outside.count {
            let e = room.s - temperature
            let h: Float = e > 0 ? room.p * min(1, room.k * e) : 0
            temperature = temperature + dt * (h - room.u * (temperature - outside[i])) / room.c
            loss += abs(temperature - target[i])
        }
        return loss / Float(outside.count)
    }

    /// The gradient of ``loss(_:outside:target:)``; `temperatures` (as long as `outside`)
    /// holds each step's starting temperature.
    static func gradient(
        _ room: Room, outside: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>,
        temperatures: UnsafeMutableBufferPointer<Float>
    ) -> Room {
        let n = outside.count
        var temperature = room.t0
        for i in 0..<n {
            temperatures[i] = temperature
            let e = room.s - temperature
            let h: Float = e > 0 ? room.p * min(1, room.k * e) : 0
            temperature = temperature + dt * (h - room.u * (temperature - outside[i])) / room.c
        }
        var g = Room(c: 0, u: 0, p: 0, k: 0, s: 0, t0: 0)
        var adjointT: Float = 0  // ∂loss/∂(temperature after step i)
        for i in (0..<n).reversed() {
            let t = temperatures[i]
            let e = room.s - t
            let ke = room.k * e
            let heating = e > 0
            let h: Float = heating ? room.p * min(1, ke) : 0
            let drive = h - room.u * (t - outside[i])
            let next = t + dt * drive / room.c
            let difference = next - target[i]
            adjointT += (difference > 0 ? 1 : difference < 0 ? -1 : 0) / Float(n)
            let adjointDrive = adjointT * dt / room.c
            g.c -= adjointT * dt * drive / (room.c * room.c)
            g.u -= adjointDrive * (t - outside[i])
            var adjointE: Float = 0
            if heating {
                g.p += adjointDrive * min(1, ke)
                if ke < 1 {
                    g.k += adjointDrive * room.p * e
                    adjointE = adjointDrive * room.p * room.k
                }
            }
            g.s += adjointE
            adjointT = adjointT * (1 - dt * room.u / room.c) - adjointE
        }
        g.t0 = adjointT
        return g
    }
}
