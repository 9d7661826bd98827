"""PyTorch eager with autograd and torch.optim.Adam: the B1, B2 and B3 workloads of BENCHMARKS.md."""

import torch

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


class MLP:
    """Dense(784 -> 128, relu) -> Dense(128 -> 10) with the published initial weights."""

    def __init__(self, batch):
        x, labels, w1, b1, w2, b2 = data.mlp(batch)
        self.x, self.labels = torch.from_numpy(x), torch.from_numpy(labels)
        self.parameters = [torch.from_numpy(p).requires_grad_() for p in (w1, b1, w2, b2)]
        self.optimizer = torch.optim.Adam(self.parameters, lr=1e-3)

    def step(self):
        w1, b1, w2, b2 = self.parameters
        logits = torch.relu(self.x @ w1 + b1) @ w2 + b2
        loss = torch.nn.functional.cross_entropy(logits, self.labels)
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
    for batch in (1000, 32):
        results.update(timing.b2_results(batch, MLP(batch).step, warmup, steps))
    timing.report(f"torch {torch.__version__} (eager, {torch.get_num_threads()} threads)", results, args.quick)


if __name__ == "__main__":
    main()
