"""Writes recurrent.json: PyTorch's nn.LSTM, nn.GRU and nn.RNN in float64, for issue #19's
recurrent layers (RecurrentLayerTests.swift declares the same layers in the language).

Each case applies one layer to x and computes loss = sum(tanh(output) · c) + sum(h_n · d)
(+ sum(c_n · e) for an LSTM), reading the final states too; it stores the layer's state_dict
(PyTorch's names, drawn by PyTorch's own initialization from the seed), x, c, d and e
(formulas of the flat index i: x[i] = sin(0.37 i + 0.2), c[i] = cos(0.23 i),
d[i] = sin(0.29 i + 0.1), e[i] = cos(0.17 i + 0.4)), the loss, and the gradients of the loss
with respect to every parameter and to x. The last cases
also start from given states, h0[i] = 0.5 sin(0.11 i + 0.3) and (LSTM) c0[i] = 0.5 cos(0.19 i),
shaped [layers · directions, batch, hidden], with the gradients with respect to them.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch
    /tmp/reference-venv/bin/python recurrent.py
"""

import json
import math
import pathlib

import torch

torch.set_default_dtype(torch.float64)

CASES = [
    # name, module, input shape
    ("lstm_stacked_bidirectional", lambda: torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), [2, 5, 3]),
    ("lstm_time_major", lambda: torch.nn.LSTM(3, 4), [5, 2, 3]),
    ("gru_time_major", lambda: torch.nn.GRU(3, 4), [5, 2, 3]),
    ("gru_bidirectional", lambda: torch.nn.GRU(3, 4, bidirectional=True, batch_first=True), [2, 5, 3]),
    ("rnn_relu_without_bias", lambda: torch.nn.RNN(3, 4, nonlinearity="relu", bias=False, batch_first=True), [2, 5, 3]),
    ("rnn_tanh_stacked", lambda: torch.nn.RNN(3, 4, num_layers=2, batch_first=True), [2, 5, 3]),
    ("lstm_initial_states", lambda: torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), [2, 5, 3]),
    ("gru_initial_state", lambda: torch.nn.GRU(3, 4), [5, 2, 3]),
]
# The initial states each case starts from: none, h0, or h0 and c0.
INITIAL = {"lstm_initial_states": ["h0", "c0"], "gru_initial_state": ["h0"]}


def tensor(shape, formula):
    return torch.tensor([formula(i) for i in range(math.prod(shape))]).reshape(shape)


cases = []
for seed, (name, make, shape) in enumerate(CASES):
    torch.manual_seed(seed)
    layer = make()
    x = tensor(shape, lambda i: math.sin(0.37 * i + 0.2)).requires_grad_(True)
    batch = shape[0] if layer.batch_first else shape[1]
    state_shape = [layer.num_layers * (2 if layer.bidirectional else 1), batch, layer.hidden_size]
    formulas = {"h0": lambda i: 0.5 * math.sin(0.11 * i + 0.3), "c0": lambda i: 0.5 * math.cos(0.19 * i)}
    states = {key: tensor(state_shape, formulas[key]).requires_grad_(True) for key in INITIAL.get(name, [])}
    if not states:
        output, final = layer(x)
    else:
        output, final = layer(x, (states["h0"], states["c0"]) if "c0" in states else states["h0"])
    h_n, c_n = final if isinstance(final, tuple) else (final, None)
    c = tensor(list(output.shape), lambda i: math.cos(0.23 * i))
    d = tensor(state_shape, lambda i: math.sin(0.29 * i + 0.1))
    e = tensor(state_shape, lambda i: math.cos(0.17 * i + 0.4))
    loss = (torch.tanh(output) * c).sum() + (h_n * d).sum() + ((c_n * e).sum() if c_n is not None else 0)
    finals = {"d": d, **({"e": e} if c_n is not None else {})}
    names = [key for key, _ in layer.named_parameters()]
    gradients = torch.autograd.grad(loss, [x] + list(states.values()) + [p for _, p in layer.named_parameters()])
    state_gradients = dict(zip(states, gradients[1:1 + len(states)]))
    cases.append({
        "name": name,
        "shapes": {"x": shape, "c": list(output.shape), **{key: state_shape for key in states},
                   **{key: state_shape for key in finals},
                   **{key: list(p.shape) for key, p in layer.named_parameters()}},
        "parameters": {key: p.detach().flatten().tolist() for key, p in layer.named_parameters()},
        "inputs": {"x": x.detach().flatten().tolist(), "c": c.flatten().tolist(),
                   **{key: value.flatten().tolist() for key, value in finals.items()},
                   **{key: value.detach().flatten().tolist() for key, value in states.items()}},
        "loss": loss.item(),
        "grad": {"x": gradients[0].flatten().tolist(), **{key: g.flatten().tolist() for key, g in state_gradients.items()},
                 **{key: g.flatten().tolist() for key, g in zip(names, gradients[1 + len(states):])}},
    })

about = "recurrent.py: torch.nn.LSTM/GRU/RNN in float64, loss = sum(tanh(output) * c) + sum(h_n * d) (+ sum(c_n * e))"
pathlib.Path(__file__).with_name("recurrent.json").write_text(json.dumps({"about": about, "cases": cases}) + "\n")
