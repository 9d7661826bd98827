"""Writes normalization.json: a small CNN with batch normalization and dropout
(Tests/GeneratedCodeTests/Models/Normalization.tapeless) run by PyTorch in float64 in both modes
(issue #18): the loss, every parameter gradient, the running statistics after one training step,
and the outputs in inference mode before and after it.

    conv = Conv2d(1, 3, 3) -> BatchNorm2d(3) -> relu -> flatten -> dropout(0.25) -> Linear(48, 4)
    -> BatchNorm1d(4) -> cross_entropy (mean)

Every tensor is generated, not drawn: element k (row-major, from 0) of tensor number s is
    sin(0.37·k + 1.3·s) · 0.8
in float64 (see `generated`); running variances are 1 + |that|, batch-norm weights 1 + that. The
Linear weight is generated in Tapeless's layout [in, out] and transposed for PyTorch's [out, in].

Dropout's mask is not PyTorch's (its generator is its own): it is Tapeless's counter-based mask
for seed 7, step 3, stream 0, computed here from its definition (splitmix64, as the runtime's
`Kernels.dropoutMask` documents) and applied by multiplication, so the reference checks the mask
as well as the rest.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python normalization.py
"""

import json
import math
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
MASK64 = (1 << 64) - 1
SEED, STEP, PROBABILITY = 7, 3, 0.25


def generated(s, shape):
    count = math.prod(shape)
    return torch.tensor([math.sin(0.37 * k + 1.3 * s) * 0.8 for k in range(count)]).reshape(shape)


def splitmix(seed, index):
    z = (seed + (index + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def dropout_mask(count, probability, seed, step, stream):
    stream_seed = splitmix(splitmix(seed, step), stream)
    threshold = math.ceil(probability * 2**24)
    kept = float(torch.tensor(1 / (1 - probability), dtype=torch.float32))
    return torch.tensor([kept if splitmix(stream_seed, i) >> 40 >= threshold else 0.0 for i in range(count)])


def parameters():
    p = {
        "conv.weight": generated(0, [3, 1, 3, 3]),
        "conv.bias": generated(1, [3]),
        "bn.weight": 1 + generated(2, [3]),
        "bn.bias": generated(3, [3]),
        "fc.weight": generated(4, [48, 4]),
        "fc.bias": generated(5, [4]),
        "bn1.weight": 1 + generated(6, [4]),
        "bn1.bias": generated(7, [4]),
        "bn.running_mean": generated(8, [3]),
        "bn.running_var": 1 + generated(9, [3]).abs(),
        "bn.num_batches_tracked": torch.tensor(0.0),
        "bn1.running_mean": generated(10, [4]),
        "bn1.running_var": 1 + generated(11, [4]).abs(),
        "bn1.num_batches_tracked": torch.tensor(0.0),
    }
    for name in ["conv.weight", "conv.bias", "bn.weight", "bn.bias", "fc.weight", "fc.bias", "bn1.weight", "bn1.bias"]:
        p[name].requires_grad_(True)
    return p


def forward(p, x, training, mask):
    def norm(v, name):
        running_mean, running_var = p[name + ".running_mean"], p[name + ".running_var"]
        return F.batch_norm(v, running_mean, running_var, p[name + ".weight"], p[name + ".bias"],
                            training=training, momentum=0.1, eps=1e-5)
    h = F.conv2d(x, p["conv.weight"], p["conv.bias"])
    h = torch.relu(norm(h, "bn")).flatten(1)
    if training:
        h = h * mask
    h = h @ p["fc.weight"] + p["fc.bias"]  # PyTorch's Linear with weight fc.weight.T
    return norm(h, "bn1")


def run(training):
    p = parameters()
    x = generated(12, [5, 1, 6, 6])
    labels = torch.tensor([0, 3, 1, 2, 3])
    mask = dropout_mask(5 * 48, PROBABILITY, SEED, STEP, 0).reshape(5, 48)
    loss = F.cross_entropy(forward(p, x, training, mask), labels)
    loss.backward()
    result = {"loss": loss.item(), "gradients": {n: v.grad.tolist() for n, v in p.items() if v.grad is not None}}
    if training:
        for name in ["bn", "bn1"]:
            p[name + ".num_batches_tracked"] += 1
        result["state"] = {n: v.tolist() for n, v in p.items() if "running" in n or "tracked" in n}
        with torch.no_grad():
            result["inferenceOutputAfter"] = forward(p, x, False, None).tolist()
    else:
        with torch.no_grad():
            result["inferenceOutput"] = forward(p, x, False, None).tolist()
    return result, p, x, labels, mask


def check_against_nn_modules():
    """The functional forward above against PyTorch's own modules (the Linear's weight transposed)."""
    p = parameters()
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(48, 4),
        torch.nn.BatchNorm1d(4))
    with torch.no_grad():
        model[0].weight.copy_(p["conv.weight"]); model[0].bias.copy_(p["conv.bias"])
        for index, name in [(1, "bn"), (5, "bn1")]:
            for field in ["weight", "bias", "running_mean", "running_var"]:
                getattr(model[index], field).copy_(p[f"{name}.{field}"])
        model[4].weight.copy_(p["fc.weight"].T); model[4].bias.copy_(p["fc.bias"])
    x = generated(12, [5, 1, 6, 6])
    ones = torch.ones(5, 48)
    for training in [False, True]:
        model.train(training)
        expected = forward(parameters(), x, training, ones)
        assert torch.allclose(model(x), expected, atol=1e-12), f"functional forward differs from nn modules (training={training})"
    assert torch.allclose(model[1].running_mean, forward_stats_after_one_step()["bn.running_mean"], atol=1e-12)


def forward_stats_after_one_step():
    p = parameters()
    forward(p, generated(12, [5, 1, 6, 6]), True, torch.ones(5, 48))
    return p


check_against_nn_modules()
training, p, x, labels, mask = run(True)
inference, *_ = run(False)
document = {
    "about": (
        "Batch normalization and dropout (issue #18) from PyTorch in float64 (torch " + torch.__version__ + "), written by "
        "normalization.py: Conv2d(1,3,3) -> BatchNorm2d(3) -> relu -> flatten -> x * mask -> x @ fc.weight + fc.bias -> "
        "BatchNorm1d(4) -> mean cross-entropy, momentum 0.1, eps 1e-5. fc.weight is [in, out] (PyTorch's Linear "
        "weight transposed). The mask is Tapeless's dropout mask for seed 7, step 3, stream 0, p 0.25."),
    "seed": SEED, "step": STEP, "probability": PROBABILITY,
    "parameters": {n: v.detach().tolist() for n, v in parameters().items()},
    "x": x.tolist(), "labels": labels.tolist(), "mask": mask.tolist(),
    "training": training, "inference": inference,
}
path = pathlib.Path(__file__).with_name("normalization.json")
path.write_text(json.dumps(document, indent=1) + "\n")
print("wrote", path)
