"""D5: outliers by a robust rule (default), so outliers cannot hide themselves.

A rule based on the mean and the standard deviation fails on exactly the data
that needs it: a 1e9 cell inflates the std so much that it sits within "100
sigma" of the mean. The default rule uses the median and the MAD, which a
handful of extreme cells cannot move.
"""

from __future__ import annotations

import numpy as np

from nanclean.checks.base import Flag, fmt, num
from nanclean.config import ColumnPolicy
from nanclean.findings import FindingKind, Severity
from nanclean.report.text import plural
from nanclean.stats import Profile

__all__ = ["EXTREME", "bounds", "flags"]

_F64_MAX = float(np.finfo(np.float64).max)

#: A cell this many robust standard deviations from the median is an error (D5).
EXTREME = 1e6


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


def describe_rule(policy: ColumnPolicy) -> str:
    k = fmt(policy.threshold)
    return {
        "mad": f"median ± {k} × 1.4826 × MAD",
        "iqr": f"quartiles ± {k} × IQR",
        "sigma": f"mean ± {k} × std",
        "quantile": f"the {k} and {fmt(1 - policy.threshold)} quantiles",
    }.get(policy.outliers, "none")


def flags(column: str, profile: Profile, policy: ColumnPolicy) -> list[Flag]:
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
    worst = max(abs(s.max - center), abs(s.min - center))
    extreme = scale > 0 and worst / scale >= EXTREME
    rule = describe_rule(policy)
    if policy.outliers == "mad" and s.mad == 0 and profile.off_median_mad:
        rule += " of the values off the median, as over half equal it"
    return [
        Flag(
            FindingKind.OUTLIER,
            column,
            x.is_finite() & ((x < lo) | (x > hi)),
            Severity.ERROR if extreme else Severity.WARNING,
            lambda n, rows: (
                f"Column {column!r} has {plural(n, 'outlier')} outside [{fmt(lo)}, {fmt(hi)}] "
                f"({rule}; rows {rows}); the most extreme is {fmt(worst / scale) if scale else '∞'} "
                "robust standard deviations from the median"
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
            },
            outside=(lo, hi),
        )
    ]
