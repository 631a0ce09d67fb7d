"""Invariants of scan on generated frames (hypothesis).

Cells are drawn from the values that break training: NaN, null, ±inf, huge
(1e300), subnormal (1e-310), exact zeros, values on either side of the float16,
bfloat16 and float32 limits, and ordinary numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
from helpers import convert
from hypothesis import given
from hypothesis import strategies as st

import nanclean as nc

NAN = float("nan")
INF = float("inf")
SPECIAL = [NAN, None, INF, -INF, 1e300, -1e300, 1e-310, -1e-310, 0.0]
# float16's max 65504 and smallest normal 6.1035e-05; bfloat16's max 3.3895e38;
# float32's max 3.4028e38: a value on each side of each limit
LIMITS = [
    65504.0,
    -65520.0,
    6.1035e-05,
    -6.1e-05,
    3.3895e38,
    -3.39e38,
    3.4028e38,
    3.41e38,
]

cells = st.one_of(
    st.sampled_from(SPECIAL),
    st.sampled_from(LIMITS),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.integers(min_value=-5, max_value=5).map(float),
)


@st.composite
def frames(draw: st.DrawFn, *, nulls: bool = True) -> pl.DataFrame:
    n_rows = draw(st.integers(min_value=1, max_value=30))
    n_cols = draw(st.integers(min_value=1, max_value=4))
    columns = {}
    for j in range(n_cols):
        values = draw(st.lists(cells, min_size=n_rows, max_size=n_rows))
        if not nulls:
            values = [NAN if v is None else v for v in values]
        columns[f"c{j}"] = pl.Series(values, dtype=pl.Float64, nan_to_null=False)
    return pl.DataFrame(columns)


def naive(values: list[float | None]) -> dict[str, list[int]]:
    """Rows of each missing / non-finite kind, counted by hand with numpy."""
    is_null = np.array([v is None for v in values])
    x = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return {
        "null": np.flatnonzero(is_null).tolist(),
        "nan": np.flatnonzero(np.isnan(x) & ~is_null).tolist(),
        "pos_inf": np.flatnonzero(x == np.inf).tolist(),
        "neg_inf": np.flatnonzero(x == -np.inf).tolist(),
    }


FP16_MAX, FP16_TINY = 65504.0, 2.0**-14
BF16_MAX, FP32_MAX = 3.3895313892515355e38, 3.4028234663852886e38


def naive_dtype_rows(values: list[float | None]) -> dict[str, list[int]]:
    """Rows of each dtype-range kind, each overflow under the widest dtype it breaks."""
    x = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    a = np.abs(x)
    return {
        "fp32_overflow": np.flatnonzero(np.isfinite(a) & (a > FP32_MAX)).tolist(),
        "bf16_overflow": np.flatnonzero((a > BF16_MAX) & (a <= FP32_MAX)).tolist(),
        "fp16_overflow": np.flatnonzero((a > FP16_MAX) & (a <= BF16_MAX)).tolist(),
        "fp16_underflow": np.flatnonzero((a > 0) & (a < FP16_TINY)).tolist(),
    }


def kind_rows(
    report: nc.AuditReport, kinds: set[str]
) -> dict[tuple[str, str], list[int]]:
    return {
        (f.kind.value, f.column): f.rows
        for f in report.findings
        if f.kind.value in kinds
    }


@given(frames())
def test_dtype_range_rows_equal_a_naive_count(df):
    report = nc.scan(df)
    expected = {
        (kind, c): rows
        for c in df.columns
        for kind, rows in naive_dtype_rows(df[c].to_list()).items()
        if rows
    }
    assert kind_rows(report, set(naive_dtype_rows([]))) == expected


def missing_findings(report: nc.AuditReport) -> dict[tuple[str, str], list[int]]:
    kinds = {"null", "nan", "pos_inf", "neg_inf"}
    out = {}
    for f in report.findings:
        if f.kind.value in kinds:
            assert f.count == len(f.rows)
            out[(f.kind.value, f.column)] = f.rows
    return out


@given(frames())
def test_counts_and_rows_equal_a_naive_count(df):
    report = nc.scan(df)
    got = missing_findings(report)
    expected = {}
    for c in df.columns:
        truth = naive(df[c].to_list())
        stats = report.columns[c]
        for kind, rows in truth.items():
            assert getattr(stats, kind) == len(rows), (c, kind)
            if rows:
                expected[(kind, c)] = rows
        finite = [v for v in df[c].to_list() if v is not None and np.isfinite(v)]
        assert stats.finite == len(finite)
        assert stats.zeros == sum(v == 0 for v in finite)
        if finite:
            assert stats.min == min(finite) and stats.max == max(finite)
    assert got == expected


@given(frames(nulls=False))
def test_pandas_and_polars_give_identical_findings(df):
    """A pandas frame with numpy dtypes holds no null, only NaN: compare on those."""
    key = lambda r: sorted(  # noqa: E731
        (f.kind.value, f.column, tuple(f.rows), f.count, f.severity.value)
        for f in r.findings
    )
    from_polars = key(nc.scan(df))
    assert key(nc.scan(df.to_pandas())) == from_polars
    assert key(nc.scan(df.lazy())) == from_polars
    assert key(nc.scan(df.to_arrow())) == from_polars


@given(frames())
def test_pandas_nullable_and_polars_give_identical_findings(df):
    def key(r: nc.AuditReport) -> list[tuple[object, ...]]:
        return sorted(
            (f.kind.value, f.column, tuple(f.rows), f.count) for f in r.findings
        )

    nullable = convert(df, "pandas_nullable").data
    assert all(isinstance(t, pd.Float64Dtype) for t in nullable.dtypes)
    assert key(nc.scan(nullable)) == key(nc.scan(df))


@given(frames(), st.sampled_from(["mse", "bce", "ce", "poisson", "gamma", "msle"]))
def test_scan_never_raises(df, loss):
    report = nc.scan(df)
    assert report.input["n_rows"] == df.height
    assert report.to_json()
    with_target = df.with_columns(target=pl.col(df.columns[0]))
    report = nc.scan(with_target, target="target", loss=loss)
    assert report.target == "target"
    for cfg in ({"outliers": "iqr"}, {"outliers": "sigma"}, {"outliers": "quantile"}):
        nc.scan(df, config=cfg)


@given(frames())
def test_scan_leaves_the_input_unchanged(df):
    before = df.clone()
    pdf = df.to_pandas()
    pdf_before = pdf.copy(deep=True)
    nc.scan(df)
    nc.scan(pdf)
    assert df.equals(before, null_equal=True)
    pd.testing.assert_frame_equal(pdf, pdf_before)
