"""Writes model_derivatives.json: losses that contain a derivative of the model, and their
gradients with respect to the parameters, from PyTorch autograd (create_graph=True) in float64,
for issue #20's derivatives inside models.

- 'decay': a physics-informed loss for u' = -u, u(0) = 1, with a second-derivative penalty:
  u = Linear(8, 1)(tanh(Linear(1, 8)(t))),
  loss = mean((du/dt + u)²) + mean((u(t0) - 1)²) + 0.01 · mean((d²u/dt²)²).
- 'gradient_penalty': a critic with a convolution and a WGAN-GP style penalty:
  score = Linear(18, 1)(flatten(tanh(Conv2d(1, 2, 3)(x)))), g = d sum(score) / dx,
  loss = mean(score) + mean((|g_i| - 1)²) over the examples i.

Parameters are stored in the language's layout (a Dense weight is [in, out], PyTorch's
transposed; a convolution's is PyTorch's [out, in, kh, kw]). Every tensor is generated, not
drawn: element k (row-major, from 0) of tensor number s is sin(0.37·k + 1.3·s) · 0.8, with s
counting the case's tensors in the order of 'parameters' then 'inputs'. The script checks each
parameter gradient against central differences before writing.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python model_derivatives.py
"""

import json
import math
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def generated(shape, seed):
    return torch.tensor([math.sin(0.37 * k + 1.3 * seed) * 0.8 for k in range(math.prod(shape))]).reshape(shape)


def decay_loss(p, t, t0):
    def u(t):
        return torch.tanh(t @ p["hidden.weight"] + p["hidden.bias"]) @ p["out.weight"] + p["out.bias"]

    dudt, = torch.autograd.grad(u(t).sum(), t, create_graph=True)
    d2udt2, = torch.autograd.grad(dudt.sum(), t, create_graph=True)
    return ((dudt + u(t)) ** 2).mean() + ((u(t0) - 1) ** 2).mean() + 0.01 * (d2udt2 ** 2).mean()


def penalty_loss(p, x):
    def score(x):
        h = torch.tanh(F.conv2d(x, p["conv.weight"], p["conv.bias"])).flatten(1)
        return (h @ p["critic.weight"] + p["critic.bias"]).reshape(-1)

    g, = torch.autograd.grad(score(x).sum(), x, create_graph=True)
    norms = torch.sqrt((g.reshape(x.shape[0], -1) ** 2).sum(dim=1))
    return score(x).mean() + ((norms - 1) ** 2).mean()


CASES = [
    ("decay", decay_loss,
     {"hidden.weight": [1, 8], "hidden.bias": [8], "out.weight": [8, 1], "out.bias": [1]},
     {"t": [6, 1], "t0": [1, 1]}),
    ("gradient_penalty", penalty_loss,
     {"conv.weight": [2, 1, 3, 3], "conv.bias": [2], "critic.weight": [18, 1], "critic.bias": [1]},
     {"x": [3, 1, 5, 5]}),
]


def main():
    cases = []
    for name, loss, parameter_shapes, input_shapes in CASES:
        seed = 0
        parameters = {}
        for key, shape in parameter_shapes.items():
            parameters[key] = generated(shape, seed).requires_grad_()
            seed += 1
        inputs = {}
        for key, shape in input_shapes.items():
            inputs[key] = generated(shape, seed).requires_grad_()
            seed += 1
        value = loss(parameters, **inputs)
        gradients = torch.autograd.grad(value, list(parameters.values()))
        h = 1e-6
        for (key, p), g in zip(parameters.items(), gradients):
            flat = p.detach().reshape(-1)
            for k in range(flat.numel()):
                shifted = {}
                for sign in (1, -1):
                    moved = {n: q.detach().clone().requires_grad_() for n, q in parameters.items()}
                    with torch.no_grad():
                        moved[key].reshape(-1)[k] += sign * h
                    fresh = {n: x.detach().clone().requires_grad_() for n, x in inputs.items()}
                    shifted[sign] = loss(moved, **fresh).item()
                numeric = (shifted[1] - shifted[-1]) / (2 * h)
                assert abs(numeric - g.reshape(-1)[k].item()) < 1e-6 * max(1, abs(numeric)), (name, key, k)
        cases.append({
            "name": name,
            "shapes": {**parameter_shapes, **input_shapes},
            "parameters": {k: p.tolist() for k, p in parameters.items()},
            "inputs": {k: x.tolist() for k, x in inputs.items()},
            "loss": value.item(),
            "grad": {k: g.tolist() for k, g in zip(parameters, gradients)},
        })
    about = (f"Losses containing derivatives of the model and their parameter gradients from PyTorch autograd "
             f"(torch {torch.__version__}, create_graph=True) in float64; written by model_derivatives.py, which states the models.")
    pathlib.Path(__file__).with_name("model_derivatives.json").write_text(json.dumps({"about": about, "cases": cases}, indent=1) + "\n")


main()
