"""D4: inputs of log / sqrt / reciprocal outside the function's domain.

Filtering the inf after ``log(0)`` does not help: the gradient is already NaN.
The only fix is upstream, so nanclean flags the inputs before the transform.
"""

from __future__ import annotations

import polars as pl

from nanclean.checks.base import Context, Flag
from nanclean.checks.denominators import tolerance
from nanclean.expr import num
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.formatting import format_number
from nanclean.stats import Profile

__all__ = ["detect"]


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
        f"(|x| <= {format_number(tol)}) in {{n}} rows ({{rows}}): 1/x is inf there. Fix: use "
        "nanclean.ratio(1, ..., on_zero='null')."
    )


def detect(column: str, profile: Profile, ctx: Context) -> list[Flag | Finding]:
    """The cells of a declared log, sqrt or reciprocal input outside the
    function's domain."""
    cfg = ctx.config
    reciprocal = column in cfg.reciprocal_inputs
    # near zero relative to the column's scale (checks/denominators.py)
    tol = tolerance(profile, cfg.dtype) if reciprocal else 0.0
    out: list[Flag | Finding] = []
    for kind, declared, rule in (
        (FindingKind.LOG_DOMAIN, column in cfg.log_inputs, _log),
        (FindingKind.SQRT_DOMAIN, column in cfg.sqrt_inputs, _sqrt),
        (FindingKind.RECIPROCAL_DOMAIN, reciprocal, _reciprocal),
    ):
        if not declared:
            continue
        mask, text = rule(column, tol)
        out.append(
            Flag(
                kind,
                column,
                mask,
                Severity.ERROR,
                text.format,  # called as message(n=..., rows=...)
                details={"tolerance": tol} if reciprocal else {},
            )
        )
    return out
