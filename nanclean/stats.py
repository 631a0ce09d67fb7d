"""The statistics pass: every column's counts and robust statistics.

Counts, min, max, mean and std are exact and come from one parallel pass over
all rows (for an in-memory frame, in batches of a few columns, so that the
filtered copy of each column is freed before the next batch: the memory
overhead stays a small fraction of the input). The same pass returns the row
ids of the non-finite cells, so the flag pass does not scan for them again.
The robust statistics (median, MAD, quantiles) need a selection per
column, the most expensive part of a scan (STACK_NOTES); up to
``sample_size`` rows they are exact, beyond it they are computed on a fixed,
evenly spread sample of ``sample_size`` rows (a Weyl sequence over the row
ids: deterministic, no periodic aliasing in practice). With the default
100,000 rows the standard error of a sampled quantile's rank is 0.16
percentile points for the median and 0.03 for q01 / q99 — ample for outlier
bounds that sit ten robust standard deviations from the median. Measured on
the benchmark data (bench/RESULTS.md, 1M and 5M rows × 50 columns), the worst
column was 0.41 points off for the median and quartiles and 0.11 for q01 /
q99 (0.13 and 0.03 on average). Counts and rows of findings stay exact.
Data read in batches (a file larger than memory, a Dask DataFrame) never uses
this sample: its robust statistics come from a mergeable quantile sketch with
a stated rank error (``nanclean.sketch``), through :func:`build_profiles`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from nanclean.dtypes import DTYPES, FLOAT32_EXACT_INT
from nanclean.expr import is_finite, num
from nanclean.frame import ROW_ID, collect
from nanclean.report.model import ColumnStats

__all__ = [
    "Profile",
    "build_profiles",
    "column_batches",
    "merge_moments",
    "profile_columns",
    "sample_ids",
    "sample_mask",
]

_QUANTILES = {"q01": 0.01, "q25": 0.25, "q75": 0.75, "q99": 0.99}
_INF = float("inf")
_F64_MAX = float(np.finfo(np.float64).max)
_WEYL = 2654435761  # 2^32 / golden ratio: consecutive ids spread evenly over [0, 2^32)


@dataclass
class Profile:
    """ColumnStats plus the facts the detectors need and users rarely read."""

    stats: ColumnStats
    fp16_tiny: int = 0  # 0 < |x| < float16's smallest normal
    big_ints: int = 0  # integer-valued |x| > 2^24
    int_valued: bool = False  # every finite value is an integer
    abs_median: float | None = None  # median of |x| over finite nonzero values
    mean_ad: float | None = None  # mean |x - median|
    #: When over half the values equal the median (MAD = 0): the median of
    #: |x - median| over the values that differ from it.
    off_median_mad: float | None = None
    quantiles: dict[float, float] = field(default_factory=dict)
    distinct: list[float] | None = None  # finite distinct values, when few (targets)
    n_distinct: int | None = None
    #: The sorted finite values of the sample (all of them up to sample_size):
    #: fit computes fill values and scales of the repaired column from it.
    sample: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    #: Row ids (ascending) and values of the NaN and ±inf cells.
    nonfinite_rows: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.int64), repr=False
    )
    nonfinite_values: np.ndarray = field(
        default_factory=lambda: np.empty(0), repr=False
    )

    def rows_where(self, value: float) -> np.ndarray:
        """Row ids (ascending) of the cells that are ``value``: NaN, inf or -inf."""
        bad = self.nonfinite_values
        hit = np.isnan(bad) if np.isnan(value) else bad == value
        return self.nonfinite_rows[hit]

    @property
    def spread_estimates(self) -> list[float]:
        """Robust scale estimates, best first (MAD, IQR, mean AD), each a sigma."""
        s = self.stats
        out = []
        if s.mad is not None:
            out.append(1.4826 * s.mad)
        if self.off_median_mad is not None:
            # a 0/1 flag or a count that is mostly 0: the spread of the rest,
            # not a fraction of it (the mean AD would make every 1 an outlier)
            out.append(1.4826 * self.off_median_mad)
        if s.q25 is not None and s.q75 is not None:
            out.append((s.q75 - s.q25) / 1.349)
        if self.mean_ad is not None:
            out.append(1.2533 * self.mean_ad)
        return out

    @property
    def robust_scale(self) -> float:
        """The first non-zero robust scale estimate, or 0.0 if all are zero."""
        return next((v for v in self.spread_estimates if v > 0), 0.0)


def sample_mask(n_rows: int, sample_size: int) -> pl.Expr:
    """True on a fixed, evenly spread subset of about ``sample_size`` rows."""
    if n_rows <= sample_size:
        return pl.lit(True)
    threshold = int(sample_size / n_rows * 2**32)
    weyl = (pl.col(ROW_ID).cast(pl.UInt64) * _WEYL) % (2**32)
    return weyl < threshold


def sample_ids(n_rows: int, sample_size: int) -> np.ndarray:
    """The row positions where :func:`sample_mask` is True, ascending."""
    if n_rows <= sample_size:
        return np.arange(n_rows, dtype=np.uint32)
    threshold = int(sample_size / n_rows * 2**32)
    # uint32 arithmetic wraps around: the product is already taken mod 2^32
    weyl = np.arange(n_rows, dtype=np.uint32) * np.uint32(_WEYL)
    return np.flatnonzero(weyl < threshold).astype(np.uint32)


#: Rows × columns of float64 per statistics query on an in-memory frame: the
#: filtered copies of a batch are freed before the next batch starts.
_BATCH_CELLS = 8_000_000


def column_batches(columns: list[str], n_rows: int, in_memory: bool) -> list[list[str]]:
    """Columns split into batches (one batch unless the frame is in memory:
    a lazy file source would be read once per batch)."""
    if not columns:
        return []
    if not in_memory:
        return [columns]
    size = max(pl.thread_pool_size(), _BATCH_CELLS // max(n_rows, 1))
    return [columns[i : i + size] for i in range(0, len(columns), size)]


def _finite_only(name: str) -> pl.Expr:
    """The column with its NaN and ±inf cells nulled, aliased ``<name>:fin``."""
    x = num(name)
    return pl.when(is_finite(x)).then(x).alias(f"{name}:fin")


def _exact_exprs(name: str, distinct: bool) -> list[pl.Expr]:
    """Exact statistics of one column, each aliased ``<name>:<stat>``.

    Everything but the null count is computed on ``<name>:fin``, the column
    with its non-finite cells nulled (:func:`_finite_only`, materialized once:
    a filtered copy shared by several expressions is filtered once per
    expression); the NaN and ±inf counts come from the non-finite cells,
    returned with their row ids.
    """
    x = num(name)
    fin = pl.col(f"{name}:fin")
    bad = (~is_finite(x)).arg_true()
    tiny = DTYPES["float16"].tiny
    exprs = [
        x.null_count().alias("null"),
        # positions, then a gather: cheaper than two filters over every row
        pl.col(ROW_ID).gather(bad).implode().alias("bad_rows"),
        x.gather(bad).implode().alias("bad_values"),
        (fin == 0).sum().alias("zeros"),
        fin.min().alias("min"),
        fin.max().alias("max"),
        fin.mean().alias("mean"),
        fin.std().alias("std"),
        # |x| < tiny, zeros included (subtracted below); |x| <= 2^24
        fin.is_between(-tiny, tiny, closed="none").sum().alias("small"),
        fin.is_between(-FLOAT32_EXACT_INT, FLOAT32_EXACT_INT).sum().alias("not_big"),
    ]
    if distinct:
        exprs += [
            fin.drop_nulls().n_unique().alias("n_distinct"),
            fin.drop_nulls().unique().sort().head(3).implode().alias("distinct"),
        ]
    return [e.name.prefix(f"{name}:") for e in exprs]


def _exact(
    lazy: pl.LazyFrame,
    columns: list[str],
    *,
    n_rows: int,
    distinct_for: tuple[str, ...],
    in_memory: bool,
    source: str,
) -> dict[str, dict[str, Any]]:
    """The exact statistics of every column (one query per batch of columns)."""
    out: dict[str, dict[str, Any]] = {}
    for batch in column_batches(columns, n_rows, in_memory):
        exprs = [e for c in batch for e in _exact_exprs(c, c in distinct_for)]
        finite = lazy.with_columns(_finite_only(c) for c in batch)
        if in_memory:  # the nulled columns computed once, then shared
            finite = collect(finite, source).lazy()
        frame = collect(finite.select(exprs), source)
        for name in batch:
            # the id lists go through numpy, never through Python lists
            rows = frame.get_column(f"{name}:bad_rows")[0].to_numpy()
            bad = frame.get_column(f"{name}:bad_values")[0].to_numpy()
            v: dict[str, Any] = {
                k: frame.get_column(f"{name}:{k}")[0]
                for k in ("null", "zeros", "min", "max", "mean", "std")
            }
            v["nan"] = int(np.isnan(bad).sum())
            v["pos_inf"] = int((bad == _INF).sum())
            v["neg_inf"] = int((bad == -_INF).sum())
            v["fp16_tiny"] = int(frame.get_column(f"{name}:small")[0]) - v["zeros"]
            n_finite = n_rows - v["null"] - len(bad)
            v["big"] = n_finite - int(frame.get_column(f"{name}:not_big")[0])
            v["bad_rows"] = rows.astype(np.int64)
            v["bad_values"] = bad
            if name in distinct_for:
                v["n_distinct"] = frame.get_column(f"{name}:n_distinct")[0]
                v["distinct"] = frame.get_column(f"{name}:distinct")[0].to_list()
            out[name] = v
    return out


def _sorted_samples(
    lazy: pl.LazyFrame,
    columns: list[str],
    *,
    n_rows: int,
    sample_size: int,
    in_memory: bool,
    source: str,
) -> dict[str, np.ndarray]:
    """The sorted finite values of every column's sample (all rows up to
    ``sample_size``). The sample rows are gathered (in memory) or filtered
    (lazy sources, so the mask is pushed into the scan), then sorted in numpy."""
    if in_memory and n_rows > sample_size:
        ids = pl.Series(sample_ids(n_rows, sample_size), dtype=pl.UInt32)
        query = lazy.select(num(c).gather(ids) for c in columns)
    else:
        query = lazy.filter(sample_mask(n_rows, sample_size)).select(
            num(c) for c in columns
        )
    frame = collect(query, source)
    arrays = [frame.get_column(c).to_numpy() for c in columns]
    # numpy sorts without the GIL: one column per thread
    with ThreadPoolExecutor(max_workers=pl.thread_pool_size()) as pool:
        return dict(zip(columns, pool.map(_sorted_finite, arrays), strict=True))


def _complete_sparse_samples(
    lazy: pl.LazyFrame,
    samples: dict[str, np.ndarray],
    exact: dict[str, dict[str, Any]],
    *,
    n_rows: int,
    sample_size: int,
    source: str,
) -> None:
    """Re-sample, from its finite cells only, a column whose row sample caught
    too few of them (a column that is mostly missing): the rows sample holds
    about ``sample_size × finite / n_rows`` finite values, which can be none
    while the column has some. Such a column gets its finite values (an evenly
    spread ``sample_size`` of them) in one more, filtered query."""
    sparse: dict[str, pl.Expr] = {}
    for name, sample in samples.items():
        v = exact[name]
        finite = n_rows - int(v["null"] + v["nan"] + v["pos_inf"] + v["neg_inf"])
        if finite and len(sample) < max(1, min(finite, sample_size) // 2):
            x = num(name)
            step = max(1, finite // sample_size)
            sparse[name] = x.filter(is_finite(x)).gather_every(step).implode()
    if sparse:
        row = collect(lazy.select(sparse.values()), source).row(0)
        for name, values in zip(sparse, row, strict=True):
            samples[name] = _sorted_finite(np.asarray(values, dtype=np.float64))


def _sorted_finite(values: np.ndarray) -> np.ndarray:
    """The finite values, sorted; equal values keep their order (a stable sort:
    -0.0 and 0.0 compare equal but are different values)."""
    finite = values[np.isfinite(values)]
    out = np.sort(finite)
    lo, hi = np.searchsorted(out, 0.0, "left"), np.searchsorted(out, 0.0, "right")
    if hi - lo > 1:
        out[lo:hi] = finite[finite == 0]
    return out


def profile_columns(
    lazy: pl.LazyFrame,
    columns: list[str],
    *,
    dtypes: dict[str, str],
    n_rows: int,
    sample_size: int,
    roles: dict[str, str] | None = None,
    quantiles: dict[str, list[float]] | None = None,
    distinct_for: tuple[str, ...] = (),
    need_magnitude: tuple[str, ...] = (),
    source: str = "the input",
    in_memory: bool = False,
) -> dict[str, Profile]:
    """Profile numeric ``columns``: one exact pass, one pass over the sample.

    ``abs_median`` (the typical magnitude, for near-zero tolerances) is computed
    for columns with zeros or tiny values and for ``need_magnitude``.
    ``in_memory``: the frame is cheap to query more than once (not a lazy file
    scan), so the exact pass runs in batches of columns and the sample is
    gathered by row position.
    """
    roles = roles or {}
    quantiles = quantiles or {}
    # Sequential queries: collect_all ran them 2.5x slower at 5M rows.
    exact = _exact(
        lazy,
        columns,
        n_rows=n_rows,
        distinct_for=distinct_for,
        in_memory=in_memory,
        source=source,
    )
    samples = _sorted_samples(
        lazy,
        columns,
        n_rows=n_rows,
        sample_size=sample_size,
        in_memory=in_memory,
        source=source,
    )
    _complete_sparse_samples(
        lazy, samples, exact, n_rows=n_rows, sample_size=sample_size, source=source
    )
    return build_profiles(
        exact,
        samples,
        dtypes=dtypes,
        n_rows=n_rows,
        roles=roles,
        quantiles=quantiles,
        distinct_for=distinct_for,
        need_magnitude=need_magnitude,
        estimated=n_rows > sample_size,
    )


def build_profiles(
    exact: dict[str, dict[str, Any]],
    samples: dict[str, np.ndarray],
    *,
    dtypes: dict[str, str],
    n_rows: int,
    roles: dict[str, str],
    quantiles: dict[str, list[float]],
    distinct_for: tuple[str, ...],
    need_magnitude: tuple[str, ...],
    estimated: bool,
) -> dict[str, Profile]:
    """Profiles from the exact statistics (``_exact``'s dicts) and the sorted
    finite values from which the robust statistics are computed: the sample,
    or a sketch's quantile grid (``nanclean.sketch``)."""
    out: dict[str, Profile] = {}
    for name in exact:
        v = exact[name]
        integer_dtype = dtypes.get(name, "").startswith(("Int", "UInt"))
        sorted_values = samples[name]
        robust = _robust(
            sorted_values,
            quantiles.get(name, []),
            magnitude=v["zeros"] > 0 or v["fp16_tiny"] > 0 or name in need_magnitude,
            integrality=(v["big"] > 0 or name in distinct_for) and not integer_dtype,
        )
        stats = ColumnStats(
            name=name,
            dtype=dtypes.get(name, "Float64"),
            role=roles.get(name, "feature"),
            count=n_rows,
            null=int(v["null"]),
            nan=int(v["nan"]),
            pos_inf=int(v["pos_inf"]),
            neg_inf=int(v["neg_inf"]),
            zeros=int(v["zeros"]),
            min=_f(v["min"]),
            max=_f(v["max"]),
            mean=_f(v["mean"]),
            std=_f(v["std"]),
            median=robust.get("median"),
            mad=robust.get("mad"),
            q01=robust.get("q01"),
            q25=robust.get("q25"),
            q75=robust.get("q75"),
            q99=robust.get("q99"),
            estimated=estimated,
            histogram=histogram(sorted_values, _f(v["min"]), _f(v["max"])),
        )
        out[name] = Profile(
            stats=stats,
            fp16_tiny=int(v["fp16_tiny"]),
            big_ints=int(v["big"]),
            int_valued=stats.finite > 0 and (integer_dtype or bool(robust.get("int"))),
            abs_median=robust.get("abs_median"),
            mean_ad=robust.get("mean_ad"),
            off_median_mad=robust.get("off_median_mad"),
            quantiles={
                q: robust[f"q={q!r}"]
                for q in quantiles.get(name, [])
                if f"q={q!r}" in robust
            },
            distinct=list(v["distinct"]) if "distinct" in v else None,
            n_distinct=int(v["n_distinct"]) if "n_distinct" in v else None,
            sample=sorted_values,
            nonfinite_rows=v["bad_rows"],
            nonfinite_values=v["bad_values"],
        )
    return out


def quantile_sorted(sorted_values: np.ndarray, q: float) -> float:
    """Linear interpolation between closest ranks (numpy's and polars' default)."""
    pos = q * (len(sorted_values) - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, len(sorted_values) - 1)
    frac = pos - lo  # a weighted sum: hi - lo would overflow for ±1e308
    return float(sorted_values[lo] * (1 - frac) + sorted_values[hi] * frac)


def median_unsorted(values: np.ndarray) -> float:
    """The median by selection, averaging the middle pair without overflow."""
    n = len(values)
    k = n // 2
    if n % 2:
        return float(np.partition(values, k)[k])
    part = np.partition(values, [k - 1, k])
    return float(part[k - 1] / 2 + part[k] / 2)


def _median_of_sorted_pair(a: np.ndarray, b: np.ndarray) -> float:
    """``median_unsorted(np.concatenate([a, b]))`` for ascending ``a`` and ``b``,
    by binary search instead of a selection over all values."""
    n = len(a) + len(b)
    k = n // 2
    if n % 2:
        return _kth_of_sorted_pair(a, b, k)
    return _kth_of_sorted_pair(a, b, k - 1) / 2 + _kth_of_sorted_pair(a, b, k) / 2


def _kth_of_sorted_pair(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """The k-th smallest (0-based) value of ascending ``a`` and ``b`` together."""
    lo, hi = max(0, k + 1 - len(b)), min(k + 1, len(a))
    while lo < hi:  # the number i of values taken from a
        i = (lo + hi) // 2
        if a[i] < b[k - i]:
            lo = i + 1
        else:
            hi = i
    j = k + 1 - lo
    return float(max(a[lo - 1] if lo else -_INF, b[j - 1] if j else -_INF))


def _robust(
    values: np.ndarray, extra: list[float], *, magnitude: bool, integrality: bool
) -> dict[str, float]:
    """Median, MAD, mean AD and quantiles of sorted finite values (and, on
    request, the median of |x| over nonzero values and whether all are integers)."""
    if len(values) == 0:
        return {}
    out = {k: quantile_sorted(values, q) for k, q in _QUANTILES.items()}
    out.update({f"q={q!r}": quantile_sorted(values, q) for q in extra})
    median = quantile_sorted(values, 0.5)
    with np.errstate(over="ignore"):  # |x - median| may exceed float64 near ±1.8e308
        dev = np.minimum(np.abs(values - median), _F64_MAX)
    out["median"] = median
    # dev falls, then rises along the sorted values: two sorted runs
    split = int(np.searchsorted(values, median))
    out["mad"] = _median_of_sorted_pair(dev[:split][::-1], dev[split:])
    if out["mad"] == 0:  # the values equal to the median are [split, above)
        above = int(np.searchsorted(values, median, "right"))
        off = split + len(values) - above
        if off:
            # the lower median: with two values off the median, a 1 and a
            # planted 1e6, the spread is 1, not their average
            out["off_median_mad"] = _kth_of_sorted_pair(
                dev[:split][::-1], dev[above:], (off - 1) // 2
            )
    top = float(dev.max())  # scaled by the largest: the sum must not overflow
    out["mean_ad"] = float(np.mean(dev / top) * top) if top > 0 else 0.0
    if magnitude:
        neg = int(np.searchsorted(values, 0.0, "left"))
        pos = int(np.searchsorted(values, 0.0, "right"))
        if neg + len(values) - pos:  # |x| over nonzero x: two sorted runs
            out["abs_median"] = _median_of_sorted_pair(
                -values[:neg][::-1], values[pos:]
            )
    if integrality:
        out["int"] = float(bool(np.all(values == np.round(values))))
    return out


def histogram(
    values: np.ndarray, low: float | None, high: float | None, bins: int = 30
) -> dict[str, Any] | None:
    """Bin counts of the (sampled) finite values over the exact [min, max].

    When the range is extreme (a 1e12 outlier beside values around 1), the
    bins are linear over the bulk and spaced on a symmetric log scale,
    ``sign(x) · log10(1 + |x| / s)`` with ``s`` the spread of the middle 98% of
    values, in the tails (``scale == "symlog"``), so the bulk of the data is
    not squashed into one bar and the extreme values are binned apart. ``counts`` are of the sample when the column
    has more rows than ``sample_size`` (``sampled`` is then True in the stats).
    """
    if len(values) == 0 or low is None or high is None:
        return None
    if low == high:
        return {"scale": "linear", "edges": [low, high], "counts": [len(values)]}
    q01, q99 = quantile_sorted(values, 0.01), quantile_sorted(values, 0.99)
    half_span = high / 2 - low / 2  # halves: high - low overflows near ±1.8e308
    s = (q99 / 2 - q01 / 2) * 2 or half_span * 2 / bins
    symlog = not np.isfinite(s) or half_span > 25 * s
    with np.errstate(over="ignore", invalid="ignore"):
        if symlog:
            s = s if np.isfinite(s) and s > 0 else 1.0
            edges = _core_and_tails(low, high, q01, q99, s, bins)
        else:
            edges = low + np.linspace(0.0, 1.0, bins + 1) * (half_span * 2)
    edges = np.clip(np.nan_to_num(edges, nan=low), low, high)
    edges[0], edges[-1] = low, high
    edges = np.maximum.accumulate(edges)
    # np.histogram(clipped, bins=edges) by binary search: the values are sorted
    clipped = np.clip(values, low, high)
    cum = np.concatenate(
        [
            clipped.searchsorted(edges[:-1], "left"),
            clipped.searchsorted(edges[-1:], "right"),
        ]
    )
    counts = np.diff(cum)
    return {
        "scale": "symlog" if symlog else "linear",
        "edges": [float(e) for e in edges],
        "counts": [int(c) for c in counts],
        "symlog_scale": float(s) if symlog else None,
    }


#: Bins of each log-spaced tail of an extreme histogram.
TAIL_BINS = 4


def _core_and_tails(
    low: float, high: float, q01: float, q99: float, s: float, bins: int
) -> np.ndarray:
    """Edges of an extreme histogram: linear over the core (the middle 98% of
    the values, widened by half its width each side), log-spaced (symlog) in
    the tails out to ``low`` and ``high``. The bulk keeps the resolution of a
    plain histogram and a 1e12 value still gets its own bin."""
    pad = (q99 / 2 - q01 / 2) or s / 2
    a, b = max(low, q01 - pad), min(high, q99 + pad)
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        t_lo, t_hi = _symlog(np.array([low, high]), s)
        return _symlog_inverse(np.linspace(t_lo, t_hi, bins + 1), s)
    tails = TAIL_BINS * ((a > low) + (b < high))
    parts = [np.linspace(a, b, bins - tails + 1)]
    for start, end, side in ((low, a, 0), (b, high, 1)):
        if start < end:
            t_start, t_end = _symlog(np.array([start, end]), s)
            t = np.linspace(t_start, t_end, TAIL_BINS + 1)
            tail = _symlog_inverse(t, s)
            parts.insert(
                0 if side == 0 else len(parts), tail[:-1] if side == 0 else tail[1:]
            )
    return np.concatenate(parts)


def _symlog(x: np.ndarray, s: float) -> np.ndarray:
    return np.sign(x) * np.log10(1 + np.abs(x) / s)


def _symlog_inverse(t: np.ndarray, s: float) -> np.ndarray:
    return np.sign(t) * s * (10 ** np.abs(t) - 1)


def _f(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def output_stats(
    frame: pl.DataFrame,
    *,
    roles: dict[str, str] | None = None,
    sample_size: int = 100_000,
) -> dict[str, ColumnStats]:
    """Statistics of a cleaned frame (finite by contract: no masks needed).

    Counts, min, max, mean and std are exact; median, MAD, quantiles and the
    histogram come from an evenly spread sample of ``sample_size`` rows.
    """
    roles = roles or {}
    if frame.height == 0:
        return {}
    exact = frame.select(
        e
        for i, c in enumerate(frame.columns)
        for e in (
            pl.col(c).min().cast(pl.Float64).alias(f"{i}:min"),
            pl.col(c).max().cast(pl.Float64).alias(f"{i}:max"),
            pl.col(c).mean().alias(f"{i}:mean"),
            pl.col(c).std().alias(f"{i}:std"),
            (pl.col(c) == 0).sum().alias(f"{i}:zeros"),
        )
    ).row(0)
    step = max(1, frame.height // sample_size)
    # sorted before the (exact) cast: a float32 sort moves half the bytes
    sample = frame.gather_every(step).select(pl.all().sort().cast(pl.Float64))
    out = {}
    for i, c in enumerate(frame.columns):
        low, high, mean, std, zeros = exact[5 * i : 5 * i + 5]
        values = sample.get_column(c).to_numpy()
        robust = _robust(values, [], magnitude=False, integrality=False)
        out[c] = ColumnStats(
            name=c,
            dtype=str(frame.schema[c]),
            role=roles.get(c, "feature"),
            count=frame.height,
            zeros=int(zeros),
            min=_f(low),
            max=_f(high),
            mean=_f(mean),
            std=_f(std),
            median=robust.get("median"),
            mad=robust.get("mad"),
            q01=robust.get("q01"),
            q25=robust.get("q25"),
            q75=robust.get("q75"),
            q99=robust.get("q99"),
            estimated=step > 1,
            histogram=histogram(values, _f(low), _f(high)),
        )
    return out


def merge_moments(
    a: tuple[int, float | None, float], b: tuple[int, float | None, float]
) -> tuple[float | None, float]:
    """Chan et al.'s pairwise update of (count, mean, M2): the mean and M2 of
    two parts from those of each part (a part with no values is skipped)."""
    (na, ma, m2a), (nb, mb, m2b) = a, b
    if not nb or mb is None:
        return ma, m2a
    if not na or ma is None:
        return mb, m2b
    n = na + nb
    with np.errstate(over="ignore", invalid="ignore"):
        delta = mb - ma
        mean = ma + delta * (nb / n)
        m2 = m2a + m2b + delta * delta * (na * nb / n)
    return float(mean), float(m2)
