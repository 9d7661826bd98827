"""Writes gather.json: values, gradients and Hessian-vector products of gathers (embedding
lookups), argmax positions, and an embedding model's loss and gradients, from PyTorch autograd in
float64 (issue #18).

Every Float tensor is generated, not drawn: element k (row-major, from 0) of tensor number s is
    sin(0.37·k + 1.3·s) · 0.8
in float64, with s counting the file's generated tensors in order. Indices are written out below,
with repeated rows so that the gradient's scatter-add accumulates. A few argmax inputs then get
ties; their "edits" field lists them.

The script checks its own output before writing: every first derivative element by element, and
every Hessian-vector product along v, against central differences; the embedding model against
nn.Embedding and nn.Linear; argmax's tie rule against a scan for the first maximum.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python gather.py
"""

import itertools
import json
import math
import pathlib
import re

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

ABOUT = (
    "Gather (embedding lookup), argmax and an embedding model (issue #18), from PyTorch autograd in float64 "
    "(torch {version}). Tensors are nested lists, row-major. Every Float tensor is generated: element k "
    "(row-major, from 0) of tensor number s is sin(0.37*k + 1.3*s) * 0.8, evaluated in float64 (Python's "
    "math.sin); s counts the file's generated tensors in order and each tensor's s is stored in 'seeds'. "
    "Indices are given as written in gather.py. "
    "'gather': cases of f = sum(tanh(g) * c) where g = F.embedding(indices, table) (table[indices]: the "
    "indices' shape followed by the table's width), or, for op 'gather_argmax', indices = torch.argmax(x, "
    "dim=axis) from a Float argument x. Fields: 'shapes' (of the Float arguments and of the output), 'inputs' "
    "(the Float arguments: table, and x for gather_argmax), 'indices' (for op gather), 'c', 'v' (one "
    "direction per Float argument), 'output' (g), 'value' (f), 'grad' (df/da for every Float argument a; "
    "rows picked several times accumulate; x gets zeros, as argmax passes no gradient), 'second' (for every "
    "Float argument a, ds/da where s = sum over Float arguments a' of sum(df/da' * v[a']), the Hessian of f "
    "times v). "
    "'argmax': cases of torch.argmax(x, dim=axis): 'x', 'axis', 'indices'; {tie_rule} "
    "'embedding_model': logits = fc(emb(tokens).mean(dim=1)) with emb = nn.Embedding(8, 3) and fc = "
    "nn.Linear(3, 4), loss = F.cross_entropy(logits, labels) (mean over the batch). 'parameters' and 'grad' "
    "are in Tapeless's layout: emb.weight [8, 3] as PyTorch's; fc.weight [in, out] = [3, 4], the transpose of "
    "nn.Linear's weight; fc.bias [4]. 'tokens' [2, 5] and 'labels' [2] are integers; 'logits', 'loss'. "
    "Checked by gather.py before writing: every first derivative element by element and every "
    "Hessian-vector product along v against central differences, the model against nn.Embedding and "
    "nn.Linear, the tie rule against a scan."
)
TIE_RULE = "among equal maxima the first position along the axis wins."

GATHER_CASES = [
    ("vector_indices", [6, 3], [2, 0, 2, 5, 2, 1]),
    ("matrix_indices", [7, 4], [[1, 6, 1, 0], [3, 3, 3, 6], [0, 1, 2, 1]]),
    ("rank3_indices", [5, 2], [[[4, 0], [4, 4], [1, 2]], [[3, 0], [0, 0], [2, 4]]]),
]
# gather_argmax: table shape, x shape, axis; x gets ties so the first maximum must win.
ARGMAX_GATHER = ("argmax_indices", [4, 3], [5, 4], 1, [([1, 0], 1.0), ([1, 2], 1.0)])
ARGMAX_CASES = [
    ("rows_with_ties", [3, 4], 1, [([0, 1], 1.0), ([0, 3], 1.0), ([2, 0], 1.0), ([2, 2], 1.0)]),
    ("columns", [3, 4], 0, [([0, 2], 1.0), ([2, 2], 1.0)]),
    ("middle_axis", [2, 3, 4], 1, [([1, 0, 3], 1.0), ([1, 2, 3], 1.0)]),
    ("last_axis_of_rank3", [2, 3, 4], -1, []),
]
MODEL_TOKENS = [[3, 7, 3, 0, 3], [5, 5, 1, 7, 2]]
MODEL_LABELS = [2, 0]


def generated(shape, seed):
    count = math.prod(shape)
    return torch.tensor([math.sin(0.37 * k + 1.3 * seed) * 0.8 for k in range(count)]).reshape(shape)


def gather_op(indices):
    return lambda table: F.embedding(indices, table)


def derivatives(f, inputs, v):
    """f's value, df/da and ds/da (a Hessian-vector product) for every argument a."""
    leaves = {name: tensor.clone().requires_grad_() for name, tensor in inputs.items()}
    value = f(**leaves)
    grads = torch.autograd.grad(value, list(leaves.values()), create_graph=True, allow_unused=True)
    grads = [g if g is not None else torch.zeros_like(t) for g, t in zip(grads, leaves.values())]
    s = sum((g * v[name]).sum() for name, g in zip(leaves, grads))
    second = torch.autograd.grad(s, list(leaves.values()), allow_unused=True) if s.requires_grad else [None] * len(leaves)
    second = [d if d is not None else torch.zeros_like(t) for d, t in zip(second, leaves.values())]
    names = list(leaves)
    return value.item(), dict(zip(names, (g.detach() for g in grads))), dict(zip(names, second))


def check_finite_differences(name, f, inputs, v, grad, second, h=1e-5, tolerance=1e-8):
    for argument, tensor in inputs.items():
        for k in range(tensor.numel()):
            shifted = [dict(inputs) for _ in range(2)]
            for sign, arguments in zip((1, -1), shifted):
                arguments[argument] = tensor.clone()
                arguments[argument].view(-1)[k] += sign * h
            numeric = (f(**shifted[0]).item() - f(**shifted[1]).item()) / (2 * h)
            assert abs(numeric - grad[argument].view(-1)[k]) <= tolerance, (name, "grad", argument, k)
    along = [{a: t + sign * h * v[a] for a, t in inputs.items()} for sign in (1, -1)]
    plus, minus = (derivatives(f, arguments, v)[1] for arguments in along)
    for argument in inputs:
        numeric = (plus[argument] - minus[argument]) / (2 * h)
        assert torch.allclose(numeric, second[argument], rtol=0, atol=tolerance), (name, "second", argument)


def first_maximum(x, axis):
    """torch.argmax's answer by a scan: the first position along the axis holding the maximum."""
    moved = x.movedim(axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    picks = [max(range(len(line)), key=lambda k: (line[k].item(), -k)) for line in flat]
    return torch.tensor(picks).reshape(moved.shape[:-1])


def lists(tensors):
    return {name: tensor.tolist() for name, tensor in tensors.items()}


def main():
    seeds_in_order = itertools.count()

    def next_tensor(shape):
        seed = next(seeds_in_order)
        return seed, generated(shape, seed)

    def with_edits(x, edits):
        for index, value in edits:
            x[tuple(index)] = value
        return x

    cases = []
    for name, table_shape, indices in GATHER_CASES:
        indices = torch.tensor(indices)
        seeds = {"inputs": {}, "v": {}}
        seeds["inputs"]["table"], table = next_tensor(table_shape)
        output_shape = list(indices.shape) + [table_shape[1]]
        seeds["c"], c = next_tensor(output_shape)
        seeds["v"]["table"], v_table = next_tensor(table_shape)
        inputs, v = {"table": table}, {"table": v_table}

        def f(table, indices=indices, c=c):
            return (torch.tanh(F.embedding(indices, table)) * c).sum()

        assert torch.equal(F.embedding(indices, table), table[indices])
        value, grad, second = derivatives(f, inputs, v)
        check_finite_differences(name, f, inputs, v, grad, second)
        cases.append({
            "name": name, "op": "gather", "shapes": {"table": table_shape, "output": output_shape},
            "seeds": seeds, "inputs": lists(inputs), "indices": indices.tolist(), "c": c.tolist(), "v": lists(v),
            "output": F.embedding(indices, table).tolist(), "value": value, "grad": lists(grad),
            "second": lists(second),
        })

    name, table_shape, x_shape, axis, edits = ARGMAX_GATHER
    seeds = {"inputs": {}, "v": {}}
    seeds["inputs"]["table"], table = next_tensor(table_shape)
    seeds["inputs"]["x"], x = next_tensor(x_shape)
    x = with_edits(x, edits)
    indices = torch.argmax(x, dim=axis)
    assert torch.equal(indices, first_maximum(x, axis))
    output_shape = list(indices.shape) + [table_shape[1]]
    seeds["c"], c = next_tensor(output_shape)
    seeds["v"]["table"], v_table = next_tensor(table_shape)
    seeds["v"]["x"], v_x = next_tensor(x_shape)
    inputs, v = {"table": table, "x": x}, {"table": v_table, "x": v_x}

    def f_argmax(table, x, c=c):
        return (torch.tanh(F.embedding(torch.argmax(x, dim=axis), table)) * c).sum()

    value, grad, second = derivatives(f_argmax, inputs, v)
    # Central differences along x would move the ties; the gradient with respect to x is zero
    # wherever argmax is constant, so check the table alone.
    check_finite_differences(name, lambda table: f_argmax(table, x), {"table": table}, {"table": v_table},
                             {"table": grad["table"]}, {"table": second["table"]})
    assert not grad["x"].any() and not second["x"].any()
    cases.append({
        "name": name, "op": "gather_argmax", "axis": axis,
        "shapes": {"table": table_shape, "x": x_shape, "output": output_shape}, "seeds": seeds,
        "edits": [{"index": index, "value": value} for index, value in edits],
        "inputs": lists(inputs), "c": c.tolist(), "v": lists(v),
        "output": F.embedding(indices, table).tolist(), "value": value, "grad": lists(grad),
        "second": lists(second),
    })

    argmax_cases = []
    for name, shape, axis, edits in ARGMAX_CASES:
        seed, x = next_tensor(shape)
        x = with_edits(x, edits)
        indices = torch.argmax(x, dim=axis)
        assert torch.equal(indices, first_maximum(x, axis))
        argmax_cases.append({
            "name": name, "seed": seed, "edits": [{"index": index, "value": value} for index, value in edits],
            "x": x.tolist(), "shape": shape, "axis": axis, "indices": indices.tolist(),
        })

    tokens, labels = torch.tensor(MODEL_TOKENS), torch.tensor(MODEL_LABELS)
    model_seeds = {}
    model_seeds["emb.weight"], emb_weight = next_tensor([8, 3])
    model_seeds["fc.weight"], fc_weight = next_tensor([3, 4])
    model_seeds["fc.bias"], fc_bias = next_tensor([4])
    parameters = {"emb.weight": emb_weight, "fc.weight": fc_weight, "fc.bias": fc_bias}

    def model_loss(emb_weight, fc_weight, fc_bias):
        logits = F.embedding(tokens, emb_weight).mean(dim=1) @ fc_weight + fc_bias
        return F.cross_entropy(logits, labels), logits

    leaves = {name: tensor.clone().requires_grad_() for name, tensor in parameters.items()}
    loss, logits = model_loss(*leaves.values())
    model_grad = dict(zip(leaves, torch.autograd.grad(loss, list(leaves.values()))))

    emb, fc = torch.nn.Embedding(8, 3), torch.nn.Linear(3, 4)
    with torch.no_grad():
        emb.weight.copy_(emb_weight)
        fc.weight.copy_(fc_weight.T)
        fc.bias.copy_(fc_bias)
    module_loss = F.cross_entropy(fc(emb(tokens).mean(dim=1)), labels)
    module_loss.backward()
    assert abs(module_loss.item() - loss.item()) < 1e-15
    assert torch.allclose(emb.weight.grad, model_grad["emb.weight"], rtol=0, atol=1e-15)
    assert torch.allclose(fc.weight.grad.T, model_grad["fc.weight"], rtol=0, atol=1e-15)

    def loss_of(arguments):
        return model_loss(*arguments.values())[0]

    check_finite_differences(
        "embedding_model", lambda **arguments: loss_of(arguments), parameters,
        {name: torch.zeros_like(t) for name, t in parameters.items()}, model_grad,
        {name: torch.zeros_like(t) for name, t in parameters.items()})

    model = {
        "seeds": model_seeds, "tokens": MODEL_TOKENS, "labels": MODEL_LABELS, "parameters": lists(parameters),
        "logits": logits.detach().tolist(), "loss": loss.item(), "grad": lists(model_grad),
    }

    about = ABOUT.format(version=torch.__version__, tie_rule=TIE_RULE)
    document = {"about": about, "gather": cases, "argmax": argmax_cases, "embedding_model": model}
    text = json.dumps(document, indent=1)
    # One line per innermost list of numbers: rows stay readable and the file stays small.
    text = re.sub(r"\[[-+.,\deE\s]*\]", lambda m: json.dumps(json.loads(m.group(0))), text)
    pathlib.Path(__file__).with_name("gather.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
