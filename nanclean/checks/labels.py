"""D8: the target against the loss it is trained with.

Labels are never imputed: a missing or out-of-domain label either drops its
row or raises. A binary target coded as two other values ({1, 2}, {-1, 1}) is
reported as a coding problem with the mapping that fixes it, not as half of
the rows being wrong.
"""

from __future__ import annotations

import polars as pl

from nanclean.checks.base import Context, Flag
from nanclean.expr import num
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.formatting import format_number, plural
from nanclean.losses import LOSSES
from nanclean.stats import Profile

__all__ = ["DOMAINS", "detect", "domain_mask", "missing_mask"]

#: The valid target domain of each loss, in words.
DOMAINS = {name: loss.domain for name, loss in LOSSES.items()}


#: pandas' category code of a missing value: a CE class id of -1 is missing.
MISSING_CLASS = -1


def missing_mask(column: str, loss: str) -> pl.Expr:
    """True on a missing label: null, NaN, or class id -1 under ``ce``."""
    y = num(column)
    missing = y.is_null() | y.is_nan()
    if loss == "ce":
        missing = missing | (y == MISSING_CLASS)
    return missing.fill_null(True)


def domain_mask(column: str, loss: str, n_classes: int | None = None) -> pl.Expr:
    """True on a present (non-missing) label outside the loss's domain."""
    y = num(column)
    bad = y.is_infinite()
    if loss == "bce":
        bad = bad | (y < 0) | (y > 1)
    elif loss == "ce":
        bad = bad | ((y < 0) & (y != MISSING_CLASS)) | (y != y.floor())
        if n_classes is not None:
            bad = bad | (y >= n_classes)
    elif loss == "poisson":
        bad = bad | (y < 0)
    elif loss == "gamma":
        bad = bad | (y <= 0)
    elif loss == "msle":
        bad = bad | (y <= -1)
    # polars orders NaN above every number (NaN > 1 is True): a NaN label is
    # reported as label_missing only, never also as out of domain.
    return (bad & y.is_not_nan()).fill_null(False)


def _coding(
    profile: Profile, loss: str, n_classes: int | None
) -> dict[float, int] | None:
    """A mapping that fixes a shifted label coding, or None."""
    s = profile.stats
    values = profile.distinct or []
    if (
        loss == "bce"
        and profile.n_distinct == 2
        and not all(0 <= v <= 1 for v in values)
    ):
        return {values[0]: 0, values[1]: 1}
    if (
        loss == "ce"
        and n_classes is not None
        and profile.int_valued
        and s.min == 1
        and s.max == n_classes
    ):
        return {float(k): k - 1 for k in range(1, n_classes + 1)}
    return None


def detect(column: str, profile: Profile, ctx: Context) -> list[Flag | Finding]:
    """The target's missing labels, a shifted label coding, or labels outside
    the domain of the loss."""
    if ctx.is_feature(column):
        return []
    loss, n_classes = ctx.loss, ctx.config.n_classes
    s = profile.stats
    out: list[Flag | Finding] = []
    if s.missing or (loss == "ce" and s.min is not None and s.min <= MISSING_CLASS):
        out.append(
            Flag(
                FindingKind.LABEL_MISSING,
                column,
                missing_mask(column, loss),
                Severity.ERROR,
                lambda n, rows: (
                    f"Target {column!r} is missing (null or NaN"
                    f"{', or class id -1' if loss == 'ce' else ''}) in {n} rows ({rows}); "
                    "a NaN label makes the loss NaN, and labels are never imputed. Fix: "
                    "clean drops these rows (invalid_labels='drop_row' by default)."
                ),
            )
        )
    mapping = _coding(profile, loss, n_classes)
    if mapping is not None:
        shown = ", ".join(
            f"{format_number(k)}: {v}" for k, v in list(mapping.items())[:4]
        )
        more = ", …" if len(mapping) > 4 else ""
        out.append(
            Flag(
                FindingKind.LABEL_CODING,
                column,
                domain_mask(column, loss, n_classes),
                Severity.ERROR,
                lambda n, rows: (
                    f"Target {column!r} looks like a shifted coding for loss {loss!r}: "
                    f"its values run {format_number(s.min)}..{format_number(s.max)} where {loss} expects "
                    f"{DOMAINS[loss]}{' below ' + str(n_classes) if n_classes and loss == 'ce' else ''}; "
                    f"{n} rows are outside ({rows}). Fix: set label_map = "
                    f"{{{shown}{more}}} in the config."
                ),
                details={"mapping": {str(k): v for k, v in mapping.items()}},
            )
        )
        return out
    if s.min is None:
        return out
    limit = f" below n_classes={n_classes}" if loss == "ce" and n_classes else ""
    out.append(
        Flag(
            FindingKind.LABEL_OUT_OF_DOMAIN,
            column,
            domain_mask(column, loss, n_classes),
            Severity.ERROR,
            lambda n, rows: (
                f"Target {column!r} has {plural(n, 'label')} outside the domain of loss {loss!r} "
                f"({DOMAINS[loss]}{limit}; rows {rows}); the loss is NaN or meaningless "
                "there. Fix: correct the labels, map them with label_map, or let clean "
                "drop the rows (invalid_labels='drop_row' by default)."
            ),
        )
    )
    return out
