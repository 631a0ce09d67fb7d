"""What a scan or a clean reports: finding kinds, severities and findings.

Declaration only: nothing here runs a query. The string values of
:class:`FindingKind` and :class:`Severity` appear in JSON, HTML and the CLI,
so they are API and never change once released.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from nanclean.errors import format_rows

__all__ = ["Action", "ActionKind", "Finding", "FindingKind", "RowLabels", "Severity"]


class Severity(StrEnum):
    """How bad a finding is for training.

    ``error``: will make the loss non-finite. ``warning``: likely to
    destabilize training. ``info``: worth knowing, harmless as it is.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class FindingKind(StrEnum):
    """Every kind of finding nanclean reports (stable snake_case values)."""

    # D1, D2: missing and non-finite cells
    NULL = "null"
    NAN = "nan"
    POS_INF = "pos_inf"
    NEG_INF = "neg_inf"
    ALL_MISSING = "all_missing"
    # D5: outliers by the configured (robust) rule
    OUTLIER = "outlier"
    # D5: a long tail of real values (kept; the fix is a transform or squash)
    HEAVY_TAIL = "heavy_tail"
    # D2, D3, D12: ratios and their denominators
    ZERO_DENOMINATOR = "zero_denominator"
    SUSPECTED_DENOMINATOR = "suspected_denominator"
    # D7: no spread to scale by
    CONSTANT = "constant"
    NEAR_CONSTANT = "near_constant"
    # D9: reduced-precision ranges
    FP16_OVERFLOW = "fp16_overflow"
    FP16_UNDERFLOW = "fp16_underflow"
    BF16_OVERFLOW = "bf16_overflow"
    FP32_OVERFLOW = "fp32_overflow"
    FP32_PRECISION = "fp32_precision"
    # D4: inputs of log / sqrt / reciprocal outside their domain
    LOG_DOMAIN = "log_domain"
    SQRT_DOMAIN = "sqrt_domain"
    RECIPROCAL_DOMAIN = "reciprocal_domain"
    # D8: the target against its loss
    LABEL_MISSING = "label_missing"
    LABEL_OUT_OF_DOMAIN = "label_out_of_domain"
    LABEL_CODING = "label_coding"
    # D11: types
    COERCED = "coerced"
    UNPARSEABLE = "unparseable"
    NON_NUMERIC = "non_numeric"
    # user-supplied pandera schema on the input
    SCHEMA_VIOLATION = "schema_violation"
    # D10: new data against the fitted contract
    DRIFT_RANGE = "drift_range"
    DRIFT_MISSING = "drift_missing"
    DRIFT_NOT_CONSTANT = "drift_not_constant"
    EXTRA_COLUMN = "extra_column"


class RowLabels:
    """Maps 0-based row positions to the caller's row labels.

    ``labels`` is None when the labels are the positions themselves (polars,
    numpy, pyarrow, files, a pandas frame with a default RangeIndex).
    """

    __slots__ = ("labels",)

    def __init__(self, labels: np.ndarray | None = None) -> None:
        self.labels = labels

    def __call__(self, positions: np.ndarray) -> list[Any]:
        if self.labels is None:
            return positions.tolist()
        return [_plain(v) for v in self.labels[positions]]


def _plain(value: Any) -> Any:
    """A JSON-able scalar for a row label (numpy scalars, timestamps, ...)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


class _Rows:
    """The rows a finding is about or an action touched, two ways."""

    row_ids: np.ndarray
    labels: RowLabels

    @property
    def rows(self) -> list[Any]:
        """Every row, as the caller's labels (index label or position)."""
        return self.labels(self.row_ids)

    @property
    def positions(self) -> np.ndarray:
        """Every row as its 0-based input position (``row_ids``)."""
        return self.row_ids


@dataclass(eq=False)
class Finding(_Rows):
    """One problem found in one column.

    Attributes
    ----------
    kind : FindingKind
    column : str
        The column the finding is about (for a ratio: the ratio column).
    severity : Severity
    count : int
        Number of offending cells (or rows, for row-level findings).
    fraction : float
        ``count`` over the number of rows scanned.
    message : str
        What is wrong, where, and the fix.
    row_ids : numpy.ndarray
        0-based positions of every offending row (int64), in input order; also
        available as :attr:`positions`. :attr:`rows` gives the same rows as
        the caller's labels.
    examples : list of (label, value)
        A few offending rows with their values (for outliers and dtype
        overflows, the most extreme first).
    details : dict
        Kind-specific facts (bounds, the denominator column, a mapping, ...).
    """

    kind: FindingKind
    column: str
    severity: Severity
    count: int
    fraction: float
    message: str
    row_ids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    examples: list[tuple[Any, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    labels: RowLabels = field(default_factory=RowLabels, repr=False)

    def rows_preview(self, first: int = 5) -> str:
        return format_rows(self.labels(self.row_ids[:first]), total=len(self.row_ids))

    def to_dict(self, *, max_rows: int | None = None) -> dict[str, Any]:
        ids = self.row_ids if max_rows is None else self.row_ids[:max_rows]
        return {
            "kind": self.kind.value,
            "column": self.column,
            "severity": self.severity.value,
            "count": int(self.count),
            "fraction": float(self.fraction),
            "message": self.message,
            "rows": self.labels(ids),
            "rows_total": len(self.row_ids),
            "examples": [[label, value] for label, value in self.examples],
            "details": self.details,
        }

    def __repr__(self) -> str:
        return (
            f"Finding({self.kind.value!r}, column={self.column!r}, "
            f"severity={self.severity.value!r}, count={self.count})"
        )


def by_severity(findings: Sequence[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts


class ActionKind(StrEnum):
    """What clean did to cells, rows or columns (stable snake_case values)."""

    IMPUTED = "imputed"  # missing cell filled (details: strategy, value)
    INF_CLIPPED = "inf_clipped"  # ±inf replaced by the fitted finite bound
    INF_NULLED = "inf_nulled"  # ±inf turned missing, then imputed
    OUTLIER_CLIPPED = "outlier_clipped"  # winsorized to the fitted bounds
    OUTLIER_NULLED = "outlier_nulled"  # outlier turned missing, then imputed
    OUTLIER_FLAGGED = "outlier_flagged"  # reported only (outlier_action="flag")
    RATIO_NULLED = "ratio_nulled"  # derived ratio with a (near-)zero denominator
    RATIO_EPS = "ratio_eps"  # (near-)zero denominator nudged to the tolerance
    DTYPE_CLIPPED = "dtype_clipped"  # final guard: clipped to the dtype's range
    ROWS_DROPPED = "rows_dropped"  # rows removed (details: reason)
    COLUMN_DROPPED = "column_dropped"  # column removed (details: reason)
    LEFT_UNSCALED = "left_unscaled"  # constant column kept without scaling
    SCALED = "scaled"  # every cell of the column (details: method, center, scale)
    ENCODED = "encoded"  # non-numeric column encoded (details: method, categories)
    LABEL_MAPPED = "label_mapped"  # label_map applied to the target
    INDICATOR_ADDED = "indicator_added"  # a 0/1 indicator column added
    DERIVED = "derived"  # a ratio column derived from its numerator and denominator


@dataclass(eq=False)
class Action(_Rows):
    """One thing clean did to one column, with the rows it touched.

    Rows speak the same language as in a :class:`Finding`: :attr:`rows` are
    the caller's row labels (a pandas index label, else the position), and
    :attr:`positions` the 0-based input positions of the same rows.

    Attributes
    ----------
    kind : ActionKind
    column : str
    count : int
        The number of cells changed (rows for ``rows_dropped``).
    row_ids : numpy.ndarray
        0-based input positions of every touched cell (int64), in input order;
        the same array as :attr:`positions`, kept under this name for the
        constructor and existing code.
    details : dict
        Kind-specific facts (the fill value, the bounds, the mapping, ...).
    """

    kind: ActionKind
    column: str
    count: int
    row_ids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    details: dict[str, Any] = field(default_factory=dict)
    labels: RowLabels = field(default_factory=RowLabels, repr=False)

    def to_dict(self, *, max_rows: int | None = None) -> dict[str, Any]:
        ids = self.row_ids if max_rows is None else self.row_ids[:max_rows]
        return {
            "kind": self.kind.value,
            "column": self.column,
            "count": int(self.count),
            "rows": self.labels(ids),
            "rows_total": len(self.row_ids),
            "details": self.details,
        }
