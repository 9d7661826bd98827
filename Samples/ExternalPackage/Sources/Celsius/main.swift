// A model compiled by TapelessPlugin in a package that depends on Tapeless: the plugin
// turns Conversion.tapeless into Swift when this target builds.
//
// Output (stable): `learned: F = <scale> · C + <offset>` then `100 °C = <value> °F`.
import Foundation
import Tapeless

let celsius = Tensor([-40, -10, 0, 8, 15, 22, 38])
let fahrenheit = Tensor([-40, 14, 32, 46.4, 59, 71.6, 100.4])

var model = Conversion(seed: 0)
var optimizer = Adam(learningRate: 0.5)
for _ in 0..<2000 {
    let (_, gradient) = model.lossWithGradient(celsius: celsius, observed: fahrenheit)
    optimizer.update(&model, along: gradient)
}
print("learned: F = \(String(format: "%.3f", model.scale)) · C + \(String(format: "%.3f", model.offset))")
print("100 °C = \(String(format: "%.1f", model.fahrenheit(celsius: Tensor([100])).scalars[0])) °F")
