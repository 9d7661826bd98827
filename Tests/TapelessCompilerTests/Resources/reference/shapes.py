"""Writes shapes.json: value, gradient and Hessian-vector product of f = sum(tanh(op(args)) * c)
for the shape operations and batched matrix products of issue #18, from PyTorch autograd in
float64: reshape, permute, cat, stack, var (unbiased and not), amin, matmul of a batch of
matrices by a batch and by one matrix, F.pad, reductions with keepdim, slices with steps,
torch.linalg.vector_norm and F.normalize.

Every tensor is generated, not drawn: element k (row-major, from 0) of tensor number s is
    sin(0.37·k + 1.3·s) · 0.8
with s counting the file's tensors in order (each case's arguments, then c, then one direction v per
argument). Fields of a case: 'name'; 'shapes' of the arguments and of the output; 'inputs'; 'c';
'v'; 'value' (f); 'grad' (df/da for every argument a); 'second' (for every argument a, ds/da where
s = sum over arguments a' of sum(df/da' * v[a']): the Hessian of f times v). The script checks
every first derivative and every Hessian-vector product against central differences before writing.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python shapes.py
"""

import itertools
import json
import math
import pathlib

import torch

torch.set_default_dtype(torch.float64)

CASES = [
    ("reshape", {"x": [3, 2, 6]}, lambda x: x.reshape(3, 3, -1)),
    ("permute", {"x": [2, 3, 4, 5]}, lambda x: x.permute(0, 2, 1, 3)),
    ("concat", {"a": [2, 3], "b": [2, 5]}, lambda a, b: torch.cat([a, b], dim=1)),
    ("stack", {"a": [2, 3], "b": [2, 3]}, lambda a, b: torch.stack([a, b], dim=1)),
    ("variance", {"x": [4, 5]}, lambda x: torch.var(x, dim=0)),
    ("variance_biased", {"x": [4, 5]}, lambda x: torch.var(x, dim=1, correction=0)),
    ("min", {"x": [4, 5]}, lambda x: torch.amin(x, dim=1)),
    ("batched_matmul", {"a": [2, 3, 4, 5], "b": [2, 3, 5, 6]}, lambda a, b: a @ b),
    ("batch_times_matrix", {"x": [2, 3, 4], "w": [4, 5]}, lambda x, w: x @ w),
    ("pad", {"x": [2, 3, 4]}, lambda x: torch.nn.functional.pad(x, (1, 2, 0, 1))),
    ("keep_dims", {"x": [3, 4]}, lambda x: (x - x.mean(dim=1, keepdim=True)) * x.amax(dim=0, keepdim=True)),
    ("strided", {"x": [3, 10]}, lambda x: x[::2, 1:9:3]),
    ("norm", {"x": [3, 4]}, lambda x: torch.linalg.vector_norm(x, dim=1)),
    ("normalize", {"x": [3, 4]}, lambda x: torch.nn.functional.normalize(x, dim=1)),
]


def generated(shape, seed):
    return torch.tensor([math.sin(0.37 * k + 1.3 * seed) * 0.8 for k in range(math.prod(shape))]).reshape(shape)


def derivatives(op, inputs, c, v):
    leaves = {name: tensor.clone().requires_grad_() for name, tensor in inputs.items()}
    f = (torch.tanh(op(**leaves)) * c).sum()
    grads = torch.autograd.grad(f, list(leaves.values()), create_graph=True)
    s = sum((g * v[name]).sum() for name, g in zip(leaves, grads))
    second = torch.autograd.grad(s, list(leaves.values()))
    return f.item(), dict(zip(leaves, (g.detach().contiguous() for g in grads))), dict(zip(leaves, (t.contiguous() for t in second)))


def check(name, op, inputs, c, v, grad, second, h=1e-5, tolerance=1e-8):
    def f(arguments):
        return (torch.tanh(op(**arguments)) * c).sum().item()

    for argument, tensor in inputs.items():
        for k in range(tensor.numel()):
            shifted = []
            for sign in (1, -1):
                arguments = dict(inputs)
                arguments[argument] = tensor.clone()
                arguments[argument].view(-1)[k] += sign * h
                shifted.append(f(arguments))
            numeric = (shifted[0] - shifted[1]) / (2 * h)
            assert abs(numeric - grad[argument].reshape(-1)[k]) <= tolerance, (name, "grad", argument, k)
    plus, minus = (derivatives(op, {a: t + sign * h * v[a] for a, t in inputs.items()}, c, v)[1] for sign in (1, -1))
    for argument in inputs:
        assert torch.allclose((plus[argument] - minus[argument]) / (2 * h), second[argument], rtol=0, atol=tolerance), \
            (name, "second", argument)


def main():
    seeds = itertools.count()
    cases = []
    for name, shapes, op in CASES:
        inputs = {argument: generated(shape, next(seeds)) for argument, shape in shapes.items()}
        output_shape = list(op(**inputs).shape)
        c = generated(output_shape, next(seeds))
        v = {argument: generated(shape, next(seeds)) for argument, shape in shapes.items()}
        value, grad, second = derivatives(op, inputs, c, v)
        check(name, op, inputs, c, v, grad, second)
        cases.append({
            "name": name, "shapes": {**shapes, "output": output_shape},
            "inputs": {a: t.tolist() for a, t in inputs.items()}, "c": c.tolist(), "v": {a: t.tolist() for a, t in v.items()},
            "value": value, "grad": {a: t.tolist() for a, t in grad.items()},
            "second": {a: t.tolist() for a, t in second.items()},
        })
    document = {
        "about": "Shape operations and batched matrix products (issue #18) from PyTorch autograd in float64 (torch "
                 + torch.__version__ + "), written by shapes.py; see its docstring for the fields.",
        "cases": cases,
    }
    path = pathlib.Path(__file__).with_name("shapes.json")
    path.write_text(json.dumps(document) + "\n")
    print("wrote", path)


main()
