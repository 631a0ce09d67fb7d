"""D4: inputs of log / sqrt / reciprocal outside the function's domain.

Filtering the inf after ``log(0)`` does not help: the gradient is already NaN.
The only fix is upstream, so nanclean flags the inputs before the transform.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from nanclean.checks.base import Flag, fmt, num
from nanclean.findings import FindingKind, Severity

__all__ = ["flags"]


def _log(c: str, tol: float) -> tuple[pl.Expr, str]:
    return num(c) <= 0, (
        f"Column {c!r} is declared a log input but has {{n}} values <= 0 (rows "
        f"{{rows}}): log gives -inf or NaN there, and so does its gradient. Fix: use "
        f"log1p({c}) for counts, or clip {c!r} to a positive floor before the log."
    )


def _sqrt(c: str, tol: float) -> tuple[pl.Expr, str]:
    return num(c) < 0, (
        f"Column {c!r} is declared a sqrt input but has {{n}} negative values (rows "
        f"{{rows}}): sqrt gives NaN there (and its gradient at 0 is infinite). Fix: "
        f"clip {c!r} at 0 and use sqrt(x + eps)."
    )


def _reciprocal(c: str, tol: float) -> tuple[pl.Expr, str]:
    return num(c).abs() <= tol, (
        f"Column {c!r} is declared a reciprocal input but is zero or near zero "
        f"(|x| <= {fmt(tol)}) in {{n}} rows ({{rows}}): 1/x is inf there. Fix: use "
        "nanclean.ratio(1, ..., on_zero='null')."
    )


def flags(
    log_inputs: Iterable[str],
    sqrt_inputs: Iterable[str],
    reciprocal_inputs: Iterable[str],
    tolerances: dict[str, float],
) -> list[Flag]:
    out = []
    for kind, columns, rule in (
        (FindingKind.LOG_DOMAIN, log_inputs, _log),
        (FindingKind.SQRT_DOMAIN, sqrt_inputs, _sqrt),
        (FindingKind.RECIPROCAL_DOMAIN, reciprocal_inputs, _reciprocal),
    ):
        for column in columns:
            tol = tolerances.get(column, 0.0)
            mask, text = rule(column, tol)
            out.append(
                Flag(
                    kind,
                    column,
                    mask,
                    Severity.ERROR,
                    text.format,  # called as message(n=..., rows=...)
                    details={"tolerance": tol} if column in tolerances else {},
                )
            )
    return out
