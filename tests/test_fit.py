"""Fitting on its own: the Plan that Cleaner.fit learns from a small frame.

Each expected number is worked out by hand or with the standard library from
the training values (never read back from nanclean's output).
"""

from __future__ import annotations

import statistics
from typing import Any

import polars as pl
import pytest

import nanclean as nc
from nanclean.plan import ColumnPlan

INF = float("inf")
TRAIN = [1.0, 2.0, None, 4.0, 5.0, INF, -INF]
FINITE = [1.0, 2.0, 4.0, 5.0]


def _fit(values: list[Any], **config: Any) -> ColumnPlan:
    df = pl.DataFrame({"x": values, "other": [float(i) for i in range(len(values))]})
    cleaner = nc.Cleaner(nc.CleanConfig(**{"outliers": "none", **config})).fit(df)
    return cleaner.plan.column("x")


@pytest.mark.parametrize(
    ("impute", "extra", "fill"),
    [
        ("median", {}, statistics.median(FINITE)),
        ("mean", {}, statistics.fmean(FINITE)),
        ("constant", {"fill_value": -9.0}, -9.0),
    ],
)
def test_fill_value_comes_from_the_finite_training_values(
    impute: str, extra: dict[str, Any], fill: float
) -> None:
    cp = _fit(TRAIN, impute=impute, **extra)
    assert cp.impute == impute
    assert cp.fill == pytest.approx(fill)


def test_most_frequent_breaks_ties_toward_the_smallest_value() -> None:
    assert _fit([3.0, 3.0, 1.0, 1.0, 2.0], impute="most_frequent").fill == 1.0


def test_infinities_clip_to_the_finite_training_range() -> None:
    cp = _fit(TRAIN)
    assert (cp.pos_inf, cp.neg_inf) == ("clip", "clip")
    assert (cp.inf_low, cp.inf_high) == (min(FINITE), max(FINITE))
    assert (cp.train_min, cp.train_max, cp.train_missing) == (1.0, 5.0, 1)


def test_standard_scaling_is_mean_and_population_std() -> None:
    cp = _fit(TRAIN, scale="standard")
    assert cp.center == pytest.approx(statistics.fmean(FINITE))
    assert cp.scale_by == pytest.approx(statistics.pstdev(FINITE))
    assert cp.unscaled is None


def test_robust_scaling_is_median_and_interquartile_range() -> None:
    cp = _fit(TRAIN, scale="robust")
    q25, _, q75 = statistics.quantiles(FINITE, n=4, method="inclusive")
    assert cp.center == pytest.approx(statistics.median(FINITE))
    assert cp.scale_by == pytest.approx(q75 - q25)  # 4.25 - 1.75


def test_minmax_scaling_is_minimum_and_range() -> None:
    cp = _fit(TRAIN, scale="minmax")
    assert (cp.center, cp.scale_by) == (1.0, 4.0)


def test_a_constant_column_is_centered_but_not_divided() -> None:
    cp = _fit([7.0, 7.0, 7.0, 7.0], scale="standard")
    assert cp.unscaled == "constant"
    assert (cp.center, cp.scale_by) == (7.0, 1.0)
    assert cp.train_constant is True


def test_a_column_with_missing_cells_gets_an_indicator_only_when_asked() -> None:
    assert _fit(TRAIN).missing_indicator is False
    assert _fit(TRAIN, missing_indicators=True).missing_indicator is True
    assert _fit(FINITE, missing_indicators=True).missing_indicator is False


def test_iqr_outlier_bounds_are_the_tukey_fences() -> None:
    values = [float(v) for v in range(1, 21)] + [1000.0]
    cp = _fit(values, outliers="iqr", outlier_threshold=1.5, impute="mean")
    q25, _, q75 = statistics.quantiles(values, n=4, method="inclusive")
    iqr = q75 - q25
    assert cp.outlier_low == pytest.approx(q25 - 1.5 * iqr)
    assert cp.outlier_high == pytest.approx(q75 + 1.5 * iqr)
    # the clipped values, not the raw 1000, give the fill
    clipped = [min(v, q75 + 1.5 * iqr) for v in values]
    assert cp.fill == pytest.approx(statistics.fmean(clipped))
    assert cp.fill != pytest.approx(statistics.fmean(values))
