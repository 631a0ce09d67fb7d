"""Models of the guard tests: one model per failure mode (T1-T5)."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn


class StdPool(nn.Module):
    """Standard deviation across features: sqrt has an infinite slope at 0."""

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        centered = h - h.mean(dim=1, keepdim=True)
        return torch.sqrt((centered**2).mean(dim=1, keepdim=True))


class Normalize(nn.Module):
    """Divide each row by its L2 norm, without an eps (0/0 for a zero row)."""

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h / h.norm(dim=1, keepdim=True)


def mlp(n_in: int = 4, hidden: int = 16, *, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        OrderedDict(
            body=nn.Linear(n_in, hidden), act=nn.ReLU(), head=nn.Linear(hidden, 1)
        )
    )


def sqrt_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        OrderedDict(
            proj=nn.Linear(4, 8, bias=False), pool=StdPool(), head=nn.Linear(1, 1)
        )
    )


def normalize_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        OrderedDict(
            proj=nn.Linear(4, 8, bias=False), norm=Normalize(), head=nn.Linear(8, 1)
        )
    )


def batchnorm_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(bn=nn.BatchNorm1d(4), head=nn.Linear(4, 1)))


def relative_loss(pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """A loss that divides by the target: undefined where y == 0."""
    return ((pred.squeeze(1) - y) ** 2 / y).mean()
