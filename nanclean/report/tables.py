"""Findings and actions as data frames: one row each, for filtering from Python.

``AuditReport.to_polars()`` / ``to_pandas()`` read from here. Row labels keep
their type (an int position, a pandas index label); a list whose labels mix
types (an object index) is given as strings so that the column has one dtype.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import polars as pl

from nanclean.findings import Action, Finding
from nanclean.report.text import describe_action

__all__ = ["FIRST_ROWS", "TableName", "actions_frame", "findings_frame"]

#: Row labels listed per finding / action in ``first_rows``.
FIRST_ROWS = 5

TableName = Literal["findings", "actions"]


def findings_frame(
    findings: Sequence[Finding], *, first: int = FIRST_ROWS
) -> pl.DataFrame:
    """One row per finding: severity, kind, column, count, fraction, rows, message."""
    return pl.DataFrame(
        {
            "severity": pl.Series(
                [f.severity.value for f in findings], dtype=pl.String
            ),
            "kind": pl.Series([f.kind.value for f in findings], dtype=pl.String),
            "column": pl.Series([f.column for f in findings], dtype=pl.String),
            "count": pl.Series([int(f.count) for f in findings], dtype=pl.Int64),
            "fraction": pl.Series(
                [float(f.fraction) for f in findings], dtype=pl.Float64
            ),
            "first_rows": _labels([f.labels(f.row_ids[:first]) for f in findings]),
            "rows_total": pl.Series([len(f.row_ids) for f in findings], dtype=pl.Int64),
            "message": pl.Series([f.message for f in findings], dtype=pl.String),
        }
    )


def actions_frame(
    actions: Sequence[Action], *, first: int = FIRST_ROWS
) -> pl.DataFrame:
    """One row per action: kind, column, count, rows, and what was done."""
    return pl.DataFrame(
        {
            "kind": pl.Series([a.kind.value for a in actions], dtype=pl.String),
            "column": pl.Series([a.column for a in actions], dtype=pl.String),
            "count": pl.Series([int(a.count) for a in actions], dtype=pl.Int64),
            "first_rows": _labels([a.labels(a.row_ids[:first]) for a in actions]),
            "rows_total": pl.Series([len(a.row_ids) for a in actions], dtype=pl.Int64),
            "description": pl.Series(
                [describe_action(a) for a in actions], dtype=pl.String
            ),
        }
    )


def _labels(lists: list[list[Any]]) -> pl.Series:
    """A list column of row labels, of one inner dtype."""
    kinds = {type(v) for labels in lists for v in labels}
    if kinds <= {int}:
        return pl.Series("first_rows", lists, dtype=pl.List(pl.Int64))
    if kinds <= {int, float}:
        return pl.Series("first_rows", lists, dtype=pl.List(pl.Float64))
    return pl.Series(
        "first_rows",
        [[str(v) for v in labels] for labels in lists],
        dtype=pl.List(pl.String),
    )
