"""nanclean.ratio: a polars expression with an explicit zero-denominator policy."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import ConfigError, PolicyError


def test_ratio_nulls_zero_and_near_zero_denominators() -> None:
    df = pl.DataFrame(
        {"gmv": [10.0, 20.0, 30.0, 40.0], "orders": [2.0, 0.0, 1e-39, 4.0]}
    )
    out = df.select(r=nc.ratio("gmv", "orders"))["r"].to_list()
    assert out == [5.0, None, None, 10.0]


def test_near_zero_is_relative_to_the_columns_scale_not_a_fixed_1e10() -> None:
    # a denominator measured in units of 1e-12: 1e-11 is a normal value here
    small = pl.DataFrame({"n": [1.0, 1.0, 1.0], "d": [2e-12, 1e-11, 5e-12]})
    assert small.select(nc.ratio("n", "d")).to_series().null_count() == 0
    # ... while 1e-5 is zero at float32 resolution beside values around 1e3
    big = pl.DataFrame({"n": [1.0, 1.0, 1.0], "d": [1000.0, 1e-5, 2000.0]})
    assert big.select(nc.ratio("n", "d")).to_series().to_list()[1] is None


def test_eps_mode_changes_the_result_in_the_dtype() -> None:
    df = pl.DataFrame({"n": [1.0, 1.0], "d": [0.0, 2.0]})
    out = df.select(nc.ratio("n", "d", on_zero="eps", dtype="float32")).to_series()
    assert np.isfinite(out.to_numpy()).all()
    assert np.isfinite(np.float32(out[0]))


def test_error_mode_names_the_rows() -> None:
    df = pl.DataFrame({"n": [1.0, 1.0, 1.0], "d": [1.0, 0.0, 2.0]})
    with pytest.raises(PolicyError, match=r"'d' is zero or near zero in 1 rows \(1\)"):
        df.select(nc.ratio("n", "d", on_zero="error"))


def test_bad_arguments() -> None:
    with pytest.raises(ConfigError, match=r"on_zero must be one of"):
        nc.ratio("a", "b", on_zero="skip")
    with pytest.raises(ConfigError, match=r"dtype must be one of"):
        nc.ratio("a", "b", dtype="int8")
