"""The two polars expressions every statistic, mask and repair starts from."""

from __future__ import annotations

import polars as pl

__all__ = ["is_finite", "num"]


def num(column: str) -> pl.Expr:
    """The column as float64, the dtype every statistic and mask is computed in."""
    return pl.col(column).cast(pl.Float64)


def is_finite(x: pl.Expr) -> pl.Expr:
    """``x.is_finite()`` as one comparison kernel, about twice as fast: polars
    orders NaN above +inf, so NaN is not below +inf. Null stays null."""
    return x.is_between(float("-inf"), float("inf"), closed="none")
