"""D4: inputs of log / sqrt / reciprocal outside the function's domain.

Filtering the inf after ``log(0)`` does not help: the gradient is already NaN.
The only fix is upstream, so nanclean flags the inputs before the transform.
"""

from __future__ import annotations

from collections.abc import Iterable

from nanclean.checks.base import Flag, fmt, num
from nanclean.findings import FindingKind, Severity

__all__ = ["flags"]


def flags(
    log_inputs: Iterable[str],
    sqrt_inputs: Iterable[str],
    reciprocal_inputs: Iterable[str],
    tolerances: dict[str, float],
) -> list[Flag]:
    out = []
    for column in log_inputs:
        out.append(
            Flag(
                FindingKind.LOG_DOMAIN,
                column,
                num(column) <= 0,
                Severity.ERROR,
                lambda n, rows, c=column: (
                    f"Column {c!r} is declared a log input but has {n} values <= 0 "
                    f"(rows {rows}): log gives -inf or NaN there, and so does its "
                    f"gradient. Fix: use log1p({c}) for counts, or clip {c!r} to a "
                    "positive floor before the log."
                ),
            )
        )
    for column in sqrt_inputs:
        out.append(
            Flag(
                FindingKind.SQRT_DOMAIN,
                column,
                num(column) < 0,
                Severity.ERROR,
                lambda n, rows, c=column: (
                    f"Column {c!r} is declared a sqrt input but has {n} negative values "
                    f"(rows {rows}): sqrt gives NaN there (and its gradient at 0 is "
                    f"infinite). Fix: clip {c!r} at 0 and use sqrt(x + eps)."
                ),
            )
        )
    for column in reciprocal_inputs:
        tol = tolerances[column]
        out.append(
            Flag(
                FindingKind.RECIPROCAL_DOMAIN,
                column,
                num(column).abs() <= tol,
                Severity.ERROR,
                lambda n, rows, c=column, tol=tol: (
                    f"Column {c!r} is declared a reciprocal input but is zero or near "
                    f"zero (|x| <= {fmt(tol)}) in {n} rows ({rows}): 1/x is inf there. "
                    "Fix: use nanclean.ratio(1, ..., on_zero='null')."
                ),
                details={"tolerance": tol},
            )
        )
    return out
