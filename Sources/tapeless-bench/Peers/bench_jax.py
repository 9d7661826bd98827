"""JAX with jax.grad and jit: the B1, B2, B3, B4, B5 and B6 workloads of BENCHMARKS.md.

B1 is timed twice: one jitted call per epoch (b1_us_per_epoch), and all 1000 epochs inside one
jitted lax.fori_loop (b1_fori_loop_us_per_epoch). B5's LSTM runs its 28 steps in a lax.scan.
B6 runs its 1000 steps in a lax.scan, its branch as jnp.where (b6_forward_us, b6_gradient_us)
and as lax.cond (b6_cond_forward_us, b6_cond_gradient_us).
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

import peers_data as data
import peers_timing as timing


def b1_linreg(rounds, epochs=1000, lr=0.1):
    x, y = (jnp.asarray(a) for a in data.linreg())

    def loss(parameters):
        w, b = parameters
        return jnp.mean(jnp.square(w * x + b - y))

    @jax.jit
    def epoch(parameters):
        gradient = jax.grad(loss)(parameters)
        return tuple(p - lr * g for p, g in zip(parameters, gradient))

    @jax.jit
    def all_epochs(parameters):
        return jax.lax.fori_loop(0, epochs, lambda _, p: epoch(p), parameters)

    start = (jnp.float32(0), jnp.float32(0))
    jax.block_until_ready(epoch(start))  # compile outside the timing
    jax.block_until_ready(all_epochs(start))

    def train_per_epoch():
        parameters = start
        for _ in range(epochs):
            parameters = epoch(parameters)
        return jax.block_until_ready(parameters)

    results = timing.b1_results(train_per_epoch, rounds, epochs)
    fori = timing.b1_results(lambda: jax.block_until_ready(all_epochs(start)), rounds, epochs)
    results.update({f"b1_fori_loop_{key[3:]}": value for key, value in fori.items()})
    return results


def mlp(x, w1, b1, w2, b2):
    """B2's logits: Dense(784 -> 128, relu) -> Dense(128 -> 10)."""
    return jnp.maximum(x @ w1 + b1, 0) @ w2 + b2


def conv_relu_pool(x, weight, bias):
    """A 'valid' cross-correlation (NCHW, OIHW weights, as PyTorch), relu, then 2x2 max-pooling."""
    y = jax.lax.conv_general_dilated(x, weight, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
    y = jnp.maximum(y + bias[:, None, None], 0)
    return jax.lax.reduce_window(y, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")


def cnn(x, conv1, bias1, conv2, bias2, fc1, bias3, fc2, bias4, fc3, bias5):
    """B4's logits: two conv (5x5) -> relu -> max-pool (2x2) blocks, then three dense layers."""
    hidden = conv_relu_pool(conv_relu_pool(x, conv1, bias1), conv2, bias2)
    hidden = jnp.maximum(hidden.reshape(x.shape[0], -1) @ fc1 + bias3, 0)
    return jnp.maximum(hidden @ fc2 + bias4, 0) @ fc3 + bias5


def lstm(x, weight_ih, weight_hh, bias_ih, bias_hh, head, head_bias):
    """B5's logits: an LSTM with PyTorch's equations and gate order (i, f, g, o) over the 28 steps of
    x [batch, 28, 28], in a lax.scan, then the last h -> Dense(128 -> 10)."""
    hidden = weight_hh.shape[1]
    # Every step's input projection in one product before the scan, as PyTorch's CPU LSTM does:
    # only the recurrent product h @ weight_hh.T has to wait for the previous step.
    inputs = jnp.einsum("btf,gf->tbg", x, weight_ih) + bias_ih

    def cell(carry, projected):
        h, c = carry
        gates = projected + h @ weight_hh.T + bias_hh
        i, f, g, o = (gates[:, k * hidden:(k + 1) * hidden] for k in range(4))
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), None

    zeros = jnp.zeros((x.shape[0], hidden), x.dtype)
    (h, _), _ = jax.lax.scan(cell, (zeros, zeros), inputs)
    return h @ head + head_bias


def thermal(parameters, out, target, dt, branch):
    """B6's result: the thermostat simulation in a lax.scan over (out, target), the heater's branch
    e > 0 as jnp.where (both sides computed, one selected) or as lax.cond (`branch` "where" or "cond")."""
    c, u, p, k, s, t0 = parameters

    def heat(e):
        return p * jnp.minimum(jnp.float32(1), k * e)

    def step(carry, inputs):
        temperature, loss = carry
        outside, goal = inputs
        e = s - temperature
        if branch == "where":
            h = jnp.where(e > 0, heat(e), jnp.float32(0))
        else:
            h = jax.lax.cond(e > 0, heat, jnp.zeros_like, e)
        temperature = temperature + (dt * (h - u * (temperature - outside))) / c
        return (temperature, loss + jnp.abs(temperature - goal)), None

    (_, loss), _ = jax.lax.scan(step, (t0, jnp.float32(0)), (out, target))
    return loss / 1000


def b6_thermal(warmup, calls):
    """B6's forward and value_and_grad with respect to theta, each jitted, with either branch."""
    out, target, theta, dt = data.thermal()
    out, target, dt = jnp.asarray(out), jnp.asarray(target), jnp.asarray(dt)
    parameters = tuple(jnp.asarray(value) for value in theta)
    results = {}
    for branch, key in (("where", "b6"), ("cond", "b6_cond")):
        forward = jax.jit(partial(thermal, branch=branch))
        gradient = jax.jit(jax.value_and_grad(partial(thermal, branch=branch)))
        results.update(timing.b6_results(lambda: forward(parameters, out, target, dt),
                                         lambda: gradient(parameters, out, target, dt),
                                         warmup, calls, sync=jax.block_until_ready, key=key))
    return results


def cross_entropy(parameters, logits, x, labels):
    log_probabilities = jax.nn.log_softmax(logits(x, *parameters), axis=1)
    return -jnp.mean(jnp.take_along_axis(log_probabilities, labels[:, None], axis=1))


@partial(jax.jit, static_argnums=0)
def training_step(logits, parameters, m, v, x, labels, step_size, correction2, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of the model `logits` (mlp, cnn or lstm): loss and gradient, then torch.optim.Adam's update
    (bias corrections from the caller)."""
    loss, gradients = jax.value_and_grad(cross_entropy)(parameters, logits, x, labels)
    m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, gradients)]
    v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, gradients)]
    parameters = [p - step_size * mi / (jnp.sqrt(vi) / correction2 + eps) for p, mi, vi in zip(parameters, m, v)]
    return loss, parameters, m, v


class Training:
    """A model's state between jitted steps."""

    def __init__(self, logits, x, labels, *parameters, lr=1e-3):
        self.logits = logits
        self.x, self.labels = jnp.asarray(x), jnp.asarray(labels.astype(np.int32))
        self.parameters = [jnp.asarray(p) for p in parameters]
        self.m = [jnp.zeros_like(p) for p in self.parameters]
        self.v = [jnp.zeros_like(p) for p in self.parameters]
        self.lr, self.t = lr, 0

    def step(self):
        self.t += 1
        # Bias corrections in Python's float64, as torch.optim.Adam computes them.
        step_size = jnp.float32(self.lr / (1 - 0.9**self.t))
        correction2 = jnp.float32(np.sqrt(1 - 0.999**self.t))
        loss, self.parameters, self.m, self.v = training_step(
            self.logits, self.parameters, self.m, self.v, self.x, self.labels, step_size, correction2)
        return loss


def main():
    args = timing.arguments(__doc__)
    rounds, warmup, steps, calls = timing.sizes(args.quick)

    def f(x):
        return x * x + 3 * x

    grad, grad2 = jax.jit(jax.grad(f)), jax.jit(jax.grad(jax.grad(f)))
    results = {**b1_linreg(rounds), **timing.b3_results(grad, grad2, calls // 100 if args.quick else calls // 10)}
    for workload, logits, inputs, batches in (("b2", mlp, data.mlp, (1000, 32)), ("b4", cnn, data.cnn, (64, 256))):
        for batch in batches:
            step = Training(logits, *inputs(batch)).step
            results.update(timing.training_results(workload, batch, step, warmup, steps, sync=jax.block_until_ready))
    # At least 5 warm-up steps even with --quick, so the step-5 loss is always checked.
    step = Training(lstm, *data.lstm(64)).step
    results.update(timing.training_results("b5", 64, step, max(warmup, 5), steps, sync=jax.block_until_ready,
                                           key="b5"))
    results.update(b6_thermal(warmup, calls // 100))
    timing.report(f"jax {jax.__version__} (jit)", results, args.quick)


if __name__ == "__main__":
    main()
