"""nanclean.stats on its own: exact counts, robust statistics and histograms of
small columns, each expected value worked out by hand or with the standard
library (never read back from nanclean)."""

from __future__ import annotations

import statistics

import numpy as np
import polars as pl
import pytest

from nanclean.frame import ROW_ID
from nanclean.stats import (
    Profile,
    histogram,
    median_unsorted,
    output_stats,
    profile_columns,
    quantile_sorted,
)

INF = float("inf")
NAN = float("nan")


def _profile(values: list[float | None], sample_size: int = 1000) -> Profile:
    df = pl.DataFrame({"x": values}, schema={"x": pl.Float64}).with_row_index(ROW_ID)
    profiles = profile_columns(
        df.lazy(),
        ["x"],
        dtypes={"x": "Float64"},
        n_rows=df.height,
        sample_size=sample_size,
    )
    return profiles["x"]


def test_exact_counts_and_finite_statistics_of_a_messy_column() -> None:
    values = [1.0, 2.0, NAN, INF, -INF, None, 4.0, 0.0, 5.0]
    finite = [1.0, 2.0, 4.0, 0.0, 5.0]
    s = _profile(values).stats
    assert (s.count, s.null, s.nan, s.pos_inf, s.neg_inf, s.zeros) == (9, 1, 1, 1, 1, 1)
    assert s.finite == 5 and s.missing == 2
    assert (s.min, s.max) == (0.0, 5.0)
    assert s.mean == pytest.approx(statistics.fmean(finite))
    assert s.std == pytest.approx(statistics.stdev(finite))  # sample std (ddof=1)
    # sorted finite values 0 1 2 4 5: median 2, quartiles at ranks 1 and 3
    assert (s.median, s.q25, s.q75) == (2.0, 1.0, 4.0)
    assert s.mad == 2.0  # |x - 2| = 1 0 2 2 3 → median 2
    assert s.estimated is False


def test_nonfinite_cells_are_found_by_row() -> None:
    profile = _profile([1.0, INF, NAN, -INF, INF])
    assert profile.rows_where(INF).tolist() == [1, 4]
    assert profile.rows_where(-INF).tolist() == [3]
    assert profile.rows_where(NAN).tolist() == [2]


def test_a_column_without_finite_values_has_no_statistics() -> None:
    s = _profile([NAN, None, INF]).stats
    assert (s.nan, s.null, s.pos_inf) == (1, 1, 1)
    assert s.min is s.max is s.median is s.mean is None


def test_quantile_interpolates_between_closest_ranks_without_overflow() -> None:
    assert quantile_sorted(np.array([0.0, 10.0]), 0.25) == 2.5
    assert quantile_sorted(np.array([1.0, 2.0, 4.0, 5.0]), 0.75) == 4.25
    big = np.array([1.6e308, 1.7e308])
    assert quantile_sorted(big, 0.5) == pytest.approx(1.65e308)


def test_median_of_an_even_count_averages_the_middle_pair_without_overflow() -> None:
    assert median_unsorted(np.array([5.0, 1.0, 3.0, 2.0])) == 2.5
    assert median_unsorted(np.array([9.0, 1.0, 3.0])) == 3.0
    assert median_unsorted(np.array([1.7e308, 1.7e308])) == 1.7e308


def test_linear_histogram_matches_numpy() -> None:
    values = np.sort(np.array([0.0, 0.5, 1.0, 2.0, 2.5, 3.0]))
    h = histogram(values, 0.0, 3.0, bins=3)
    assert h is not None and h["scale"] == "linear"
    counts, edges = np.histogram(values, bins=3, range=(0.0, 3.0))
    assert h["counts"] == counts.tolist()
    assert h["edges"] == pytest.approx(edges.tolist())


def test_histogram_of_a_constant_or_empty_column() -> None:
    assert histogram(np.array([4.0, 4.0]), 4.0, 4.0) == {
        "scale": "linear",
        "edges": [4.0, 4.0],
        "counts": [2],
    }
    assert histogram(np.empty(0), None, None) is None


def test_an_extreme_value_gets_a_symlog_histogram_that_counts_every_value() -> None:
    values = np.sort(np.append(np.linspace(1.0, 2.0, 99), 1e12))
    h = histogram(values, 1.0, 1e12, bins=30)
    assert h is not None and h["scale"] == "symlog"
    assert sum(h["counts"]) == 100
    assert h["counts"][-1] >= 1  # the 1e12 value sits in the last bin
    assert h["edges"][0] == 1.0 and h["edges"][-1] == 1e12


def test_output_stats_of_a_clean_frame() -> None:
    frame = pl.DataFrame({"a": [1.0, 2.0, 3.0, 0.0], "b": [5.0, 5.0, 5.0, 5.0]})
    stats = output_stats(frame)
    a, b = stats["a"], stats["b"]
    assert (a.count, a.min, a.max, a.zeros) == (4, 0.0, 3.0, 1)
    assert a.mean == pytest.approx(1.5)
    assert a.std == pytest.approx(statistics.stdev([1.0, 2.0, 3.0, 0.0]))
    assert (b.min, b.max, b.std) == (5.0, 5.0, 0.0)
    assert output_stats(frame.head(0)) == {}
