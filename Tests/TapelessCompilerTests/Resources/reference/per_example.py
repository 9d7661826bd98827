"""Writes per_example.json: the gradient of each example's loss with respect to the
parameters, from torch.func.vmap(torch.func.grad(...)) in float64, and DP-SGD's clipped mean
of them, for issue #20's per-example gradients.

The model is `PerExampleMLP` of Tests/GeneratedCodeTests/Models/Objectives.tapeless:
    logits = tanh(x @ hidden.weight + hidden.bias) @ out.weight + out.bias
    loss = cross_entropy(logits, labels)   (a mean over the batch)
with Dense weights in the language's layout ([in, out], PyTorch's nn.Linear transposed).
Element k (row-major, from 0) of tensor number s is sin(0.37·k + 1.3·s) · 0.8, with s counting
hidden.weight, hidden.bias, out.weight, out.bias, x; the label of example k is (2k + 1) mod 3.
Clipping follows Opacus: each example's gradient (all parameters as one vector) is scaled by
min(1, max_norm / (norm + 1e-6)), then the scaled gradients are averaged.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python per_example.py
"""

import json
import math
import pathlib

import torch
import torch.nn.functional as F
from torch.func import grad, vmap

torch.set_default_dtype(torch.float64)

SHAPES = {"hidden.weight": [4, 5], "hidden.bias": [5], "out.weight": [5, 3], "out.bias": [3]}
EXAMPLES = 6
MAX_NORM = 1.3


def generated(shape, s):
    count = math.prod(shape)
    return torch.tensor([math.sin(0.37 * k + 1.3 * s) * 0.8 for k in range(count)]).reshape(shape)


def loss(parameters, x, labels):
    hidden = torch.tanh(x @ parameters["hidden.weight"] + parameters["hidden.bias"])
    logits = hidden @ parameters["out.weight"] + parameters["out.bias"]
    return F.cross_entropy(logits, labels)


def main():
    parameters = {name: generated(shape, s) for s, (name, shape) in enumerate(SHAPES.items())}
    x = generated([EXAMPLES, 4], len(SHAPES))
    labels = torch.tensor([(2 * k + 1) % 3 for k in range(EXAMPLES)])

    def one_example(parameters, x, label):
        return loss(parameters, x.unsqueeze(0), label.unsqueeze(0))

    per_example = vmap(grad(one_example), in_dims=(None, 0, 0))(parameters, x, labels)
    flat = torch.cat([per_example[name].reshape(EXAMPLES, -1) for name in SHAPES], dim=1)

    # The mean of the per-example gradients is the batch gradient of the mean loss.
    batch = grad(loss)(parameters, x, labels)
    batch_flat = torch.cat([batch[name].reshape(-1) for name in SHAPES])
    assert torch.allclose(flat.mean(dim=0), batch_flat, atol=1e-12)

    norms = flat.norm(dim=1)
    factors = torch.clamp(MAX_NORM / (norms + 1e-6), max=1.0)
    clipped_mean = (flat * factors.unsqueeze(1)).mean(dim=0)

    out = {
        "parameters": {name: value.reshape(-1).tolist() for name, value in parameters.items()},
        "x": x.reshape(-1).tolist(),
        "labels": labels.tolist(),
        "per_example": flat.reshape(-1).tolist(),
        "norms": norms.tolist(),
        "max_norm": MAX_NORM,
        "clipped_mean": clipped_mean.tolist(),
    }
    path = pathlib.Path(__file__).with_name("per_example.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}: norms {[round(n, 4) for n in norms.tolist()]}")


if __name__ == "__main__":
    main()
