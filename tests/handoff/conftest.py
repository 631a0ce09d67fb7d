"""Fixtures of the hand-off tests: small frames whose problems are known by row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def labelled() -> pd.DataFrame:
    """40 rows with a string index; row 'r07' has a BCE label of 2 (dropped),
    'r03' a missing cell, 'r05' +inf, 'r11' a value 10^9 times the others."""
    rng = np.random.default_rng(0)
    n = 40
    a = rng.normal(10.0, 2.0, n)
    a[3] = np.nan
    a[5] = np.inf
    b = rng.normal(0.0, 1.0, n)
    b[11] = 1e9
    y = (rng.uniform(size=n) < 0.5).astype(float)
    y[7] = 2.0
    return pd.DataFrame({"a": a, "b": b, "y": y}, index=[f"r{i:02d}" for i in range(n)])
