"""The Flag: what every detector returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from nanclean.findings import FindingKind, Severity

__all__ = ["Flag", "fmt", "is_finite", "num"]


def num(column: str) -> pl.Expr:
    """The column as float64, the dtype every statistic and mask is computed in."""
    return pl.col(column).cast(pl.Float64)


def is_finite(x: pl.Expr) -> pl.Expr:
    """``x.is_finite()`` as one comparison kernel, about twice as fast: polars
    orders NaN above +inf, so NaN is not below +inf. Null stays null."""
    return x.is_between(float("-inf"), float("inf"), closed="none")


def fmt(value: float | None) -> str:
    """A compact number for messages: 9120, 0.5, 1.2e+09."""
    if value is None:
        return "n/a"
    if value == 0 or (1e-3 <= abs(value) < 1e6):
        return f"{value:.4g}"
    return f"{value:.3g}"


@dataclass
class Flag:
    """A cell-level check: ``mask`` is True on every offending cell.

    ``message(n=count, rows=preview)`` builds the finding's message once the
    count and a preview of the row labels are known (a lambda, or the
    ``format`` of a string with ``{n}`` and ``{rows}``); it must say what is
    wrong and the fix.
    """

    kind: FindingKind
    column: str
    mask: pl.Expr
    severity: Severity
    message: Callable[..., str]
    details: dict[str, Any] = field(default_factory=dict)
    values: pl.Expr | None = (
        None  # what to show as example values (default: the column)
    )
    #: Promises that let the flag pass evaluate ``mask`` only on the few cells
    #: that can be flagged instead of on every row: ``mask`` reads only
    #: ``column``, is False on nulls, and flags only values outside
    #: ``outside = (low, high)`` (NaN is outside every range) or only values
    #: within ``inside = (low, high)``.
    outside: tuple[float, float] | None = None
    inside: tuple[float, float] | None = None
