"""``to_numpy()``: the target comes in the features' training dtype (issue 14)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import nanclean as nc


@pytest.mark.parametrize(
    ("loss", "y", "plan_dtype", "x_dtype", "y_dtype"),
    [
        ("mse", [0.5, 1.5, 2.5, 3.0, 4.0, 5.0], "float32", np.float32, np.float32),
        ("bce", [0, 1, 1, 0, 1, 0], "float32", np.float32, np.float32),
        ("poisson", [0, 3, 1, 2, 5, 1], "float32", np.float32, np.float32),
        ("mse", [0.5, 1.5, 2.5, 3.0, 4.0, 5.0], "float64", np.float64, np.float64),
        # numpy has no bfloat16; float16 plans hand float32 arrays within float16's range
        ("mse", [0.5, 1.5, 2.5, 3.0, 4.0, 5.0], "float16", np.float32, np.float32),
        ("ce", [0, 2, 1, 0, 2, 1], "float32", np.float32, np.int64),
        ("ce", [0, 2, 1, 0, 2, 1], "float64", np.float64, np.int64),
    ],
)
def test_target_matches_the_training_dtype(
    loss: str, y: list[float], plan_dtype: str, x_dtype: type, y_dtype: type
) -> None:
    df = pl.DataFrame({"a": [1.0, 2.0, np.inf, 4.0, 5.0, 6.0], "y": y})
    result = nc.clean(df, target="y", loss=loss, config={"dtype": plan_dtype})
    x, target = result.to_numpy()
    assert x.dtype == x_dtype
    assert target is not None and target.dtype == y_dtype
    np.testing.assert_array_equal(target, np.asarray(y).astype(y_dtype))
