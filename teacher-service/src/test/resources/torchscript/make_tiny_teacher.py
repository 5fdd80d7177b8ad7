#!/usr/bin/env python3
"""Writes tiny_teacher.pt, the TorchScript fixture of TorchScriptTeacherTest.

A linear classifier over a [batch, 1, 28, 28] image with hand-set weights, so the test can compute the expected
logits itself: logit[c] = sum_i x[i] * (c + 1) * ((i % 7) - 3) / 784 + 0.1 * c.

Run with Debian's PyTorch (apt-get install -y python3-torch): /usr/bin/python3 make_tiny_teacher.py
"""
import os

import torch


class TinyTeacher(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(784, 10)
        pixel = torch.arange(784, dtype=torch.float32)
        column = torch.remainder(pixel, 7) - 3
        cls = torch.arange(10, dtype=torch.float32) + 1
        with torch.no_grad():
            self.linear.weight.copy_(torch.outer(cls, column) / 784)
            self.linear.bias.copy_(0.1 * torch.arange(10, dtype=torch.float32))

    def forward(self, x):
        return self.linear(torch.flatten(x, 1))


if __name__ == "__main__":
    model = TinyTeacher().eval()
    scripted = torch.jit.trace(model, torch.zeros(2, 1, 28, 28))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_teacher.pt")
    scripted.save(out)
    print("wrote", out, "with torch", torch.__version__)
