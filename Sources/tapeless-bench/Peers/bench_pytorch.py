"""PyTorch eager with autograd and torch.optim.Adam: the B1, B2, B3 and B4 workloads of BENCHMARKS.md."""

import torch
import torch.nn.functional as F

import peers_data as data
import peers_timing as timing


def b1_linreg(rounds, epochs=1000, lr=0.1):
    x, y = (torch.from_numpy(a) for a in data.linreg())

    def train():
        w = torch.zeros((), requires_grad=True)
        b = torch.zeros((), requires_grad=True)
        for _ in range(epochs):
            loss = torch.mean(torch.square(w * x + b - y))
            grad_w, grad_b = torch.autograd.grad(loss, (w, b))
            with torch.no_grad():
                w -= lr * grad_w
                b -= lr * grad_b
        return w.item(), b.item()

    return timing.b1_results(train, rounds, epochs)


def mlp(x, w1, b1, w2, b2):
    """B2's logits: Dense(784 -> 128, relu) -> Dense(128 -> 10)."""
    return torch.relu(x @ w1 + b1) @ w2 + b2


def cnn(x, conv1, bias1, conv2, bias2, fc1, bias3, fc2, bias4, fc3, bias5):
    """B4's logits: two conv (5x5) -> relu -> max-pool (2x2) blocks, then three dense layers."""
    hidden = F.max_pool2d(torch.relu(F.conv2d(x, conv1, bias1)), 2)
    hidden = F.max_pool2d(torch.relu(F.conv2d(hidden, conv2, bias2)), 2)
    hidden = torch.relu(torch.flatten(hidden, start_dim=1) @ fc1 + bias3)
    return torch.relu(hidden @ fc2 + bias4) @ fc3 + bias5


class Training:
    """A model's data and published initial parameters under torch.optim.Adam; `logits` is mlp or cnn."""

    def __init__(self, logits, x, labels, *parameters):
        self.logits = logits
        self.x, self.labels = torch.from_numpy(x), torch.from_numpy(labels)
        self.parameters = [torch.from_numpy(p).requires_grad_() for p in parameters]
        self.optimizer = torch.optim.Adam(self.parameters, lr=1e-3)

    def step(self):
        loss = F.cross_entropy(self.logits(self.x, *self.parameters), self.labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss.item()


def main():
    args = timing.arguments(__doc__)
    rounds, warmup, steps, calls = timing.sizes(args.quick)
    torch.set_num_threads(2)

    def f(x):
        return x * x + 3 * x

    def grad(value):
        x = torch.tensor(value, requires_grad=True)
        return torch.autograd.grad(f(x), x)[0]

    def grad2(value):
        x = torch.tensor(value, requires_grad=True)
        (first,) = torch.autograd.grad(f(x), x, create_graph=True)
        return torch.autograd.grad(first, x)[0]

    results = {**b1_linreg(rounds), **timing.b3_results(grad, grad2, calls // 100)}
    for workload, logits, inputs, batches in (("b2", mlp, data.mlp, (1000, 32)), ("b4", cnn, data.cnn, (64, 256))):
        for batch in batches:
            step = Training(logits, *inputs(batch)).step
            results.update(timing.training_results(workload, batch, step, warmup, steps))
    timing.report(f"torch {torch.__version__} (eager, {torch.get_num_threads()} threads)", results, args.quick)


if __name__ == "__main__":
    main()
