"""Repair on its own: a hand-written Plan applied to a small frame.

The Plan is written here (not fitted), so every expected output cell follows
from the plan's numbers by the documented order: NaN becomes missing, ±inf is
clipped to its bound, outliers are clipped (or nulled), missing cells are
imputed, then the column is scaled as (x - center) / scale_by.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import PolicyError
from nanclean.findings import ActionKind
from nanclean.plan import SQUASH_BOUND, ColumnPlan, Plan

INF = float("inf")
NAN = float("nan")
#           0    1     2    3    4     5      6
X = [1.0, None, NAN, INF, -INF, 100.0, -3.0]


def _column(**overrides: Any) -> ColumnPlan:
    fields: dict[str, Any] = {
        "name": "x",
        "impute": "constant",
        "fill": 2.0,
        "inf_low": 0.5,
        "inf_high": 40.0,
        "outlier_method": "iqr",
        "outlier_action": "clip",
        "outlier_low": 0.0,
        "outlier_high": 50.0,
        "scale": "standard",
        "center": 2.0,
        "scale_by": 4.0,
    }
    return ColumnPlan(**(fields | overrides))


def _apply(cp: ColumnPlan, values: list[Any] = X) -> nc.CleanResult:
    outputs = ["x"] + (["x__missing"] if cp.missing_indicator else [])
    outputs += ["x__clipped"] if cp.clip_indicator else []
    plan = Plan(
        input_columns=["x"], columns=[cp], output_columns=outputs, dtype="float64"
    )
    df = pl.DataFrame({"x": values}, schema={"x": pl.Float64})
    return nc.Cleaner.from_plan(plan).transform(df)


def _rows(result: nc.CleanResult) -> dict[ActionKind, list[int]]:
    """The rows each kind of action touched (±inf are two actions of one kind)."""
    out: dict[ActionKind, list[int]] = {}
    for a in result.report.actions:
        out.setdefault(a.kind, []).extend(a.rows)
    return {kind: sorted(rows) for kind, rows in out.items() if rows}


def test_each_cell_is_repaired_then_scaled() -> None:
    result = _apply(_column())
    # repaired: 1, fill 2, fill 2, +inf→40, -inf→0.5, 100→50, -3→0
    repaired = [1.0, 2.0, 2.0, 40.0, 0.5, 50.0, 0.0]
    expected = [(v - 2.0) / 4.0 for v in repaired]
    assert result.frame["x"].to_list() == pytest.approx(expected)
    actions = _rows(result)
    assert actions[ActionKind.IMPUTED] == [1, 2]
    assert actions[ActionKind.INF_CLIPPED] == [3, 4]
    assert actions[ActionKind.OUTLIER_CLIPPED] == [5, 6]


def test_the_input_frame_is_left_unchanged() -> None:
    df = pl.DataFrame({"x": X}, schema={"x": pl.Float64})
    before = df.clone()
    plan = Plan(input_columns=["x"], columns=[_column()], output_columns=["x"])
    nc.Cleaner.from_plan(plan).transform(df)
    assert df.equals(before)


def test_nulled_outliers_are_imputed_like_missing_cells() -> None:
    cp = _column(outlier_action="null", scale="none", center=0.0, scale_by=1.0)
    result = _apply(cp)
    assert result.frame["x"].to_list() == [1.0, 2.0, 2.0, 40.0, 0.5, 2.0, 2.0]
    assert _rows(result)[ActionKind.OUTLIER_NULLED] == [5, 6]


def test_indicators_mark_the_missing_and_the_clipped_cells() -> None:
    result = _apply(_column(missing_indicator=True, clip_indicator=True))
    assert result.frame["x__missing"].to_list() == [0, 1, 1, 0, 0, 0, 0]
    assert result.frame["x__clipped"].to_list() == [0, 0, 0, 1, 1, 1, 1]


def test_drop_row_removes_exactly_the_missing_rows_in_order() -> None:
    cp = _column(impute="drop_row", fill=None, scale="none", center=0.0, scale_by=1.0)
    values: list[float | None] = [float(i % 50) for i in range(300)]
    values[10], values[200] = None, NAN  # 2 of 300 rows: under max_row_loss
    result = _apply(cp, values)
    kept = [v for i, v in enumerate(values) if i not in (10, 200)]
    assert result.frame["x"].to_list() == kept
    assert result.report.output["rows_dropped"] == 2


def test_squash_bounds_every_value_smoothly() -> None:
    cp = _column(scale="squash", outlier_low=None, outlier_high=None, scale_by=1.0)
    result = _apply(cp, [2.0, 3.0, 1e6])
    z = [0.0, 1.0, 1e6 - 2.0]
    expected = [v / math.sqrt(1.0 + (v / SQUASH_BOUND) ** 2) for v in z]
    assert result.frame["x"].to_list() == pytest.approx(expected)
    assert max(result.frame["x"]) < SQUASH_BOUND


def test_a_policy_of_error_refuses_with_the_rows() -> None:
    cp = _column(pos_inf="error")
    with pytest.raises(
        PolicyError, match=r"Column 'x' has 1 cells .*inf='error'.*\(rows 3\)"
    ):
        _apply(cp)
