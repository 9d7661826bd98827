"""Writes transforms.json: forward mode, pullbacks, Jacobians, Hessians and Hessian-vector
products of composite functions from torch.func in float64, for the derivative kinds of issue
#20 (jvp, vjp, valueAndGrad, hvp, jacobian, hessian).

Each case is one function, written both in PyTorch ('torch' below) and in the language ('source',
which the tests compile). Every tensor is generated, not drawn: element k (row-major, from 0) of
tensor number s is
    sin(0.37·k + 1.3·s) · 0.8
with s counting the file's tensors in order (each case's arguments, then one tangent per
argument, then the output gradient u). Fields of a case: 'name'; 'source'; 'arguments' (names in
order); 'shapes' (of the arguments and of the output); 'inputs'; 'tangents'; 'u'; 'value';
'jvp' (torch.func.jvp's tangent of the output along the tangents); 'vjp' (torch.func.vjp's
pullback of u, per argument); 'jacobian' (torch.func.jacrev per argument: the output's shape
followed by the argument's). A case whose output is a scalar also has 'grad'
(torch.func.grad_and_value), 'hvp' (torch.func.jvp of torch.func.grad along the tangents:
forward over reverse) and 'hessian' (torch.func.hessian per argument). The script checks every jvp against central differences before writing.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python transforms.py
"""

import json
import math
import pathlib

import torch
import torch.nn.functional as F
from torch.func import grad, grad_and_value, hessian, jacrev, jvp, vjp

torch.set_default_dtype(torch.float64)

CASES = [
    ("dense_softmax", {"x": [4, 3], "w": [3, 5], "b": [5]},
     lambda x, w, b: torch.softmax(torch.tanh(x @ w + b), dim=1),
     "softmax(tanh(x @ w + b), axis: 1)"),
    ("logsumexp_max", {"x": [3, 4], "y": [3, 4]},
     lambda x, y: torch.logsumexp(x * y, dim=1) - torch.amax(x / (1 + y * y), dim=1),
     "logSumExp(x * y, axis: 1) - max(x / (1 + y * y), axis: 1)"),
    ("conv_pool", {"x": [1, 2, 6, 6], "w": [3, 2, 3, 3]},
     lambda x, w: F.max_pool2d(torch.tanh(F.conv2d(x, w, padding=1)), 2),
     "maxPool2D(tanh(conv2D(x, w, padding: 1)), kernel: 2)"),
    ("attention", {"q": [3, 4], "k": [3, 4], "v": [3, 4]},
     lambda q, k, v: torch.tanh(torch.softmax(q @ k.T / 2, dim=1) @ v).sum(),
     "sum(tanh(softmax(q @ transpose(k) / 2, axis: 1) @ v))"),
    ("elementwise_mix", {"x": [5], "y": [5]},
     lambda x, y: (torch.pow(x * x + 1, 1.5) + torch.minimum(x, y) * torch.sigmoid(y)
                   + torch.sqrt(y * y + 1) / (1 + torch.exp(x))).sum(),
     "sum(pow(x * x + 1, 1.5) + min(x, y) * sigmoid(y) + sqrt(y * y + 1) / (1 + exp(x)))"),
    ("mlp_loss", {"x": [4, 3], "w1": [3, 5], "w2": [5, 2], "t": [4, 2]},
     lambda x, w1, w2, t: ((torch.tanh(x @ w1) @ w2 - t) ** 2).mean(),
     "mean(square(tanh(x @ w1) @ w2 - t))"),
    ("grouped_conv_loss", {"x": [1, 4, 4, 4], "w": [2, 2, 3, 3]},
     lambda x, w: torch.tanh(F.conv2d(x, w, padding=1, groups=2)).sum(),
     "sum(tanh(conv2D(x, w, padding: 1, groups: 2)))"),
]

seed = 0


def generated(shape):
    global seed
    values = [math.sin(0.37 * k + 1.3 * seed) * 0.8 for k in range(math.prod(shape))]
    seed += 1
    return torch.tensor(values).reshape(shape)


def language_type(shape):
    return "Float" if not shape else "[" + ", ".join(map(str, shape)) + "]"


def main():
    cases = []
    for name, shapes, function, body in CASES:
        names = list(shapes)
        inputs = [generated(shapes[a]) for a in names]
        tangents = [generated(shapes[a]) for a in names]
        value, tangent = jvp(function, tuple(inputs), tuple(tangents))
        u = generated(list(value.shape))
        _, pullback = vjp(function, *inputs)
        cotangents = pullback(u)
        h = 1e-6
        plus = function(*(x + h * t for x, t in zip(inputs, tangents)))
        minus = function(*(x - h * t for x, t in zip(inputs, tangents)))
        assert torch.allclose((plus - minus) / (2 * h), tangent, atol=1e-7), name
        parameters = ", ".join(f"{a}: {language_type(shapes[a])}" for a in names)
        case = {
            "name": name,
            "source": f"func {name}({parameters}) -> {language_type(list(value.shape))} {{ {body} }}",
            "arguments": names,
            "shapes": {**shapes, "output": list(value.shape)},
            "inputs": {a: x.tolist() for a, x in zip(names, inputs)},
            "tangents": {a: t.tolist() for a, t in zip(names, tangents)},
            "u": u.tolist(),
            "value": value.tolist(),
            "jvp": tangent.tolist(),
            "vjp": {a: g.tolist() for a, g in zip(names, cotangents)},
            "jacobian": {a: jacrev(function, argnums=i)(*inputs).tolist() for i, a in enumerate(names)},
        }
        if value.dim() == 0:
            arguments = tuple(range(len(names)))
            gradients, _ = grad_and_value(function, argnums=arguments)(*inputs)
            _, products = jvp(grad(function, argnums=arguments), tuple(inputs), tuple(tangents))
            case["grad"] = {a: g.tolist() for a, g in zip(names, gradients)}
            case["hvp"] = {a: p.tolist() for a, p in zip(names, products)}
            case["hessian"] = {a: hessian(function, argnums=i)(*inputs).tolist() for i, a in enumerate(names)}
        cases.append(case)
    about = ("jvp, vjp, value and gradient, Jacobians (jacrev), Hessians and Hessian-vector products (jvp of grad) from torch.func "
             f"(torch {torch.__version__}) in float64; written by transforms.py, which states how every tensor is generated.")
    path = pathlib.Path(__file__).with_name("transforms.json")
    path.write_text(json.dumps({"about": about, "cases": cases}, indent=1) + "\n")


main()
