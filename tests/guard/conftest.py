"""Models and data of the guard tests: one model per failure mode (T1-T5)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402


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


@pytest.fixture
def zero_target_frame() -> pd.DataFrame:
    """200 finite rows labelled 'r000'..'r199'; rows 'r037' and 'r150' have y = 0."""
    rng = np.random.default_rng(3)
    n = 200
    df = pd.DataFrame(
        {f"x{j}": rng.normal(0.0, 1.0, n) for j in range(4)},
        index=[f"r{i:03d}" for i in range(n)],
    )
    df["y"] = rng.uniform(1.0, 5.0, n)
    df.loc[["r037", "r150"], "y"] = 0.0
    return df


def relative_loss(pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """A loss that divides by the target: undefined where y == 0."""
    return ((pred.squeeze(1) - y) ** 2 / y).mean()
