"""Writes custom_derivatives.json: derivatives through functions with custom reverse rules,
from PyTorch's torch.autograd.Function in float64, for issue #20's custom derivatives
(CustomDerivativeTests.swift, whose source declares the same functions and rules).

- soft(x) = log(1 + exp(x)) with the rule outputGradient · sigmoid(x);
  weighted(x, w) = sum(soft(x · w) · x): its gradient with respect to x and w, and the
  Hessian-vector product with respect to x along `direction` (autograd of the gradient,
  which differentiates the rule's body, as Tapeless does at higher orders).
- cube(x) = x³ with the deliberately wrong rule outputGradient · 2x;
  sumCube(x) = sum(cube(x)): its gradient (2x) and Hessian (2 on the diagonal).

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python custom_derivatives.py
"""

import json
import pathlib

import torch

torch.set_default_dtype(torch.float64)


class Soft(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.log(1 + torch.exp(x))

    @staticmethod
    def backward(ctx, output_gradient):
        (x,) = ctx.saved_tensors
        return output_gradient * torch.sigmoid(x)


class WrongCube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, output_gradient):
        (x,) = ctx.saved_tensors
        return output_gradient * 2 * x


def main():
    x = torch.tensor([-1.5, -0.25, 0.5, 2.0], requires_grad=True)
    w = torch.tensor([0.5, 2.0, -1.0, 0.25], requires_grad=True)
    direction = torch.tensor([1.0, -1.0, 0.5, 2.0])

    weighted = (Soft.apply(x * w) * x).sum()
    gx, gw = torch.autograd.grad(weighted, (x, w), create_graph=True)
    (hvp,) = torch.autograd.grad((gx * direction).sum(), x)

    y = torch.tensor([-1.5, -0.25, 0.5, 2.0], requires_grad=True)
    (g_cube,) = torch.autograd.grad(WrongCube.apply(y).sum(), y, create_graph=True)
    hessian = torch.stack([torch.autograd.grad(g_cube[i], y, retain_graph=True)[0] for i in range(4)])

    out = {
        "x": x.tolist(), "w": w.tolist(), "direction": direction.tolist(),
        "weighted": {"x": gx.tolist(), "w": gw.tolist(), "hvp": hvp.tolist()},
        "sumCube": {"gradient": g_cube.tolist(), "hessian": hessian.reshape(-1).tolist()},
    }
    path = pathlib.Path(__file__).with_name("custom_derivatives.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
