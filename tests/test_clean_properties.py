"""The guarantees of clean, for ANY input (hypothesis).

- every output feature is finite and representable in the output dtype;
- the audit adds up: per column, the cells the actions name are exactly the
  cells that changed, each counted once;
- transform of a subset of rows equals the same rows of the full transform;
- pandas and polars inputs give equal outputs; the input is never mutated.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nanclean as nc
from nanclean.dtypes import float_info
from nanclean.errors import NancleanError

# The finiteness guarantee gets at least 1,000 examples in CI.
GUARANTEE = settings(
    max_examples=1000 if os.environ.get("CI") else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROPERTY = settings(
    max_examples=300 if os.environ.get("CI") else 60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = [np.nan, np.inf, -np.inf, 1e308, -1e308, 1e-310, -1e-310, 0.0, 65504.0 * 3]
CELL = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from(NASTY),
    st.none(),
)


@st.composite
def frames(draw: st.DrawFn, max_rows: int = 30, *, tiny: bool = True) -> pl.DataFrame:
    """Frames of 1–4 float columns full of NaN, null, ±inf, ±1e308, subnormals;
    ``tiny=False`` replaces nonzero values below 1e-30 by 0 (float32 underflow)."""
    n = draw(st.integers(1, max_rows))
    k = draw(st.integers(1, 4))
    cols = {}
    for j in range(k):
        shape = draw(st.sampled_from(["mixed", "mixed", "constant", "all_null", "big"]))
        if shape == "constant":
            values = [draw(st.floats(-1e3, 1e3, allow_nan=False))] * n
        elif shape == "all_null":
            values = [None] * n
        elif shape == "big":
            values = [
                draw(st.sampled_from([1e300, -1e300, 1.0, 2.0, np.nan]))
                for _ in range(n)
            ]
        else:
            values = [draw(CELL) for _ in range(n)]
        if not tiny:
            values = [
                0.0 if v is not None and 0 < abs(v) < 1e-30 else v for v in values
            ]
        cols[f"c{j}"] = pl.Series(values, dtype=pl.Float64, strict=False)
    return pl.DataFrame(cols)


def _finite_features(frame: pl.DataFrame) -> bool:
    return bool(np.isfinite(frame.to_numpy()).all()) if frame.width else True


#: The refusals clean may answer a generated frame with, and nothing else: no
#: usable column or row, a dtype that would flatten a column, more rows lost
#: than max_row_loss, a shifted label coding without a label_map.
ALLOWED_REFUSALS = (
    "every",
    "no numeric",
    "without flattening it",
    "clean would drop",
    "shifted label coding",
)


def _assert_allowed(exc: NancleanError) -> None:
    assert any(r in str(exc).lower() for r in ALLOWED_REFUSALS), exc


def _clean_or_explain(df, **kwargs):  # type: ignore[no-untyped-def]
    """clean(df), or one of the ALLOWED_REFUSALS (a NancleanError)."""
    try:
        return nc.clean(df, **kwargs)
    except NancleanError as exc:
        _assert_allowed(exc)
        return None


@GUARANTEE
@given(
    df=frames(),
    dtype=st.sampled_from(["float32", "float16", "bfloat16", "float64"]),
    scale=st.sampled_from(["robust", "standard", "minmax", "squash", "none"]),
    outliers=st.sampled_from(["tail", "mad", "iqr", "sigma", "quantile", "none"]),
)
def test_output_is_finite_and_in_dtype_range(
    df: pl.DataFrame, dtype: str, scale: str, outliers: str
) -> None:
    result = _clean_or_explain(
        df, config={"dtype": dtype, "scale": scale, "outliers": outliers}
    )
    if result is None:
        return
    out = result.data
    assert out.height == df.height  # no target: no row is ever dropped
    x, _ = result.to_numpy()
    assert np.isfinite(x).all()
    assert (np.abs(x) <= float_info(dtype).max).all()


@PROPERTY
@given(
    seed=st.integers(0, 2**32 - 1),
    density=st.lists(
        st.sampled_from([0.0, 1e-4, 1e-3, 0.05, 0.5, 1.0]), min_size=3, max_size=3
    ),
    dtype=st.sampled_from(["float32", "float16"]),
)
def test_sampled_statistics_keep_the_output_finite(
    seed: int, density: list[float], dtype: str
) -> None:
    """Beyond sample_size rows the robust statistics come from a sample, which
    may catch few or none of a sparse column's finite cells."""
    rng = np.random.default_rng(seed)
    n = 3_000
    cols = {}
    for j, share in enumerate(density):  # the share of finite cells
        x = rng.choice([np.nan, np.inf, -np.inf], n)
        finite = rng.random(n) < share
        x[finite] = rng.standard_cauchy(finite.sum()) * 10.0 ** rng.integers(-3, 9)
        x[finite & (rng.random(n) < 0.1)] = 1e308  # and a few extremes
        null = ~finite & (rng.random(n) < 0.3)
        cols[f"c{j}"] = pl.Series(x, nan_to_null=False).set(pl.Series(null), None)
    result = _clean_or_explain(
        pl.DataFrame(cols), config={"sample_size": 1_000, "dtype": dtype}
    )
    if result is None:
        return
    x, _ = result.to_numpy()
    assert x.shape[0] == n
    assert np.isfinite(x).all()
    assert (np.abs(x) <= float_info(dtype).max).all()


@GUARANTEE
@given(df=frames(), loss=st.sampled_from(["mse", "bce", "poisson", "gamma", "msle"]))
def test_target_output_is_finite_and_in_the_loss_domain(
    df: pl.DataFrame, loss: str
) -> None:
    target = pl.Series("y", np.linspace(-2, 2, df.height)).to_frame()
    data = pl.concat([df, target], how="horizontal")
    # most labels lie outside a loss's domain here: let them go, to test the rest
    config = {"max_row_loss": 1.0}
    result = _clean_or_explain(data, target="y", loss=loss, config=config)
    if result is None:
        return
    _, y = result.to_numpy()
    assert y is not None and np.isfinite(y).all()
    low = {"bce": 0.0, "poisson": 0.0, "gamma": 1e-300, "msle": -1 + 1e-12}.get(
        loss, -np.inf
    )
    assert (y >= low).all()
    if loss == "bce":
        assert (y <= 1).all()


def _changed_cells(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Cells whose value differs (NaN-aware), both sides in the output dtype."""
    same = (before == after) | (np.isnan(before) & np.isnan(after))
    return ~same


@PROPERTY
@given(
    df=frames(tiny=False),
    dtype=st.sampled_from(["float32", "float64"]),
    inf=st.sampled_from(["clip", "null"]),
    outlier_action=st.sampled_from(["clip", "null", "flag"]),
)
def test_audit_adds_up_cell_by_cell(
    df: pl.DataFrame, dtype: str, inf: str, outlier_action: str
) -> None:
    config = {
        "scale": "none",
        "dtype": dtype,
        "inf": inf,
        "outlier_action": outlier_action,
    }
    result = _clean_or_explain(df, config=config)
    if result is None:
        return
    store = np.float64 if dtype == "float64" else np.float32
    cell_kinds = {
        "imputed",
        "inf_clipped",
        "inf_nulled",
        "outlier_clipped",
        "outlier_nulled",
        "dtype_clipped",
        "ratio_nulled",
        "ratio_eps",
    }
    for column in result.data.columns:
        with np.errstate(over="ignore"):
            before = df.get_column(column).fill_null(np.nan).to_numpy().astype(store)
        after = result.data.get_column(column).to_numpy()
        changed = set(np.flatnonzero(_changed_cells(before, after)).tolist())
        actions = [
            a
            for a in result.report.actions
            if a.column == column and a.kind.value in cell_kinds
        ]
        named = [r for a in actions for r in a.row_ids.tolist()]
        assert len(named) == len(set(named)), "a cell was attributed to two actions"
        assert sum(a.count for a in actions) == len(named)
        assert set(named) == changed, (column, actions)
    for dropped in result.plan.dropped:
        assert dropped not in result.data.columns


@PROPERTY
@given(df=frames(max_rows=25), data=st.data())
def test_transform_of_a_subset_equals_those_rows_of_the_full_transform(
    df: pl.DataFrame, data: st.DataObject
) -> None:
    try:
        cleaner = nc.Cleaner().fit(df)
    except NancleanError as exc:  # only the refusals the clean property allows
        _assert_allowed(exc)
        return
    full = cleaner.transform(df).data
    rows = sorted(data.draw(st.sets(st.integers(0, df.height - 1), min_size=1)))
    part = cleaner.transform(df[rows]).data
    assert part.equals(full[rows])


@PROPERTY
@given(df=frames())
def test_pandas_and_polars_inputs_give_equal_outputs_and_are_not_mutated(
    df: pl.DataFrame,
) -> None:
    pdf = df.to_pandas()  # pandas turns null into NaN: compare on NaN-free nulls
    polars_in = pl.from_pandas(pdf, nan_to_null=False)
    pdf_before, pl_before = pdf.copy(deep=True), polars_in.clone()
    a = _clean_or_explain(pdf)
    b = _clean_or_explain(polars_in)
    assert (a is None) == (b is None)
    pd.testing.assert_frame_equal(pdf, pdf_before)
    assert polars_in.equals(pl_before)
    if a is None or b is None:
        return
    assert isinstance(a.frame, pd.DataFrame)
    assert a.data.equals(b.data)
    assert a.plan.to_json() == b.plan.to_json()


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "float64"])
def test_extreme_values_survive_every_dtype(dtype: str) -> None:
    df = pl.DataFrame(
        {
            "huge": [1e308, -1e308, 1.0, 2.0, 3.0],
            "tiny": [1e-310, 0.0, 1e-300, 5e-324, 1.0],
            "mixed": [np.inf, -np.inf, np.nan, None, 7.0],
        }
    )
    x, _ = nc.clean(df, config={"dtype": dtype, "outliers": "none"}).to_numpy()
    assert np.isfinite(x).all() and (np.abs(x) <= float_info(dtype).max).all()
