"""Writes while_loops.json: values and derivatives of functions with `while` loops whose trip
count depends on the data (Python `while` on tensor values), from PyTorch autograd in float64,
for issue #19 (WhileLoopTests.swift in both test targets, whose sources declare the same
functions in the language).

- cube_root(a): Newton's method for a^(1/3), stopping once a step is below 1e-5 of the
  iterate; `loss(a, b) = cube_root(a * b)² + b`: value, gradient and the Hessian-vector product
  along `direction`.
- settle(c, s, q): gradient descent on s (x - c)² + q[0] x⁴ from x = 0, each step clipped to
  ±0.5 by a branch, until a step is below 1e-5; returns x² + q[1] x: value and gradient.

Each function also reports how many iterations its loop ran. Run it in a virtual environment,
never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python while_loops.py
"""

import json
import pathlib

import torch

torch.set_default_dtype(torch.float64)


def cube_root(a):
    x = a
    step = torch.tensor(1.0)
    iterations = 0
    while abs(step) > 1e-5 * abs(x):
        step = (x * x * x - a) / (3 * x * x)
        x = x - step
        iterations += 1
    return x, iterations


def loss(a, b):
    r, iterations = cube_root(a * b)
    return r * r + b, iterations


def settle(c, s, q):
    x = torch.tensor(0.0)
    step = torch.tensor(1.0)
    iterations = 0
    while abs(step) > 1e-5:
        slope = 2 * s * (x - c) + 4 * q[0] * x * x * x
        step = 0.1 * slope
        if step > 0.5:
            step = torch.tensor(0.5)
        elif step < -0.5:
            step = torch.tensor(-0.5)
        x = x - step
        iterations += 1
    return x * x + q[1] * x, iterations


a = torch.tensor(5.0, requires_grad=True)
b = torch.tensor(1.5, requires_grad=True)
direction = [0.7, -0.4]
loss_value, loss_iterations = loss(a, b)
loss_gradient = torch.autograd.grad(loss_value, [a, b], create_graph=True)
along = loss_gradient[0] * direction[0] + loss_gradient[1] * direction[1]
loss_hvp = torch.autograd.grad(along, [a, b])

c = torch.tensor(4.0, requires_grad=True)
s = torch.tensor(1.0, requires_grad=True)
q = torch.tensor([0.2, -0.3], requires_grad=True)
settle_value, settle_iterations = settle(c, s, q)
settle_gradient = torch.autograd.grad(settle_value, [c, s, q])

result = {
    "about": "while_loops.py: PyTorch autograd in float64",
    "loss": {
        "a": a.item(), "b": b.item(), "direction": direction, "iterations": loss_iterations,
        "value": loss_value.item(), "gradient": [g.item() for g in loss_gradient], "hvp": [h.item() for h in loss_hvp],
    },
    "settle": {
        "c": c.item(), "s": s.item(), "q": q.tolist(), "iterations": settle_iterations,
        "value": settle_value.item(), "gradient": [settle_gradient[0].item(), settle_gradient[1].item(), settle_gradient[2].tolist()],
    },
}
pathlib.Path(__file__).with_name("while_loops.json").write_text(json.dumps(result, indent=1) + "\n")
