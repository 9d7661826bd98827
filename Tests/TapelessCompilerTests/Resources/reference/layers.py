"""Writes layers.json: for each layer kind below, f = sum(tanh(layer(x)) * c) with PyTorch's module
in float64 (issue #18): its value and its gradient with respect to x and to every parameter. (Each
kind is built from operations whose second derivatives other reference files check.)

    LayerNorm(6)                      nn.LayerNorm(6)                            x [3, 2, 6]
    GroupNorm(6, groups: 3)           nn.GroupNorm(3, 6)                         x [2, 6, 3, 2]
    AvgPool2D(kernel: 3, stride: 2, padding: 1)  nn.AvgPool2d(3, 2, 1)           x [2, 3, 7, 6]
    GlobalAvgPool2D()                 nn.AdaptiveAvgPool2d(1) + flatten          x [2, 3, 4, 5]
    Conv1D(4 -> 6, kernel: 3, stride: 2, padding: 1, groups: 2)  nn.Conv1d     x [2, 4, 9]
    ConvTranspose2D(4 -> 6, kernel: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2)
                                      nn.ConvTranspose2d                         x [2, 4, 3, 4]

Every tensor is generated, not drawn: element k (row-major, from 0) of tensor number s is
    sin(0.37·k + 1.3·s) · 0.8
with s counting the file's tensors in order (each case's parameters in the module's order, then x
and c). The JSON stores each tensor's values; parameters under the module's state_dict names.
The script checks every first derivative against central differences before writing.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python layers.py
"""

import json
import math
import pathlib

import torch

torch.set_default_dtype(torch.float64)
counter = 0


def generated(shape):
    global counter
    values = [math.sin(0.37 * k + 1.3 * counter) * 0.8 for k in range(math.prod(shape))]
    counter += 1
    return torch.tensor(values).reshape(shape)


def global_average(x):
    return torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)


CASES = [
    ("layerNorm", lambda: torch.nn.LayerNorm(6), [3, 2, 6]),
    ("groupNorm", lambda: torch.nn.GroupNorm(3, 6), [2, 6, 3, 2]),
    ("avgPool2D", lambda: torch.nn.AvgPool2d(3, 2, 1), [2, 3, 7, 6]),
    ("globalAvgPool2D", lambda: global_average, [2, 3, 4, 5]),
    ("conv1D", lambda: torch.nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), [2, 4, 9]),
    ("convTranspose2D", lambda: torch.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), [2, 4, 3, 4]),
]


def check_against_differences(f, tensor, gradient, name):
    flat = tensor.detach().reshape(-1)
    for index in range(0, flat.numel(), max(1, flat.numel() // 23)):
        original = flat[index].item()
        h = 1e-6
        flat[index] = original + h
        up = f().item()
        flat[index] = original - h
        down = f().item()
        flat[index] = original
        numeric = (up - down) / (2 * h)
        assert abs(numeric - gradient.reshape(-1)[index].item()) < 1e-6 * max(1, abs(numeric)), f"{name}[{index}]"


cases = []
for name, make, shape in CASES:
    module = make()
    parameters = dict(module.named_parameters()) if isinstance(module, torch.nn.Module) else {}
    with torch.no_grad():
        for parameter in parameters.values():
            parameter.copy_(generated(list(parameter.shape)))
    x = generated(shape).requires_grad_(True)
    output_shape = list(module(x).shape)
    c = generated(output_shape)

    def f():
        return (torch.tanh(module(x)) * c).sum()

    value = f()
    inputs = [x] + list(parameters.values())
    gradients = torch.autograd.grad(value, inputs)
    with torch.no_grad():
        for tensor, gradient, label in zip(inputs, gradients, ["x"] + list(parameters)):
            check_against_differences(f, tensor, gradient, f"{name} {label}")
    cases.append({
        "name": name, "shape": shape, "outputShape": output_shape,
        "parameters": {n: p.detach().tolist() for n, p in parameters.items()},
        "x": x.detach().tolist(), "c": c.tolist(), "value": value.item(),
        "gradients": {label: g.detach().tolist() for label, g in zip(["x"] + list(parameters), gradients)},
    })

document = {
    "about": "Layer kinds of issue #18 from PyTorch modules in float64 (torch " + torch.__version__ + "), written by layers.py: "
             "f = sum(tanh(layer(x)) * c) and its gradients with respect to x and every parameter.",
    "cases": cases,
}
path = pathlib.Path(__file__).with_name("layers.json")
path.write_text(json.dumps(document) + "\n")
print("wrote", path)
