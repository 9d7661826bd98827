"""Writes branches.json: values and derivatives of functions with data-dependent branches
(Python `if` on tensor values), from PyTorch autograd in float64, for issue #19
(BranchTests.swift, whose source declares the same functions in the language).

- thermostat(c, u, p, k, s, t0, outside, target): benchmark B6's room and heater
  (BENCHMARKS.md), over 200 steps instead of 1,000, with the heater's branch
  `if e > 0: h = p * min(1, k * e)`: its value and its gradient with respect to the six
  parameters.
- pieces(x): one of sqrt(v), v² and log(-v) per element, chosen by `if / elif / else` on
  each element's sign and size, summed: value, gradient and the Hessian-vector product
  along `direction`.

Every input is a formula of its index (stated beside it) and stored too.
Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python branches.py
"""

import json
import math
import pathlib

import torch

torch.set_default_dtype(torch.float64)

STEPS = 200


def thermostat(c, u, p, k, s, t0, outside, target):
    temperature = t0
    loss = torch.tensor(0.0)
    for i in range(STEPS):
        e = s - temperature
        h = torch.tensor(0.0)
        if e > 0:
            h = p * torch.clamp(k * e, max=1.0)
        temperature = temperature + 0.1 * (h - u * (temperature - outside[i])) / c
        loss = loss + (temperature - target[i]).abs()
    return loss / STEPS


def pieces(x):
    total = torch.tensor(0.0)
    for i in range(x.shape[0]):
        v = x[i]
        if v > 0:
            total = total + torch.sqrt(v)
        elif v > -1:
            total = total + v * v
        else:
            total = total + torch.log(-v)
    return total


outside = torch.tensor([10 + 5 * math.sin(0.37 * i) for i in range(STEPS)])
target = torch.tensor([20 + 2 * math.sin(2 * math.pi * i / 50) for i in range(STEPS)])
theta = [torch.tensor(v, requires_grad=True) for v in (2.0, 0.1, 3.0, 0.5, 21.0, 15.0)]
thermostat_value = thermostat(*theta, outside, target)
thermostat_gradient = torch.autograd.grad(thermostat_value, theta)

x = torch.tensor([4.0, -0.5, -3.0, 0.25, 0.8, -1.5], requires_grad=True)
direction = torch.tensor([1.0, -0.5, 0.25, 2.0, -1.0, 0.5])
pieces_value = pieces(x)
(pieces_gradient,) = torch.autograd.grad(pieces_value, [x], create_graph=True)
(pieces_hvp,) = torch.autograd.grad(pieces_gradient, [x], grad_outputs=direction)

result = {
    "about": "branches.py: PyTorch autograd in float64; outside[i] = 10 + 5 sin(0.37 i), "
    "target[i] = 20 + 2 sin(2π i / 50), θ = (c, u, p, k, s, t0) = (2, 0.1, 3, 0.5, 21, 15)",
    "thermostat": {
        "outside": outside.tolist(), "target": target.tolist(),
        "value": thermostat_value.item(), "gradient": [g.item() for g in thermostat_gradient],
    },
    "pieces": {
        "x": x.tolist(), "direction": direction.tolist(),
        "value": pieces_value.item(), "gradient": pieces_gradient.tolist(), "hvp": pieces_hvp.tolist(),
    },
}
pathlib.Path(__file__).with_name("branches.json").write_text(json.dumps(result, indent=1) + "\n")
