"""Writes pytorch_state_dict.safetensors and pytorch_outputs.json for PyTorchInteropTests (issue #18):
a PyTorch model with the architecture of Models/PyTorchInterop.tapeless, its state_dict after two
training steps (so the running statistics and num_batches_tracked are not their initial values),
saved with safetensors, and its outputs in training and in inference mode on a fixed input.

Weights come from torch.manual_seed(0) and PyTorch's default initialization; the two steps are SGD
on the sum of squares of the output. The input is generated: element k of x is sin(0.37·k) · 0.8.

Run it in a virtual environment, never at build or test time:
    python3 -m venv /tmp/reference-venv && /tmp/reference-venv/bin/pip install torch safetensors
    /tmp/reference-venv/bin/python pytorch_state_dict.py
"""

import json
import math
import pathlib

import torch
from safetensors.torch import save_file


class InteropNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
        self.pool = torch.nn.MaxPool2d(2)
        self.flat = torch.nn.Flatten()
        self.fc = torch.nn.Linear(36, 5)
        self.norm = torch.nn.BatchNorm1d(5)

    def forward(self, x):
        return self.norm(self.fc(self.flat(self.pool(torch.relu(self.bn(self.conv(x)))))))


torch.manual_seed(0)
model = InteropNet()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.tensor([math.sin(0.37 * k) * 0.8 for k in range(3 * 2 * 6 * 6)], dtype=torch.float32).reshape(3, 2, 6, 6)
model.train()
for _ in range(2):
    optimizer.zero_grad()
    model(x * 1.5).square().sum().backward()
    optimizer.step()

here = pathlib.Path(__file__).parent
save_file(model.state_dict(), str(here / "pytorch_state_dict.safetensors"))
with torch.no_grad():
    model.eval()
    inference = model(x)
    model.train()
    training = model(x)  # updates the running statistics, after the file was written
outputs = {
    "about": "InteropNet's outputs on x (pytorch_state_dict.py, torch " + torch.__version__ + "): eval() and train() mode",
    "x": x.tolist(), "inference": inference.tolist(), "training": training.tolist(),
    "runningMeanAfterTraining": model.bn.running_mean.tolist(),
}
(here / "pytorch_outputs.json").write_text(json.dumps(outputs, indent=1) + "\n")
print("wrote", here / "pytorch_state_dict.safetensors", "and pytorch_outputs.json")
