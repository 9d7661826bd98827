"""Writes convolution.json: value, gradient and Hessian-vector product of
f = sum(tanh(op(args)) * c) for op = conv2d, max_pool2d and flatten followed by a matrix product,
from PyTorch autograd in float64 (issue #18). Layout: NCHW activations, OIHW conv weights.

Every tensor is generated, not drawn: element k (row-major, from 0) of tensor number s is
    sin(0.37·k + 1.3·s) · 0.8
in float64, with s counting the file's tensors in order (each case's arguments, then c, then the
directions v). The JSON stores each tensor's s and its values. The tie case overwrites a few
elements afterwards; its "edits" field lists them.

The script checks its own output before writing: every first derivative element by element, and
every Hessian-vector product along v, against central differences (all cases but the tie); 'same'
padding against explicit zero padding; the tie rule against a window-by-window construction.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python convolution.py
"""

import itertools
import json
import math
import pathlib
import re
import warnings

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
# PyTorch warns that an even kernel with padding='same' copies the input; that is the case tested.
warnings.filterwarnings("ignore", message="Using padding='same'")

ABOUT = (
    "Convolution, max pooling and flatten (issue #18) from PyTorch autograd in float64 (torch {version}): "
    "F.conv2d (cross-correlation, no kernel flip), F.max_pool2d, torch.flatten. Activations are NCHW, conv "
    "weights OIHW [out, in/groups, kH, kW], the flatten case's matrix w is [in, out] (used as x @ w). "
    "Tensors are nested lists, row-major. Every tensor is generated: element k (row-major, from 0) of tensor "
    "number s is sin(0.37*k + 1.3*s) * 0.8, evaluated in float64 (Python's math.sin, i.e. the C library's); "
    "s counts the file's tensors in order. The tie case then overwrites the elements listed in its 'edits'. "
    "Fields of a case: 'op' (conv2d, max_pool2d, or flatten_matmul: torch.flatten(x, start_dim=1) @ w); "
    "'options' (pairs are [height, width]; for padding 'same', 'padding_used' gives the zero padding "
    "PyTorch applies, which is asymmetric for an even kernel: the extra row and column go at the bottom "
    "and right); 'shapes' of the arguments and of the output; 'seeds': the s of every generated "
    "tensor ('inputs' the arguments, 'c', 'v' the directions); 'inputs': the differentiable arguments x "
    "(and w, and b when there is a bias); 'c': a fixed tensor of the output's shape; 'v': one direction "
    "per argument, of its shape; 'output': op(inputs); 'value': f = sum(tanh(op(inputs)) * c); 'grad': "
    "df/da for every argument a; 'second': for every argument a, ds/da where "
    "s = sum over arguments a' of sum(df/da' * v[a']), i.e. the Hessian of f (with respect to all the "
    "arguments together) times v. "
    "Max pooling pads with -infinity. Tie rule (from the tie case's gradient): {tie_rule} "
    "Checked by convolution.py before writing: every first derivative element by element and every "
    "Hessian-vector product along v against central differences (all cases but the tie case, whose "
    "derivative is a convention there)."
)
TIE_RULE = (
    "when several elements of a pooling window share the maximum, the window's whole gradient goes to "
    "the first of them in row-major order within the window (smallest row, then smallest column); the "
    "others get nothing from that window."
)


def generated(shape, seed):
    count = math.prod(shape)
    return torch.tensor([math.sin(0.37 * k + 1.3 * seed) * 0.8 for k in range(count)]).reshape(shape)


def pair(value):
    return [value, value] if isinstance(value, int) else list(value)


def conv_case(name, x, w, bias, stride, padding, dilation, groups):
    options = {"stride": pair(stride), "padding": padding if padding == "same" else pair(padding),
               "dilation": pair(dilation), "groups": groups, "bias": bias}

    def op(x, w, b=None):
        return F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)

    shapes = {"x": x, "w": w, **({"b": [w[0]]} if bias else {})}
    return name, "conv2d", options, shapes, op


def pool_case(name, x, kernel, stride, padding):
    options = {"kernel_size": pair(kernel), "stride": pair(stride), "padding": pair(padding),
               "dilation": [1, 1], "ceil_mode": False}
    return name, "max_pool2d", options, {"x": x}, lambda x: F.max_pool2d(x, kernel, stride, padding)


CASES = [
    conv_case("conv2d_1to2_3x3", x=[2, 1, 6, 5], w=[2, 1, 3, 3], bias=True, stride=1, padding=0, dilation=1, groups=1),
    conv_case("conv2d_stride2_pad1", x=[2, 2, 7, 5], w=[4, 2, 3, 2], bias=True, stride=2, padding=1, dilation=1,
              groups=1),
    conv_case("conv2d_groups2_dilation2", x=[2, 4, 5, 6], w=[2, 2, 2, 3], bias=False, stride=1, padding=2,
              dilation=2, groups=2),
    conv_case("conv2d_same_4x4", x=[2, 2, 5, 5], w=[3, 2, 4, 4], bias=True, stride=1, padding="same", dilation=1,
              groups=1),
    pool_case("max_pool2d_2x2_stride2", x=[2, 3, 4, 6], kernel=2, stride=2, padding=0),
    pool_case("max_pool2d_3x3_stride2_pad1", x=[2, 2, 5, 5], kernel=3, stride=2, padding=1),
    pool_case("max_pool2d_2x2_stride1_ties", x=[2, 2, 4, 4], kernel=2, stride=1, padding=0),
    ("flatten_matmul", "flatten_matmul", {"start_dim": 1},
     {"x": [2, 3, 2, 2], "w": [12, 5]}, lambda x, w: torch.flatten(x, start_dim=1) @ w),
]

# Pairs of equal maxima (1.0 exceeds every generated value) sharing windows: side by side,
# one above the other, and on an anti-diagonal, where row-major and column-major order disagree.
EDITS = {"max_pool2d_2x2_stride1_ties": [([0, 0, 1, 1], 1.0), ([0, 0, 1, 2], 1.0),
                                         ([1, 0, 1, 1], 1.0), ([1, 0, 2, 1], 1.0),
                                         ([1, 1, 1, 2], 1.0), ([1, 1, 2, 1], 1.0)]}


def derivatives(op, inputs, c, v):
    """op's output, f, df/da and ds/da (a Hessian-vector product) for every argument a."""
    leaves = {name: tensor.clone().requires_grad_() for name, tensor in inputs.items()}
    output = op(**leaves)
    f = (torch.tanh(output) * c).sum()
    grads = torch.autograd.grad(f, list(leaves.values()), create_graph=True)
    s = sum((g * v[name]).sum() for name, g in zip(leaves, grads))
    second = torch.autograd.grad(s, list(leaves.values()))
    names = list(leaves)
    return (output.detach(), f.item(), dict(zip(names, (g.detach() for g in grads))), dict(zip(names, second)))


def check_finite_differences(name, op, inputs, c, v, grad, second, h=1e-5, tolerance=1e-8):
    def f(arguments):
        return (torch.tanh(op(**arguments)) * c).sum().item()

    for argument, tensor in inputs.items():
        for k in range(tensor.numel()):
            shifted = [dict(inputs) for _ in range(2)]
            for sign, arguments in zip((1, -1), shifted):
                arguments[argument] = tensor.clone()
                arguments[argument].view(-1)[k] += sign * h
            numeric = (f(shifted[0]) - f(shifted[1])) / (2 * h)
            assert abs(numeric - grad[argument].view(-1)[k]) <= tolerance, (name, "grad", argument, k)
    along = [{a: t + sign * h * v[a] for a, t in inputs.items()} for sign in (1, -1)]
    plus, minus = (derivatives(op, arguments, c, v)[2] for arguments in along)
    for argument in inputs:
        numeric = (plus[argument] - minus[argument]) / (2 * h)
        assert torch.allclose(numeric, second[argument], rtol=0, atol=tolerance), (name, "second", argument)


def same_padding(x, w):
    """The (top, left, bottom, right) zero padding that reproduces padding='same'; exactly one split does."""
    output = F.conv2d(x, w, padding="same")
    total_h, total_w = w.shape[2] - 1, w.shape[3] - 1
    matches = [(top, left, total_h - top, total_w - left)
               for top, left in itertools.product(range(total_h + 1), range(total_w + 1))
               if torch.equal(F.conv2d(F.pad(x, (left, total_w - left, top, total_h - top)), w), output)]
    assert len(matches) == 1, matches
    return dict(zip(("top", "left", "bottom", "right"), matches[0]))


def check_tie_rule(x, kernel, stride):
    """The gradient of sum(max_pool2d(x)) equals the one built by giving each window's 1 to its first
    maximum in row-major order, and differs from the one built with the last maximum."""
    n, channels, height, width = x.shape
    leaf = x.clone().requires_grad_()
    (actual,) = torch.autograd.grad(F.max_pool2d(leaf, kernel, stride).sum(), leaf)
    windows = F.unfold(x, kernel, stride=stride).reshape(n, channels, kernel * kernel, -1)

    def routed(position):
        one_hot = F.one_hot(position, kernel * kernel).to(x.dtype).permute(0, 1, 3, 2)
        return F.fold(one_hot.reshape(n, channels * kernel * kernel, -1), (height, width), kernel, stride=stride)

    first = windows.argmax(dim=2)  # torch.argmax returns the first of equal maxima
    last = kernel * kernel - 1 - windows.flip(2).argmax(dim=2)
    assert torch.equal(actual, routed(first)) and not torch.equal(actual, routed(last))


def lists(tensors):
    return {name: tensor.tolist() for name, tensor in tensors.items()}


def main():
    cases, seeds_in_order = [], itertools.count()

    def next_tensor(shape):
        seed = next(seeds_in_order)
        return seed, generated(shape, seed)

    for name, op_name, options, shapes, op in CASES:
        seeds, inputs = {"inputs": {}, "v": {}}, {}
        for argument, shape in shapes.items():
            seeds["inputs"][argument], inputs[argument] = next_tensor(shape)
        edits = EDITS.get(name, [])
        for index, value in edits:
            inputs["x"][tuple(index)] = value
        output_shape = list(op(**inputs).shape)
        seeds["c"], c = next_tensor(output_shape)
        v = {}
        for argument, shape in shapes.items():
            seeds["v"][argument], v[argument] = next_tensor(shape)
        output, value, grad, second = derivatives(op, inputs, c, v)

        if options.get("padding") == "same":
            options["padding_used"] = same_padding(inputs["x"], inputs["w"])
        if edits:
            check_tie_rule(inputs["x"], options["kernel_size"][0], options["stride"][0])
        else:
            check_finite_differences(name, op, inputs, c, v, grad, second)

        cases.append({
            "name": name, "op": op_name, "options": options,
            "shapes": {**shapes, "output": output_shape}, "seeds": seeds,
            **({"edits": [{"index": index, "value": value} for index, value in edits]} if edits else {}),
            "inputs": lists(inputs), "c": c.tolist(), "v": lists(v),
            "output": output.tolist(), "value": value, "grad": lists(grad), "second": lists(second),
        })

    about = ABOUT.format(version=torch.__version__, tie_rule=TIE_RULE)
    text = json.dumps({"about": about, "cases": cases}, indent=1)
    # One line per innermost list of numbers: rows stay readable and the file stays small.
    text = re.sub(r"\[[-+.,\deE\s]*\]", lambda m: json.dumps(json.loads(m.group(0))), text)
    pathlib.Path(__file__).with_name("convolution.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
