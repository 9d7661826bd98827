"""Writes transformer_*.safetensors and transformer.json for TransformerTests (issue #18): PyTorch's
nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0, batch_first=True)
with norm_first False and True, with a causal mask and with a key padding mask, in float64; for each, its state_dict (as
float32 safetensors, the file a user would load), and for an input x and a fixed c: the output,
f = sum(output * c), and the gradient of f with respect to x and to every parameter (PyTorch's
names and layouts).

Parameters start from torch.manual_seed(0) and PyTorch's initialization, then every one gets
0.1 · sin(0.37·k + 1.3·s) added (k the element, s the parameter's number in state_dict order) so
that biases are not zero. x and c are generated the same way (s = 100 and 101).

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch safetensors
    /tmp/reference-venv/bin/python transformer.py
"""

import json
import math
import pathlib

import torch
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
here = pathlib.Path(__file__).parent


def generated(shape, seed, scale):
    return torch.tensor([math.sin(0.37 * k + 1.3 * seed) * scale for k in range(math.prod(shape))]).reshape(shape)


cases = {}
PADDING = [[0, 0, 0, 0, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 1]]  # 1 marks a padded position (key_padding_mask)
for name, norm_first, causal, padded in [("postnorm", False, False, False), ("prenorm", True, False, False),
                                         ("causal", False, True, False), ("padded", False, False, True)]:
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.0, batch_first=True, norm_first=norm_first)
    with torch.no_grad():
        for s, parameter in enumerate(layer.parameters()):
            parameter.add_(generated(list(parameter.shape), s, 0.1))
    # Rounded to float32 first, so PyTorch computes with the weights the file holds.
    with torch.no_grad():
        for parameter in layer.parameters():
            parameter.copy_(parameter.float().double())
    save_file({n: t.float().contiguous() for n, t in layer.state_dict().items()}, str(here / f"transformer_{name}.safetensors"))
    x = generated([3, 5, 16], 100, 0.8).requires_grad_(True)
    c = generated([3, 5, 16], 101, 0.8)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64) if causal else None
    key_padding_mask = torch.tensor(PADDING, dtype=torch.bool) if padded else None
    output = layer(x, src_mask=mask, is_causal=causal, src_key_padding_mask=key_padding_mask)
    f = (output * c).sum()
    names = [n for n, _ in layer.named_parameters()]
    gradients = torch.autograd.grad(f, [x] + [p for _, p in layer.named_parameters()])
    cases[name] = {
        "x": x.detach().tolist(), "c": c.tolist(), "output": output.detach().tolist(), "value": f.item(),
        **({"padding": PADDING} if padded else {}),
        "gradients": {"x": gradients[0].tolist(), **{n: g.tolist() for n, g in zip(names, gradients[1:])}},
    }
document = {
    "about": "nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0, batch_first=True) in float64 (torch "
             + torch.__version__ + "), written by transformer.py: postnorm (norm_first=False), prenorm (norm_first=True), "
             "causal (norm_first=False with a causal mask) and padded (norm_first=False with src_key_padding_mask 'padding', "
             "1 where padded); gradients of f = sum(output * c) under PyTorch's names and layouts.",
    "cases": cases,
}
(here / "transformer.json").write_text(json.dumps(document) + "\n")
print("wrote transformer.json and transformer_{postnorm,prenorm,causal,padded}.safetensors")
