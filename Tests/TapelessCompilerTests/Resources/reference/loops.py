"""Writes loops.json: values and derivatives of functions with loops and variables, from
PyTorch autograd in float64, for issue #19 (LoopTests.swift, whose source declares the same
functions in the language).

- run(x, w, u): a recurrent cell over 4 steps, h = tanh(x[:, t] @ w + h @ u), then a
  weighted sum of h's columns accumulated in a loop: its value and its gradients.
- simulate(v0, k, force): 8 explicit Euler steps of dv/dt = force[t] - k v³ with the energy
  sum(v²) accumulated, nested inside 2 repetitions: its value, its gradients, and the
  Hessian-vector product with respect to v0 along `direction`.

Every input is a formula of its flat index (stated beside it) and stored too.
Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python loops.py
"""

import json
import math
import pathlib

import torch

torch.set_default_dtype(torch.float64)


def tensor(shape, formula):
    count = math.prod(shape)
    return torch.tensor([formula(i) for i in range(count)]).reshape(shape)


def run(x, w, u):
    h = torch.tanh(x[:, 0, :] @ w)
    for t in range(3):
        h = torch.tanh(x[:, t + 1, :] @ w + h @ u)
    total = torch.tensor(0.0)
    for k in range(5):
        total = total + h[:, k].sum() * 0.5
    return total


def simulate(v0, k, force):
    v = v0
    energy = torch.tensor(0.0)
    for repetition in range(2):
        for step in range(8):
            v = v + 0.1 * (force[step] - k * v * v * v)
            energy = energy + (v * v).sum()
    return energy


def grads(function, arguments):
    arguments = [a.clone().requires_grad_(True) for a in arguments]
    value = function(*arguments)
    gradients = torch.autograd.grad(value, arguments)
    return value.item(), [g.flatten().tolist() for g in gradients]


x = tensor([2, 4, 3], lambda i: math.sin(0.3 * (i + 1)))
w = tensor([3, 5], lambda i: 0.4 * math.cos(0.7 * i))
u = tensor([5, 5], lambda i: 0.3 * math.sin(1.1 * i + 0.5))
run_value, (gx, gw, gu) = grads(run, [x, w, u])

v0 = tensor([3], lambda i: 0.5 + 0.25 * i)
k = torch.tensor(0.8)
force = tensor([8, 3], lambda i: math.cos(0.5 * i))
direction = tensor([3], lambda i: 1.0 - 0.5 * i)
simulate_value, (gv0, gk, gforce) = grads(simulate, [v0, k, force])
v0_variable = v0.clone().requires_grad_(True)
(gradient_v0,) = torch.autograd.grad(simulate(v0_variable, k, force), [v0_variable], create_graph=True)
(hvp,) = torch.autograd.grad(gradient_v0, [v0_variable], grad_outputs=direction)

result = {
    "about": "loops.py: PyTorch autograd in float64; x[i] = sin(0.3 (i + 1)), w[i] = 0.4 cos(0.7 i), "
    "u[i] = 0.3 sin(1.1 i + 0.5), v0[i] = 0.5 + 0.25 i, k = 0.8, force[i] = cos(0.5 i), direction[i] = 1 - 0.5 i "
    "(i the flat index)",
    "run": {
        "x": x.flatten().tolist(), "w": w.flatten().tolist(), "u": u.flatten().tolist(),
        "value": run_value, "gradient": {"x": gx, "w": gw, "u": gu},
    },
    "simulate": {
        "v0": v0.tolist(), "k": k.item(), "force": force.flatten().tolist(), "direction": direction.tolist(),
        "value": simulate_value, "gradient": {"v0": gv0, "k": gk, "force": gforce}, "hvp": hvp.tolist(),
    },
}
pathlib.Path(__file__).with_name("loops.json").write_text(json.dumps(result, indent=1) + "\n")
