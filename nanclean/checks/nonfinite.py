"""D2: +inf and -inf cells, counted apart."""

from __future__ import annotations

from collections.abc import Callable

from nanclean.checks.base import Context, Flag
from nanclean.expr import num
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.formatting import plural
from nanclean.stats import Profile

__all__ = ["detect"]

_INF = float("inf")


def detect(column: str, profile: Profile, ctx: Context) -> list[Flag | Finding]:
    """A feature's +inf and -inf cells."""
    if not ctx.is_feature(column):
        return []
    pos_inf, neg_inf = profile.stats.pos_inf, profile.stats.neg_inf
    out: list[Flag | Finding] = []
    for kind, count, sign, value in (
        (FindingKind.POS_INF, pos_inf, "+inf", _INF),
        (FindingKind.NEG_INF, neg_inf, "-inf", -_INF),
    ):
        if count:
            out.append(
                Flag(
                    kind,
                    column,
                    num(column) == value,
                    Severity.ERROR,
                    _message(column, sign),
                )
            )
    return out


def _message(column: str, sign: str) -> Callable[..., str]:
    return lambda n, rows: (
        f"Column {column!r} has {plural(n, f'{sign} value')} (rows {rows}); inf times a zero "
        "weight is NaN, so the loss turns NaN. Often a ratio whose denominator is 0 "
        "in those rows. Fix: clean clips them to the fitted finite bound "
        "(inf='clip' by default); or build the ratio with "
        "nanclean.ratio(..., on_zero='null')."
    )
