"""D2, D3, D12: zero and near-zero denominators, declared and suspected.

"Near zero" is relative (D3): a denominator cell is near zero when it is
below the training dtype's smallest normal number, or when it vanishes at the
column's own resolution — ``|d| <= eps(dtype) * median(|d|)``, i.e. adding it
to a typical value of the column changes nothing in that dtype. A fixed 1e-10
is wrong both ways: in float32 ``1 + 1e-10 == 1``, and ``x / (y + 1e-10)``
still overflows when ``y`` is 1e-38.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import polars as pl

from nanclean.checks.base import Context, Flag
from nanclean.dtypes import float_info
from nanclean.errors import format_rows
from nanclean.expr import num
from nanclean.findings import Finding, FindingKind, RowLabels, Severity
from nanclean.formatting import format_number
from nanclean.stats import Profile

__all__ = [
    "detect",
    "is_candidate",
    "near_zero",
    "suspected",
    "tolerance",
]


def tolerance(profile: Profile, dtype: str) -> float:
    """Largest |d| that counts as zero for a denominator trained in ``dtype``."""
    info = float_info(dtype)
    typical = profile.abs_median or 0.0
    return max(info.eps * typical, info.tiny)


def near_zero(column: str, tol: float) -> pl.Expr:
    return num(column).abs() <= tol


def is_candidate(profile: Profile) -> bool:
    """Only columns that hold zeros or tiny values can explain an inf elsewhere."""
    return profile.stats.zeros > 0 or profile.fp16_tiny > 0


def detect(column: str, profile: Profile, ctx: Context) -> list[Flag | Finding]:
    """The zero and near-zero cells of ``column`` as the denominator of each
    ratio the config declares on it (flagged under the ratio's name)."""
    cfg = ctx.config
    dtype = cfg.dtype
    out: list[Flag | Finding] = []
    for name, (numerator, denominator) in cfg.ratios.items():
        if denominator != column:
            continue
        tol = tolerance(profile, dtype)
        out.append(
            Flag(
                FindingKind.ZERO_DENOMINATOR,
                name,
                near_zero(denominator, tol),
                Severity.ERROR,
                lambda n, rows, name=name, den=denominator, nu=numerator, tol=tol: (
                    f"Ratio {name!r} = {nu!r} / {den!r}: the denominator {den!r} is zero "
                    f"or near zero (|{den}| <= {format_number(tol)}, relative to its scale in "
                    f"{dtype}) in {n} rows ({rows}), so the ratio is inf or NaN there. "
                    f"Fix: derive it with nanclean.ratio({nu!r}, {den!r}, "
                    "on_zero='null') or set ratio_on_zero in the config."
                ),
                details={
                    "numerator": numerator,
                    "denominator": denominator,
                    "tolerance": tol,
                },
                values=num(denominator),
            )
        )
    return out


def suspected(
    column: str,
    bad_rows: np.ndarray,
    what: str,
    overlaps: Mapping[str, int],
    zero_counts: Mapping[str, int],
    n_rows: int,
    labels: RowLabels,
) -> Finding | None:
    """The column whose (near-)zero cells coincide with ``column``'s bad rows.

    A candidate must cover at least half of the bad rows, and its zeros must
    be specific to them: either most of its zeros fall on bad rows, or it
    covers far more bad rows than its base rate of zeros would by chance
    (lift >= 10). A count column that is 0 in 90% of all rows is not blamed.
    """
    best: tuple[float, str] | None = None
    n_bad = len(bad_rows)
    for den, hit in overlaps.items():
        if hit == 0:
            continue
        coverage = hit / n_bad
        base = zero_counts[den] / n_rows
        specific = hit / zero_counts[den] >= 0.5 or coverage >= 10 * base
        if coverage >= 0.5 and specific and (best is None or coverage > best[0]):
            best = (coverage, den)
    if best is None:
        return None
    den = best[1]
    hit, zeros = overlaps[den], zero_counts[den]
    if hit == n_bad == zeros:
        where = "in exactly those rows"
    elif hit == n_bad:
        where = f"in all those rows (and {zeros} rows in all)"
    else:
        where = f"in {hit} of those {n_bad} rows (and {zeros} rows in all)"
    return Finding(
        FindingKind.SUSPECTED_DENOMINATOR,
        column,
        Severity.ERROR,
        n_bad,
        n_bad / n_rows,
        f"Column {column!r} is {what} in rows {format_rows(labels(bad_rows[:5]), n_bad)}; "
        f"{den!r} is zero or near zero {where}. {column!r} looks like a ratio with "
        f"denominator {den!r}. Fix: derive it with nanclean.ratio(numerator, {den!r}, "
        f"on_zero='null'), or declare ratios.{column} = [numerator, {den!r}] in the "
        "config.",
        row_ids=bad_rows,
        details={
            "denominator": den,
            "coinciding_rows": hit,
            "denominator_zeros": zeros,
        },
        labels=labels,
    )


def with_extreme_rows(f: Finding, rows: np.ndarray) -> Finding:
    """``f`` (blamed on inf rows) extended by the column's extreme finite rows
    where the same denominator is near zero, not exactly zero."""
    if not len(rows):
        return f
    den, labels = f.details["denominator"], f.labels
    all_rows = np.union1d(f.row_ids, rows)
    return dataclasses.replace(
        f,
        count=len(all_rows),
        fraction=len(all_rows) / f.count * f.fraction,
        row_ids=all_rows,
        message=f.message.replace(
            f"{f.column!r} looks like a ratio",
            f"It is also extreme in rows {format_rows(labels(rows[:5]), len(rows))}, "
            f"where {den!r} is near zero but not zero. {f.column!r} looks like a ratio",
        ),
        details={**f.details, "extreme_rows": len(rows)},
    )
