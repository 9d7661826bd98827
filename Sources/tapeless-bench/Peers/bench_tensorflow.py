"""TensorFlow with GradientTape, eager and in tf.function: the B1, B2 and B3 workloads of BENCHMARKS.md.

Keys without a suffix time tf.function; `_eager` keys time the same code run eagerly.
b1_function_loop_us_per_epoch puts all 1000 epochs in one tf.function. Adam is written out in
torch.optim.Adam's form (Keras's Adam places epsilon differently, which would change the checks).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import peers_data as data  # noqa: E402
import peers_timing as timing  # noqa: E402


def compiled_if(compile_it, function):
    return tf.function(function) if compile_it else function


def b1_linreg(rounds, compile_it, epochs=1000, lr=0.1):
    x, y = (tf.constant(a) for a in data.linreg())
    w, b = tf.Variable(0.0), tf.Variable(0.0)

    def epoch():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(w * x + b - y))
        grad_w, grad_b = tape.gradient(loss, [w, b])
        w.assign_sub(lr * grad_w)
        b.assign_sub(lr * grad_b)

    step = compiled_if(compile_it, epoch)
    step()  # trace outside the timing

    def train():
        w.assign(0.0)
        b.assign(0.0)
        for _ in range(epochs):
            step()
        return w.numpy(), b.numpy()

    return timing.b1_results(train, rounds, epochs)


def b1_linreg_one_function(rounds, epochs=1000, lr=0.1):
    """All epochs in one tf.function (a tf.while_loop)."""
    x, y = (tf.constant(a) for a in data.linreg())
    w, b = tf.Variable(0.0), tf.Variable(0.0)

    @tf.function
    def train_all():
        for _ in tf.range(epochs):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(w * x + b - y))
            grad_w, grad_b = tape.gradient(loss, [w, b])
            w.assign_sub(lr * grad_w)
            b.assign_sub(lr * grad_b)

    def train():
        w.assign(0.0)
        b.assign(0.0)
        train_all()
        return w.numpy(), b.numpy()

    train()  # trace outside the timing
    results = timing.b1_results(train, rounds, epochs)
    return {f"b1_function_loop_{key[3:]}": value for key, value in results.items()}


class MLP:
    """B2's variables and one training step, eager or in tf.function."""

    def __init__(self, batch, compile_it, lr=1e-3):
        x, labels, *parameters = data.mlp(batch)
        self.x, self.labels = tf.constant(x), tf.constant(labels.astype(np.int32))
        self.parameters = [tf.Variable(p) for p in parameters]
        self.m = [tf.Variable(tf.zeros_like(p)) for p in parameters]
        self.v = [tf.Variable(tf.zeros_like(p)) for p in parameters]
        self.lr, self.t = lr, 0
        self.update = compiled_if(compile_it, self._update)

    def _update(self, step_size, correction2, beta1=0.9, beta2=0.999, eps=1e-8):
        w1, b1, w2, b2 = self.parameters
        with tf.GradientTape() as tape:
            logits = tf.nn.relu(self.x @ w1 + b1) @ w2 + b2
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=self.labels, logits=logits))
        gradients = tape.gradient(loss, self.parameters)
        for p, g, m, v in zip(self.parameters, gradients, self.m, self.v):
            m.assign(beta1 * m + (1 - beta1) * g)
            v.assign(beta2 * v + (1 - beta2) * g * g)
            p.assign_sub(step_size * m / (tf.sqrt(v) / correction2 + eps))
        return loss

    def step(self):
        self.t += 1
        # Bias corrections in Python's float64, as torch.optim.Adam computes them.
        return self.update(tf.constant(self.lr / (1 - 0.9**self.t), tf.float32),
                           tf.constant(np.sqrt(1 - 0.999**self.t), tf.float32)).numpy()


def b3_scalar(compile_it, calls):
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x + 3 * x
        return tape.gradient(y, x)

    def grad2(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            first = grad(x)
        return outer.gradient(first, x)

    first, second = compiled_if(compile_it, grad), compiled_if(compile_it, grad2)
    return timing.b3_results(lambda v: first(tf.constant(v)).numpy(), lambda v: second(tf.constant(v)).numpy(), calls)


def with_suffix(results, compile_it):
    """Eager results get `_eager` after the workload's size: b1_eager_us_per_epoch, b2_b1000_eager_ms."""
    if compile_it:
        return results
    renamed = {}
    for key, value in results.items():
        parts = key.split("_")
        at = 2 if key.startswith("b2_") else 1
        renamed["_".join(parts[:at] + ["eager"] + parts[at:])] = value
    return renamed


def main():
    args = timing.arguments(__doc__)
    rounds, warmup, steps, calls = timing.sizes(args.quick)
    results = b1_linreg_one_function(rounds)
    for compile_it in (True, False):
        part = {**b1_linreg(rounds, compile_it), **b3_scalar(compile_it, calls // 1000)}
        for batch in (1000, 32):
            part.update(timing.training_results("b2", batch, MLP(batch, compile_it).step, warmup, steps))
        results.update(with_suffix(part, compile_it))
    timing.report(f"tensorflow {tf.__version__} (GradientTape; tf.function and eager)", results, args.quick)


if __name__ == "__main__":
    main()
