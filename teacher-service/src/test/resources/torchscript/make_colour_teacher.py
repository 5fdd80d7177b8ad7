#!/usr/bin/env python3
"""Writes colour_teacher.pt, the 3x32x32 colour TorchScript fixture of TorchScriptTeacherTest and ColourTeacherIT.

A linear classifier over a [batch, 3, 32, 32] image into 4 classes with hand-set weights, so the tests can compute
the expected logits themselves (i is the index into the flattened channel-height-width image, 0..3071):

    logit[c] = sum_i x[i] * w(c, i) + 0.1 * c,
    w(c, i) = (c + 1) * ((i % 5) - 2) / 3072 + (1 / 1024 if i // 1024 == c % 3 else 0)

The second term makes the channel matter: class c leans on colour channel c % 3. Its task, colour_teacher.task.json,
lies beside it (the sidecar the teacher service reads).

Run with Debian's PyTorch (apt-get install -y python3-torch): /usr/bin/python3 make_colour_teacher.py
"""
import os

import torch

CLASSES = 4
SIZE = 3 * 32 * 32


class ColourTeacher(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(SIZE, CLASSES)
        index = torch.arange(SIZE, dtype=torch.float32)
        column = torch.remainder(index, 5) - 2
        cls = torch.arange(CLASSES, dtype=torch.float32) + 1
        channel = torch.div(torch.arange(SIZE), 1024, rounding_mode="floor")
        leaning = (channel.unsqueeze(0) == (torch.arange(CLASSES) % 3).unsqueeze(1)).float() / 1024
        with torch.no_grad():
            self.linear.weight.copy_(torch.outer(cls, column) / SIZE + leaning)
            self.linear.bias.copy_(0.1 * torch.arange(CLASSES, dtype=torch.float32))

    def forward(self, x):
        return self.linear(torch.flatten(x, 1))


if __name__ == "__main__":
    model = ColourTeacher().eval()
    scripted = torch.jit.trace(model, torch.zeros(2, 3, 32, 32))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "colour_teacher.pt")
    scripted.save(out)
    print("wrote", out, "with torch", torch.__version__)
