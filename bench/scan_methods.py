"""The scan benchmark (issue 2): the same column statistics, four ways.

Every method gets the data in its natural container (built once, outside the
timing) and computes, per column: null / NaN / +inf / -inf / zero counts, and
over the finite values min, max, mean, std, median, MAD and q01 / q25 / q75 /
q99. ``floor`` is the lower bound: one numpy pass of ``np.isfinite`` counts
plus ``nanmin`` / ``nanmax``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import polars as pl

import nanclean

INF = float("inf")
QUANTILES = (0.01, 0.25, 0.75, 0.99)


def floor(arr: np.ndarray) -> Any:
    """(a) The floor: finite counts and NaN-skipping min / max, one numpy pass each.
    The counts go column by column: one ``np.isfinite`` of the whole array
    allocates N × 50 fresh bytes per call, and page-faulting them in (on this VM)
    cost as much as the pass itself, which made the floor slow and noisy."""
    finite = [np.count_nonzero(np.isfinite(arr[:, j])) for j in range(arr.shape[1])]
    return finite, np.nanmin(arr, axis=0), np.nanmax(arr, axis=0)


def pandas_stats(df: pd.DataFrame) -> Any:
    """(b) Idiomatic pandas. A float64 column cannot hold a null apart from NaN,
    so ``isna`` counts both."""
    counts = pd.DataFrame(
        {
            "missing": df.isna().sum(),
            "pos_inf": (df == np.inf).sum(),
            "neg_inf": (df == -np.inf).sum(),
            "zeros": (df == 0).sum(),
        }
    )
    fin = df.replace([np.inf, -np.inf], np.nan)
    stats = fin.agg(["min", "max", "mean", "std"])
    quantiles = fin.quantile([0.01, 0.25, 0.5, 0.75, 0.99])
    mad = (fin - quantiles.loc[0.5]).abs().median()
    return counts, stats, quantiles, mad


def polars_stats(df: pl.DataFrame) -> Any:
    """(c) Idiomatic polars, exact quantiles: one select over all columns, the
    statistics over each column's finite values (a filter: a median or quantile
    of a column holding nulls is several times slower)."""
    x = pl.all()
    fin = x.filter(x.is_finite())
    median = fin.median()
    return df.select(
        x.null_count().name.suffix(":null"),
        x.is_nan().sum().name.suffix(":nan"),
        (x == INF).sum().name.suffix(":pos_inf"),
        (x == -INF).sum().name.suffix(":neg_inf"),
        (x == 0).sum().name.suffix(":zeros"),
        fin.min().name.suffix(":min"),
        fin.max().name.suffix(":max"),
        fin.mean().name.suffix(":mean"),
        fin.std().name.suffix(":std"),
        median.name.suffix(":median"),
        (fin - median).abs().median().name.suffix(":mad"),
        *(fin.quantile(q, "linear").name.suffix(f":q{q}") for q in QUANTILES),
    )


def nanclean_scan(df: pl.DataFrame) -> Any:
    """(d) ``nanclean.scan``: the statistics above plus every finding with its rows."""
    return nanclean.scan(df)


def phases(df: pl.DataFrame) -> dict[str, float]:
    """Seconds of one ``nanclean.scan`` in its parts, from cProfile: the
    statistics pass, the sample, the flag pass, the denominator check."""
    import cProfile
    import pstats

    from nanclean import scanner, stats

    parts = {
        "statistics pass": stats._exact,
        "the sample (gathered, sorted)": stats._sorted_samples,
        "flag pass": scanner._run_flags,
        "suspected denominators": scanner._suspect_denominators,
        "total": scanner.scan,
    }
    profile = cProfile.Profile()
    profile.runcall(nanclean.scan, df)
    table = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    out = {}
    for name, fn in parts.items():
        code = fn.__code__
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        out[name] = table[key][3] if key in table else 0.0  # cumulative seconds
    return out


METHODS = {
    "floor": (floor, "numpy"),
    "pandas": (pandas_stats, "pandas"),
    "polars": (polars_stats, "polars"),
    "nanclean.scan": (nanclean_scan, "polars"),
}


def estimation_error(arr: np.ndarray, names: list[str], report: Any) -> dict[str, Any]:
    """How far nanclean's sampled median / q01 / q25 / q75 / q99 are from the exact
    ones, as percentile ranks in the full column (finite values).

    The i-th smallest of n finite values has rank i / (n - 1), the convention of
    the linear interpolation both libraries use. An estimate ``e`` equal to the
    values i..j has ranks [i, j] / (n - 1); one strictly between the i-th and the
    (i + 1)-th value, ranks [i, i + 1] / (n - 1). The error is the distance from
    q to that interval, in percentile points (0 for the exact quantile).
    """
    stats = {"median": 0.5, "q01": 0.01, "q25": 0.25, "q75": 0.75, "q99": 0.99}
    errors: dict[str, list[float]] = {k: [] for k in stats}
    for j, name in enumerate(names):
        col = arr[:, j]
        fin = col[np.isfinite(col)]
        s = report.columns[name]
        for key, q in stats.items():
            e = getattr(s, key)
            below, at_most = np.count_nonzero(fin < e), np.count_nonzero(fin <= e)
            low, high = (below, at_most - 1) if at_most > below else (below - 1, below)
            low_q, high_q = low / (len(fin) - 1), high / (len(fin) - 1)
            errors[key].append(100 * max(0.0, low_q - q, q - high_q))
    estimated = any(s.estimated for s in report.columns.values())
    return {
        "estimated": estimated,
        "max": {k: max(v) for k, v in errors.items()},
        "mean": {k: float(np.mean(v)) for k, v in errors.items()},
        "sample_size": report.config.get("sample_size"),
    }
