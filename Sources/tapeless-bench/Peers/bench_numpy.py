"""NumPy with gradients written by hand: the B1, B2 and B3 workloads of BENCHMARKS.md, and B6's
forward alone on float32 scalars."""

import numpy as np

import peers_data as data
import peers_timing as timing


def b1_linreg(rounds, epochs=1000, lr=np.float32(0.1)):
    """Full-batch gradient descent on y = w x + b from w = b = 0."""
    x, y = data.linreg()

    def train():
        w, b = np.float32(0), np.float32(0)
        for _ in range(epochs):
            error = w * x + b - y
            w, b = w - lr * (np.float32(2) * np.mean(error * x)), b - lr * (np.float32(2) * np.mean(error))
        return w, b

    return timing.b1_results(train, rounds, epochs)


def b6_thermal(warmup, calls):
    """B6's forward on NumPy float32 scalars, with a Python loop and a Python `if` (no gradient).
    The inputs are split into float32 scalars once, outside the timing."""
    out, target, (c, u, p, k, s, t0), dt = data.thermal()
    out, target = list(out), list(target)
    zero, one, steps = np.float32(0), np.float32(1), np.float32(len(out))

    def forward():
        temperature, loss = t0, zero
        for outside, goal in zip(out, target):
            e = s - temperature
            h = p * min(one, k * e) if e > zero else zero
            temperature = temperature + (dt * (h - u * (temperature - outside))) / c
            loss = loss + abs(temperature - goal)
        return loss / steps

    return timing.b6_results(forward, None, warmup, calls)


class MLP:
    """Dense(784 -> 128, relu) -> Dense(128 -> 10), softmax cross-entropy, PyTorch's Adam."""

    def __init__(self, batch):
        self.x, self.labels, w1, b1, w2, b2 = data.mlp(batch)
        self.parameters = [w1, b1, w2, b2]
        self.m = [np.zeros_like(p) for p in self.parameters]
        self.v = [np.zeros_like(p) for p in self.parameters]
        self.t = 0

    def step(self):
        """Forward, backward and one Adam update; returns the loss before the update."""
        w1, b1, w2, b2 = self.parameters
        x, labels, batch = self.x, self.labels, self.x.shape[0]
        hidden = np.maximum(x @ w1 + b1, 0)
        logits = hidden @ w2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        rows = np.arange(batch)
        loss = np.mean(np.log(total[:, 0]) - shifted[rows, labels])
        d_logits = exp / total
        d_logits[rows, labels] -= 1
        d_logits /= batch
        d_hidden = (d_logits @ w2.T) * (hidden > 0)
        self.adam([x.T @ d_hidden, d_hidden.sum(axis=0), hidden.T @ d_logits, d_logits.sum(axis=0)])
        return loss

    def adam(self, gradients, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        """torch.optim.Adam's update, in place."""
        self.t += 1
        step_size = lr / (1 - beta1**self.t)
        correction2 = np.sqrt(1 - beta2**self.t)
        for p, g, m, v in zip(self.parameters, gradients, self.m, self.v):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            p -= (step_size * m / (np.sqrt(v) / correction2 + eps)).astype(np.float32)


def main():
    args = timing.arguments(__doc__)
    rounds, warmup, steps, calls = timing.sizes(args.quick)
    results = {**b1_linreg(rounds),
               **timing.b3_results(lambda x: 2 * x + 3, lambda x: 2.0, calls)}
    for batch in (1000, 32):
        results.update(timing.training_results("b2", batch, MLP(batch).step, warmup, steps))
    results.update(b6_thermal(warmup, steps))
    timing.report(f"numpy {np.__version__} (gradients by hand)", results, args.quick)


if __name__ == "__main__":
    main()
