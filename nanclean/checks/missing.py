"""D1: missing cells — null and NaN counted apart, and all-missing columns."""

from __future__ import annotations

from nanclean.checks.base import Context, Flag
from nanclean.expr import num
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.formatting import plural
from nanclean.stats import Profile

__all__ = ["detect"]


def _flags(column: str, profile: Profile) -> list[Flag]:
    s = profile.stats
    out = []
    if s.null:
        out.append(
            Flag(
                FindingKind.NULL,
                column,
                num(column).is_null(),
                Severity.ERROR,
                lambda n, rows: (
                    f"Column {column!r} has {plural(n, 'null (missing) value')} (rows {rows}); a "
                    "null becomes NaN in a tensor and the loss turns NaN. Fix: clean "
                    "imputes them (impute='median' by default), or set impute='drop_row'."
                ),
            )
        )
    if s.nan:
        out.append(
            Flag(
                FindingKind.NAN,
                column,
                num(column).is_nan(),
                Severity.ERROR,
                lambda n, rows: (
                    f"Column {column!r} has {plural(n, 'NaN value')} (rows {rows}); one NaN in a "
                    "batch makes the loss NaN. Fix: clean imputes them "
                    "(impute='median' by default), or set impute='drop_row'."
                ),
            )
        )
    return out


def _all_missing(column: str, profile: Profile) -> Finding | None:
    s = profile.stats
    if s.finite or s.pos_inf or s.neg_inf:
        return None
    return Finding(
        FindingKind.ALL_MISSING,
        column,
        Severity.ERROR,
        s.count,
        1.0,
        f"Column {column!r} has no value at all: all {s.count} cells are null or NaN, "
        "so there is no statistic to impute from. Fix: drop the column, or set "
        f"columns.{column}.impute='constant' with a fill_value.",
    )


def detect(column: str, profile: Profile, ctx: Context) -> list[Flag | Finding]:
    """A feature's null and NaN cells, and whether it has no value at all (a
    missing label is the target detector's)."""
    if not ctx.is_feature(column):
        return []
    gone = _all_missing(column, profile)
    return [*([gone] if gone else []), *_flags(column, profile)]
