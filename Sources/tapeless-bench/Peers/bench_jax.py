"""JAX with jax.grad and jit: the B1, B2 and B3 workloads of BENCHMARKS.md.

B1 is timed twice: one jitted call per epoch (b1_us_per_epoch), and all 1000 epochs inside one
jitted lax.fori_loop (b1_fori_loop_us_per_epoch).
"""

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


def cross_entropy(parameters, x, labels):
    w1, b1, w2, b2 = parameters
    logits = jnp.maximum(x @ w1 + b1, 0) @ w2 + b2
    log_probabilities = jax.nn.log_softmax(logits, axis=1)
    return -jnp.mean(jnp.take_along_axis(log_probabilities, labels[:, None], axis=1))


@jax.jit
def mlp_step(parameters, m, v, x, labels, step_size, correction2, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step: loss and gradient, then torch.optim.Adam's update (bias corrections from the caller)."""
    loss, gradients = jax.value_and_grad(cross_entropy)(parameters, x, labels)
    m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, gradients)]
    v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, gradients)]
    parameters = [p - step_size * mi / (jnp.sqrt(vi) / correction2 + eps) for p, mi, vi in zip(parameters, m, v)]
    return loss, parameters, m, v


class MLP:
    """B2's state between jitted steps."""

    def __init__(self, batch, lr=1e-3):
        x, labels, *parameters = data.mlp(batch)
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
        loss, self.parameters, self.m, self.v = mlp_step(
            self.parameters, self.m, self.v, self.x, self.labels, step_size, correction2)
        return loss


def main():
    args = timing.arguments(__doc__)
    rounds, warmup, steps, calls = timing.sizes(args.quick)

    def f(x):
        return x * x + 3 * x

    grad, grad2 = jax.jit(jax.grad(f)), jax.jit(jax.grad(jax.grad(f)))
    results = {**b1_linreg(rounds), **timing.b3_results(grad, grad2, calls // 100 if args.quick else calls // 10)}
    for batch in (1000, 32):
        results.update(timing.b2_results(batch, MLP(batch).step, warmup, steps, sync=jax.block_until_ready))
    timing.report(f"jax {jax.__version__} (jit)", results, args.quick)


if __name__ == "__main__":
    main()
