"""Mergeable column summaries: exact counts and moments, plus a quantile sketch.

The statistics of data that is never in memory at once (a file read in
batches, the partitions of a Dask DataFrame) are computed batch by batch and
merged. Everything that can be merged exactly is: the null, NaN, ±inf and zero
counts, min and max, the mean and the standard deviation (Chan's pairwise
formula), and the rows and values of the non-finite cells. The robust
statistics (median, MAD, quantiles) cannot be merged exactly; each batch feeds
a KLL sketch (Apache DataSketches, ``kll_doubles_sketch``), and sketches merge
without losing their guarantee.

Error bound. A quantile of normalized rank ``q`` read from the merged sketch
is the exact quantile of some rank within ``q ± KLL_RANK_ERROR`` (99%
confidence, independent of the number of rows). The fit reads its statistics
from a grid of ``m`` sketch quantiles (``quantile_grid``), which adds at most
``1 / m``: :data:`RANK_ERROR` is the sum. Concretely, for every numeric column

* median, quantiles, the median fill value and the robust center: the share of
  finite values below the fitted value is within ``q ± RANK_ERROR``;
* MAD: the share of finite values within ``median ± MAD`` is within
  ``50% ± 2 · RANK_ERROR``, so the outlier bounds ``median ± k · 1.4826 · MAD``
  inherit both bounds;
* the robust scale (IQR): its ends are quantiles within ``± RANK_ERROR``;
* counts, min, max, mean, std, and the rows of every finding: exact.

A column with fewer finite values than the sketch keeps (``K``) is summarized
exactly: the grid is then the sorted values themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from nanclean.errors import MissingDependencyError
from nanclean.expr import is_finite, num
from nanclean.stats import _exact, merge_moments

__all__ = [
    "KLL_RANK_ERROR",
    "RANK_ERROR",
    "ColumnSummary",
    "K",
    "merge_summaries",
    "quantile_grid",
    "summarize",
]

#: The KLL sketch's size parameter: about 11,000 values (90 KB) per column.
K = 4000
#: Points of the quantile grid the fit reads (``CleanConfig.sample_size``'s default).
GRID = 100_000
#: Normalized rank error of one quantile of a KLL sketch with ``K`` (99% confidence).
KLL_RANK_ERROR = 0.000723
#: The bound stated for every sketched statistic: the sketch plus the grid's step.
RANK_ERROR = KLL_RANK_ERROR + 1 / GRID
#: Distinct values kept per column for the target's label checks.
MAX_DISTINCT = 1000


def _kll() -> Any:
    try:
        from datasketches import kll_doubles_sketch
    except ImportError:
        raise MissingDependencyError(
            "Statistics of data larger than memory (a file in batches, a Dask "
            "DataFrame) need the quantile sketches of Apache DataSketches. Fix: "
            "pip install 'nanclean[scale]'."
        ) from None
    return kll_doubles_sketch


@dataclass
class ColumnSummary:
    """The mergeable statistics of one numeric column over some rows.

    ``exact`` holds the counts and moments in the form ``stats._exact`` returns
    them (null, nan, pos_inf, neg_inf, zeros, fp16_tiny, big, min, max, mean,
    std, bad_rows, bad_values); ``n_finite`` and ``m2`` (the sum of squared
    deviations) make mean and std mergeable. ``sketch`` is a serialized KLL
    sketch of the finite values (bytes travel between Dask workers).
    """

    exact: dict[str, Any]
    n_finite: int
    m2: float
    sketch: bytes
    distinct: set[float] | None = field(default=None)

    def merge(self, other: ColumnSummary) -> ColumnSummary:
        a, b = self.exact, other.exact
        out: dict[str, Any] = {
            k: a[k] + b[k]
            for k in ("null", "nan", "pos_inf", "neg_inf", "zeros", "fp16_tiny", "big")
        }
        out["min"] = _pick(min, a["min"], b["min"])
        out["max"] = _pick(max, a["max"], b["max"])
        n = self.n_finite + other.n_finite
        mean, m2 = merge_moments(
            (self.n_finite, a["mean"], self.m2), (other.n_finite, b["mean"], other.m2)
        )
        out["mean"] = mean
        out["std"] = float(np.sqrt(m2 / (n - 1))) if n > 1 else None
        out["bad_rows"] = np.concatenate([a["bad_rows"], b["bad_rows"]])
        out["bad_values"] = np.concatenate([a["bad_values"], b["bad_values"]])
        kll = _kll()
        sketch = kll.deserialize(self.sketch)
        sketch.merge(kll.deserialize(other.sketch))
        distinct = None
        if self.distinct is not None and other.distinct is not None:
            union = self.distinct | other.distinct
            distinct = union if len(union) <= MAX_DISTINCT else None
        return ColumnSummary(out, n, m2, sketch.serialize(), distinct)

    def finish(self) -> dict[str, Any]:
        """The merged statistics as ``stats.build_profiles`` reads them."""
        v = dict(self.exact)
        if self.distinct is not None:
            v["n_distinct"] = len(self.distinct)
            v["distinct"] = sorted(self.distinct)[:3]
        return v


def _pick(fn: Any, a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else fn(a, b)


def summarize(
    batch: pl.DataFrame, columns: list[str], *, distinct_for: tuple[str, ...] = ()
) -> dict[str, ColumnSummary]:
    """The summaries of ``columns`` over one batch (a polars DataFrame with the
    row id column), computed with the same expressions as the in-memory scan."""
    kll = _kll()
    exact = _exact(
        batch.lazy(),
        columns,
        n_rows=batch.height,
        distinct_for=(),
        in_memory=True,
        source="a batch",
    )
    finite = batch.select(
        num(c).filter(is_finite(num(c))).implode().alias(c) for c in columns
    )
    out = {}
    for c in columns:
        v = exact[c]
        values = finite.get_column(c)[0].to_numpy().astype(np.float64, copy=False)
        sketch = kll(K)
        if len(values):
            sketch.update(np.array(values, dtype=np.float64))  # a writable copy
        n = len(values)
        std = v["std"]
        m2 = float(std) ** 2 * (n - 1) if std is not None and n > 1 else 0.0
        distinct = None
        if c in distinct_for:
            uniques = np.unique(values)
            distinct = (
                {float(u) for u in uniques} if len(uniques) <= MAX_DISTINCT else None
            )
        v = {
            k: v[k]
            for k in (
                "null",
                "nan",
                "pos_inf",
                "neg_inf",
                "zeros",
                "fp16_tiny",
                "big",
                "min",
                "max",
                "mean",
                "std",
                "bad_rows",
                "bad_values",
            )
        }
        out[c] = ColumnSummary(v, n, m2, sketch.serialize(), distinct)
    return out


def merge_summaries(
    parts: list[dict[str, ColumnSummary]],
) -> dict[str, ColumnSummary]:
    """The summaries of all batches, merged column by column (in batch order,
    so the non-finite rows stay ascending)."""
    out = dict(parts[0])
    for part in parts[1:]:
        for c, summary in part.items():
            out[c] = out[c].merge(summary)
    return out


def quantile_grid(summary: ColumnSummary, points: int = GRID) -> np.ndarray:
    """The sorted finite values the fit reads: all of them when the sketch has
    kept every value, else ``points`` quantiles at evenly spaced ranks."""
    kll = _kll()
    sketch = kll.deserialize(summary.sketch)
    if sketch.is_empty():
        return np.empty(0)
    if not sketch.is_estimation_mode():
        return np.sort(_items(sketch))
    m = min(points, summary.n_finite)
    ranks = (np.arange(m) + 0.5) / m
    return np.asarray(sketch.get_quantiles(ranks), dtype=np.float64)


def _items(sketch: Any) -> np.ndarray:
    """Every value a sketch in exact mode holds (each with weight 1)."""
    return np.asarray([item for item, _ in sketch], dtype=np.float64)
