"""Data of the guard tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def zero_target_frame() -> pd.DataFrame:
    """200 finite rows labelled 'r000'..'r199'; rows 'r037' and 'r150' have y = 0."""
    rng = np.random.default_rng(3)
    n = 200
    df = pd.DataFrame(
        {f"x{j}": rng.normal(0.0, 1.0, n) for j in range(4)},
        index=[f"r{i:03d}" for i in range(n)],
    )
    df["y"] = rng.uniform(1.0, 5.0, n)
    df.loc[["r037", "r150"], "y"] = 0.0
    return df
