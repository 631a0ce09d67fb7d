"""D2: +inf and -inf cells, counted apart."""

from __future__ import annotations

from collections.abc import Callable

from nanclean.checks.base import Flag, num
from nanclean.findings import FindingKind, Severity
from nanclean.report.text import plural

__all__ = ["flags"]

_INF = float("inf")


def flags(column: str, pos_inf: int, neg_inf: int) -> list[Flag]:
    out = []
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
