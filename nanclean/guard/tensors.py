"""Tensor facts the torch guard reads after a failure (and the one per-step norm).

Rows that are non-finite or far beyond the rest, statistics of a layer's
input, the normalization layers' running statistics, the global gradient norm
from per-tensor norms. Imports torch; used by :mod:`nanclean.guard.torch`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = [
    "bad_rows",
    "bad_rows_if_aligned",
    "batch_row_ids",
    "extreme_rows",
    "first_tensor",
    "global_norm",
    "is_batch_aligned",
    "loss_scalar",
    "nan_max",
    "running_stats",
    "tensor_stats",
]

FLOAT32_MAX = float(torch.finfo(torch.float32).max)


def first_tensor(value: Any) -> torch.Tensor | None:
    if isinstance(value, torch.Tensor):
        return value if value.is_floating_point() else None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        for v in value:
            t = first_tensor(v)
            if t is not None:
                return t
    return None


def loss_scalar(loss: torch.Tensor | None) -> torch.Tensor:
    if loss is None:
        return torch.zeros(())
    return loss.float().sum() if loss.ndim else loss.float()


def running_stats(model: nn.Module) -> list[tuple[str, str, torch.Tensor]]:
    """Normalization layers' running statistics: (module, buffer name, tensor)."""
    out = []
    for name, module in model.named_modules():
        for buffer in ("running_mean", "running_var"):
            t = getattr(module, buffer, None)
            if isinstance(t, torch.Tensor) and t.is_floating_point():
                out.append((name, buffer, t))
    return out


def is_batch_aligned(t: torch.Tensor | None, n: int) -> bool:
    return t is not None and n > 0 and t.ndim >= 1 and t.shape[0] == n


def global_norm(norms: list[float]) -> float:
    """The 2-norm of per-tensor 2-norms; inf beyond float32 (what clipping sees)."""
    if not all(math.isfinite(n) for n in norms):
        return math.nan if any(math.isnan(n) for n in norms) else math.inf
    total = math.sqrt(math.fsum(n * n for n in norms))
    return total if total <= FLOAT32_MAX else math.inf


def nan_max(value: float) -> float:
    """Sort key that puts NaN above everything (max() must not skip it)."""
    return math.inf if math.isnan(value) else value


def bad_rows_if_aligned(t: torch.Tensor | None, n: int) -> np.ndarray | None:
    """``bad_rows`` when ``t`` has one row per sample of the batch, else None."""
    return bad_rows(t) if t is not None and is_batch_aligned(t, n) else None


def bad_rows(t: torch.Tensor) -> np.ndarray:
    """Positions along dim 0 where any value is non-finite."""
    finite = torch.isfinite(t.detach().reshape(t.shape[0], -1)).all(dim=1)
    return torch.nonzero(~finite).reshape(-1).cpu().numpy()


def extreme_rows(t: torch.Tensor) -> np.ndarray | None:
    """Rows with a non-finite value, else rows 1000× beyond the batch's typical."""
    flat = t.detach().float().reshape(t.shape[0], -1)
    bad = bad_rows(flat)
    if len(bad):
        return bad
    peak = flat.abs().amax(dim=1)
    typical = float(peak.median())
    if typical <= 0:
        return None
    rows = torch.nonzero(peak > 1000 * typical).reshape(-1).cpu().numpy()
    return rows if len(rows) else None


def batch_row_ids(rows: Any, positions: np.ndarray) -> np.ndarray:
    if rows is None:
        return positions.astype(np.int64)
    if isinstance(rows, torch.Tensor):
        rows = rows.detach().cpu().numpy()
    return np.asarray(rows).reshape(-1)[positions]


def tensor_stats(t: torch.Tensor) -> dict[str, Any]:
    x = t.detach().float()
    finite = torch.isfinite(x)
    values = x[finite]
    stats: dict[str, Any] = {
        "shape": list(t.shape),
        "dtype": str(t.dtype).removeprefix("torch."),
        "nan": int(torch.isnan(x).sum()),
        "pos_inf": int((x == math.inf).sum()),
        "neg_inf": int((x == -math.inf).sum()),
    }
    if values.numel():
        stats |= {
            "min": float(values.min()),
            "max": float(values.max()),
            "mean": float(values.mean()),
            "max_abs": float(values.abs().max()),
            "min_abs": float(values.abs().min()),
        }
    if x.ndim >= 2 and x.shape[0]:
        norms = torch.linalg.vector_norm(x.reshape(x.shape[0], -1), dim=1)
        stats["zero_rows"] = int((norms == 0).sum())
        stats["min_row_norm"] = float(norms.min())
    return stats
