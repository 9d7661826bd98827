"""PyTorch eager with autograd and torch.optim.Adam: the B1, B2, B3, B4, B5 and B6 workloads of BENCHMARKS.md."""

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


def lstm_classifier(x, labels, weight_ih, weight_hh, bias_ih, bias_hh, head, head_bias):
    """B5 with PyTorch's own torch.nn.LSTM (28 -> 128, batch first) holding the published initial
    weights: (logits, x, labels, *parameters) for Training. The parameters are the module's four
    (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0: two biases, as BENCHMARKS.md requires), so
    Adam updates the tensors the module computes with, then the dense weight [128, 10] and bias."""
    lstm = torch.nn.LSTM(28, 128, batch_first=True)
    with torch.no_grad():
        for parameter, value in ((lstm.weight_ih_l0, weight_ih), (lstm.weight_hh_l0, weight_hh),
                                 (lstm.bias_ih_l0, bias_ih), (lstm.bias_hh_l0, bias_hh)):
            parameter.copy_(torch.from_numpy(value))

    def logits(x, *parameters):
        """B5's logits: the last step's h -> Dense(128 -> 10). The module uses its own parameters,
        which are parameters[:4]; the dense layer's are the last two."""
        _, (h, _) = lstm(x)
        return h[-1] @ parameters[-2] + parameters[-1]

    return (logits, x, labels, lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0,
            head, head_bias)


def thermal(out, target, c, u, p, k, s, t0, dt):
    """B6: the thermostat simulation on scalar tensors, with a Python loop and a Python `if`
    (which reads e > 0 back from the tensor); `out` and `target` are sequences of scalar tensors."""
    temperature, loss = t0, torch.zeros(())
    for outside, goal in zip(out, target):
        e = s - temperature
        h = p * torch.clamp(k * e, max=1) if e > 0 else torch.zeros(())
        temperature = temperature + (dt * (h - u * (temperature - outside))) / c
        loss = loss + torch.abs(temperature - goal)
    return loss / 1000


def b6_thermal(warmup, calls):
    """B6's forward (under no_grad) and forward + torch.autograd.grad with respect to theta. The
    inputs are split into scalar tensors once, outside the timing."""
    out, target, theta, dt = data.thermal()
    out, target = torch.from_numpy(out).unbind(), torch.from_numpy(target).unbind()
    dt = torch.tensor(dt)
    parameters = [torch.tensor(value, requires_grad=True) for value in theta]

    def forward():
        with torch.no_grad():
            return thermal(out, target, *parameters, dt).item()

    def gradient():
        result = thermal(out, target, *parameters, dt)
        return result.item(), [d.item() for d in torch.autograd.grad(result, parameters)]

    return timing.b6_results(forward, gradient, warmup, calls)


class Training:
    """A model's data and published initial parameters under torch.optim.Adam; `logits` is mlp or cnn,
    or B5's closure over its nn.LSTM (whose parameters come as tensors, not arrays)."""

    def __init__(self, logits, x, labels, *parameters):
        self.logits = logits
        self.x, self.labels = torch.from_numpy(x), torch.from_numpy(labels)
        self.parameters = [torch.as_tensor(p).requires_grad_() for p in parameters]
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
    # At least 5 warm-up steps even with --quick, so the step-5 loss is always checked.
    step = Training(*lstm_classifier(*data.lstm(64))).step
    results.update(timing.training_results("b5", 64, step, max(warmup, 5), steps, key="b5"))
    # B6: a forward call takes about 15 ms and a gradient call about 120, so as many calls as B2's steps.
    results.update(b6_thermal(warmup, steps))
    timing.report(f"torch {torch.__version__} (eager, {torch.get_num_threads()} threads)", results, args.quick)


if __name__ == "__main__":
    main()
