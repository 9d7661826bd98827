"""Writes elementwise_more.json: value, first and second derivative of the elementwise builtins
added after elementwise.json (atan, asin, acos, sinh, cosh, log1p, expm1, erf, sign, logSigmoid), computed
by PyTorch autograd in float64 (torch.func.grad of each function, then of its derivative).

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python elementwise_more.py
"""

import json
import pathlib

import torch
import torch.nn.functional
from torch.func import grad

WHOLE_LINE = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]
FUNCTIONS = {
    "atan": (torch.atan, WHOLE_LINE),
    "asin": (torch.asin, [-0.9, -0.5, 0.0, 0.3, 0.5, 0.9]),
    "acos": (torch.acos, [-0.9, -0.5, 0.0, 0.3, 0.5, 0.9]),
    "sinh": (torch.sinh, WHOLE_LINE),
    "cosh": (torch.cosh, WHOLE_LINE),
    "log1p": (torch.log1p, [-0.9, -0.5, 0.0, 1e-8, 0.5, 1.0, 7.5]),
    "expm1": (torch.expm1, [-3.0, -1.0, -1e-8, 0.0, 0.5, 1.0, 2.5]),
    "erf": (torch.erf, WHOLE_LINE),
    "sign": (torch.sign, WHOLE_LINE),
    # Far out, where sigmoid(x) rounds to 0 in Float and log(sigmoid(x)) would be -inf.
    "logSigmoid": (torch.nn.functional.logsigmoid, [-100.0, -30.0, -3.0, 0.0, 2.5, 30.0, 100.0]),
}


def main():
    cases = []
    for name, (function, points) in FUNCTIONS.items():
        first, second = grad(function), grad(grad(function))
        xs = [torch.tensor(x, dtype=torch.float64) for x in points]
        cases.append({
            "function": name, "x": points,
            "value": [function(x).item() for x in xs],
            "derivative": [first(x).item() for x in xs],
            "second_derivative": [second(x).item() for x in xs],
        })
    about = ("Values, first and second derivatives of elementwise functions from PyTorch autograd "
             f"(torch {torch.__version__}, torch.func.grad applied once and twice), in float64, at the given "
             "points. sign has derivative 0 everywhere, 0 included, as in PyTorch. Written by elementwise_more.py.")
    path = pathlib.Path(__file__).with_name("elementwise_more.json")
    path.write_text(json.dumps({"about": about, "cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
