"""Writes pytorch_recurrent.safetensors and pytorch_recurrent.json for RecurrentLayerTests (issue
#19): a PyTorch sequence classifier with the architecture of RecurrentInterop in
Models/Recurrent.tapeless (a bidirectional LSTM, a GRU over its outputs, a linear head on the
last position), its state_dict saved with safetensors, and its output on a fixed input.

Weights come from torch.manual_seed(0) and PyTorch's default initialization. The input is
generated: element k of x is sin(0.37·k) · 0.8.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch safetensors
    /tmp/reference-venv/bin/python pytorch_recurrent.py
"""

import json
import math
import pathlib

import torch
from safetensors.torch import save_file


class RecurrentInterop(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(4, 6, bidirectional=True, batch_first=True)
        self.gru = torch.nn.GRU(12, 5, batch_first=True)
        self.head = torch.nn.Linear(5, 3)

    def forward(self, x):
        return self.head(self.gru(self.lstm(x)[0])[0][:, -1])


torch.manual_seed(0)
model = RecurrentInterop()
x = torch.tensor([math.sin(0.37 * k) * 0.8 for k in range(3 * 7 * 4)], dtype=torch.float32).reshape(3, 7, 4)
with torch.no_grad():
    output = model(x)
here = pathlib.Path(__file__).parent
save_file({key: value.contiguous() for key, value in model.state_dict().items()}, here / "pytorch_recurrent.safetensors")
(here / "pytorch_recurrent.json").write_text(json.dumps({"x": x.flatten().tolist(), "output": output.flatten().tolist()}) + "\n")
