/// The example program of the language description, used by parser and robustness tests.
enum ExampleProgram {
    static let source = """
    // A model is a set of parameters and functions over them.
    model LinearRegression {
        param w: Float = 0
        param b: Float = 0

        func predict(x: [n]) -> [n] {
            w * x + b
        }

        func loss(x: [n], y: [n]) -> Float {      // a custom loss, written by hand
            mean(square(predict(x: x) - y))
        }
    }

    model SimpleNN {
        layer fc1 = Dense(784 -> 128, activation: relu)   // declares fc1.weight [784,128] and fc1.bias [128]
        layer fc2 = Dense(128 -> 10)
        frozen param scale: [10] = ones
        param t: [3, 4] = uniform(-0.1, 0.1)

        func forward(x: [batch, 784]) -> [batch, 10] {
            let h = fc1(x)
            return fc2(h) * scale
        }

        func loss(x: [batch, 784], labels: Int[batch]) -> Float {
            crossEntropy(logits: forward(x), labels: labels)
        }
    }

    func f(x: Float) -> Float { x * x + 3 * x }
    let df = grad(f)
    let d2f = grad(df)
    let dg = grad(g, wrt: y)

    """
}
