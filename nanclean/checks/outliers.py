"""D5: extreme values, told apart from the tail of a real distribution.

A rule based on the mean and the standard deviation fails on exactly the data
that needs it: a 1e9 cell inflates the std so much that it sits within "100
sigma" of the mean. A rule based on the median and the MAD alone fails the
other way: delays, incomes and counts have long tails that carry the signal,
and "10 robust sigma" clips 8% of a real flight-delay column.

The default rule, ``tail``, measures each side of a column against its own
tail. On the log-modulus scale ``u(x) = log1p(|x - median| / s)`` (``s`` the
robust scale), the tail anchor is the 99th percentile (the 1st below; nearer
the median in tables of under 500 rows, so that at least five values lie
beyond it); the fence is ``(1 + k)`` times the anchor's ``u`` (at least three
robust sigma's worth), widened by log(1000) / log(n) for a sample of n < 1000
values (a small sample says little about how far its tail reaches), and never
beyond 10,000 times the anchor's distance from the median (a planted 1e9 in a
heavy column is still caught). A value beyond the fence is orders of magnitude
further from the median than the column's own tail reaches: a 1e9 in a column
of tens, a 1e12 revenue, a typo in the units. With the default k = 1.5 the
fence is 31 sigma for normal data and grows with the tail: a lognormal or
Pareto column keeps every value its own distribution produces.

A heavy tail that is not an error is reported as ``heavy_tail`` (a warning
with the fix: a log1p transform, or ``scale="squash"``), never clipped.
"""

from __future__ import annotations

import math

import numpy as np

from nanclean.checks.base import Context, Flag
from nanclean.config import ColumnPolicy
from nanclean.expr import num
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.formatting import format_number, plural
from nanclean.stats import Profile, quantile_sorted

__all__ = ["EXTREME", "bounds", "detect"]

_F64_MAX = float(np.finfo(np.float64).max)

#: A cell this many robust standard deviations from the median is an error (D5).
EXTREME = 1e6
#: The tail anchor of the ``tail`` rule, and how many values at least lie beyond it.
TAIL_QUANTILE = 0.01
TAIL_MIN_BEYOND = 5
#: The fence is never further than this many times the anchor's reach.
TAIL_MAX_REACH = 1e4
#: Below this many finite values the fence widens by log(1000) / log(n).
TAIL_FULL_ROWS = 1000
#: The narrowest tail the ``tail`` rule assumes, in robust sigmas.
TAIL_MIN_SIGMAS = 3.0
#: ``heavy_tail``: at least this share of the finite cells beyond median ± 10 s.
HEAVY_SHARE = 0.001
HEAVY_SIGMAS = 10.0


def bounds(profile: Profile, policy: ColumnPolicy) -> tuple[float, float] | None:
    """The [low, high] range outside which a finite cell is an outlier, or None.

    Bounds are finite: near ±1.8e308 they are clamped to float64's range.
    """
    b = _raw_bounds(profile, policy)
    if b is None or np.isnan(b[0]) or np.isnan(b[1]):
        return None
    return float(np.clip(b[0], -_F64_MAX, _F64_MAX)), float(
        np.clip(b[1], -_F64_MAX, _F64_MAX)
    )


def _raw_bounds(profile: Profile, policy: ColumnPolicy) -> tuple[float, float] | None:
    s = profile.stats
    k = policy.threshold
    method = policy.outliers
    if method == "none" or s.finite == 0 or s.median is None:
        return None
    if method == "tail":
        return _tail_bounds(profile, k)
    if method == "mad":
        scale = profile.robust_scale
        if scale == 0:
            return None
        return s.median - k * scale, s.median + k * scale
    if method == "iqr":
        assert s.q25 is not None and s.q75 is not None
        iqr = (s.q75 - s.q25) or 1.349 * profile.robust_scale
        if iqr == 0:
            return None
        return s.q25 - k * iqr, s.q75 + k * iqr
    if method == "sigma":
        if not s.std or s.mean is None:
            return None
        return s.mean - k * s.std, s.mean + k * s.std
    lo, hi = profile.quantiles.get(k), profile.quantiles.get(1 - k)
    if lo is None or hi is None:
        return None
    return lo, hi


def _tail_anchors(profile: Profile) -> tuple[float, float] | None:
    """The low and high tail anchors: the 1st and 99th percentiles, or nearer
    the median when fewer than five values would lie beyond them."""
    values = profile.sample
    if len(values) < 2:
        return None
    p = max(TAIL_QUANTILE, min(0.25, TAIL_MIN_BEYOND / len(values)))
    return quantile_sorted(values, p), quantile_sorted(values, 1 - p)


def _tail_bounds(profile: Profile, k: float) -> tuple[float, float] | None:
    """median ∓ s · expm1((1 + k) · max(u(anchor), u(3 s))) on each side."""
    s = profile.robust_scale
    anchors = _tail_anchors(profile)
    median = profile.stats.median
    if s == 0 or anchors is None or median is None:
        return None
    floor = math.log1p(TAIL_MIN_SIGMAS)
    # a small sample says little about how far its tail reaches: widen
    widen = max(1.0, math.log(TAIL_FULL_ROWS) / math.log(max(len(profile.sample), 2)))
    reach = []
    for a in anchors:
        u = math.log1p(abs(a - median) / s)
        # never beyond TAIL_MAX_REACH times the anchor's own distance, however
        # heavy the tail: a planted 1e9 in a heavy column is still caught
        fence = min((1 + k) * widen * max(u, floor), u + math.log(TAIL_MAX_REACH))
        with np.errstate(over="ignore"):
            reach.append(s * np.expm1(fence))
    return median - float(reach[0]), median + float(reach[1])


def tail_reach(profile: Profile, value: float) -> float | None:
    """How many times further from the median ``value`` is than the tail
    anchor on its side (the 1st or 99th percentile)."""
    anchors = _tail_anchors(profile)
    median = profile.stats.median
    if anchors is None or median is None:
        return None
    anchor = anchors[1] if value > median else anchors[0]
    span = abs(anchor - median)
    return abs(value - median) / span if span > 0 else None


def describe_rule(policy: ColumnPolicy) -> str:
    k = format_number(policy.threshold)
    return {
        "tail": f"median ± s·expm1({format_number(1 + policy.threshold)} × log1p(tail / s)), "
        "s the robust scale, the tail the 1st / 99th percentile's distance from "
        "the median",
        "mad": f"median ± {k} × 1.4826 × MAD",
        "iqr": f"quartiles ± {k} × IQR",
        "sigma": f"mean ± {k} × std",
        "quantile": f"the {k} and {format_number(1 - policy.threshold)} quantiles",
    }.get(policy.outliers, "none")


def _flags(column: str, profile: Profile, policy: ColumnPolicy) -> list[Flag]:
    b = bounds(profile, policy)
    s = profile.stats
    if b is None or s.min is None or s.max is None:
        return []
    lo, hi = b
    if s.min >= lo and s.max <= hi:
        return []  # the exact min and max prove there is nothing to collect
    x = num(column)
    scale = profile.robust_scale or (s.std or 0.0)
    center = s.median if s.median is not None else 0.0
    worst_value = s.max if abs(s.max - center) >= abs(s.min - center) else s.min
    worst = abs(worst_value - center)
    extreme = scale > 0 and worst / scale >= EXTREME
    rule = describe_rule(policy)
    if policy.outliers == "mad" and s.mad == 0 and profile.off_median_mad:
        rule += " of the values off the median, as over half equal it"
    reach = tail_reach(profile, worst_value)
    beyond = (
        f", {format_number(reach)} times as far from the median as the column's "
        f"{'99th' if worst_value > center else '1st'} percentile"
        if reach is not None
        else ""
    )
    return [
        Flag(
            FindingKind.OUTLIER,
            column,
            x.is_finite() & ((x < lo) | (x > hi)),
            Severity.ERROR if extreme else Severity.WARNING,
            lambda n, rows: (
                f"Column {column!r} has {plural(n, 'outlier')} outside [{format_number(lo)}, {format_number(hi)}] "
                f"({rule}; rows {rows}); the most extreme, {format_number(worst_value)}, is "
                f"{format_number(worst / scale) if scale else '∞'} robust standard deviations "
                f"from the median{beyond}"
                + (", enough to blow up activations and gradients" if extreme else "")
                + ". Fix: clean clips them to the bounds (outlier_action='clip' by "
                "default); set outlier_action='null' or 'drop_row', or outliers='none' "
                "if they are genuine."
            ),
            details={
                "low": lo,
                "high": hi,
                "method": policy.outliers,
                "threshold": policy.threshold,
                "most_extreme": worst_value,
                "tail_reach": reach,
            },
            outside=(lo, hi),
        )
    ]


def _heavy_tail(column: str, profile: Profile, policy: ColumnPolicy) -> Finding | None:
    """A column whose finite values reach far beyond median ± 10 robust sigma in
    more than a trace of cells, without being extreme: real signal in a long
    tail, which a linear scaler squeezes the bulk of the column under."""
    s = profile.stats
    scale, median, values = profile.robust_scale, s.median, profile.sample
    if scale == 0 or median is None or len(values) == 0 or s.finite == 0:
        return None
    fence = bounds(profile, policy) or (-np.inf, np.inf)
    lo, hi = median - HEAVY_SIGMAS * scale, median + HEAVY_SIGMAS * scale
    # counted on the sample (all values up to sample_size rows): the sorted
    # values make each count two binary searches
    left = np.searchsorted(values, lo, "left") - np.searchsorted(values, fence[0])
    right = np.searchsorted(values, fence[1], "right") - np.searchsorted(
        values, hi, "right"
    )
    share = (max(int(left), 0) + max(int(right), 0)) / len(values)
    if share < HEAVY_SHARE:
        return None
    n = round(share * s.finite)
    about = "about " if s.estimated else ""
    q99 = quantile_sorted(values, 0.99)
    return Finding(
        FindingKind.HEAVY_TAIL,
        column,
        Severity.WARNING,
        n,
        n / s.count,
        f"Column {column!r} has a heavy tail: {about}{plural(n, 'value')} "
        f"({100 * share:.2g}% of its finite cells) lie beyond median ± "
        f"{format_number(HEAVY_SIGMAS)} robust standard deviations "
        f"([{format_number(lo)}, {format_number(hi)}]), up to {format_number(s.max)} (99th percentile "
        f"{format_number(q99)}). They are real values of a skewed distribution, not errors: "
        "clean keeps them. A linear scaler squeezes the bulk of the column into a "
        "narrow band under them. Fix: train on log1p of the column (for "
        "non-negative values), or set scale='squash' to bound the tail smoothly.",
        details={"share": share, "low": lo, "high": hi, "max": s.max, "min": s.min},
    )


def detect(column: str, profile: Profile, ctx: Context) -> list[Flag | Finding]:
    """A feature's heavy tail (a warning, kept) and its outliers (flagged)."""
    if not ctx.is_feature(column):
        return []
    policy = ctx.config.policy(column)
    tail = _heavy_tail(column, profile, policy)
    return [*([tail] if tail else []), *_flags(column, profile, policy)]
