"""scan: every finding kind it produces, on the input kinds, with exact rows.

Expected rows and bounds are computed independently with numpy from the same
data, never copied from a scan's output.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import polars as pl
import polars.testing
import pytest
from helpers import kinds_of, one

import nanclean as nc
from nanclean import FindingKind, Severity

INF = float("inf")
NAN = float("nan")
F32 = np.finfo(np.float32)
F64 = np.finfo(np.float64)


def rows_where(mask: np.ndarray) -> list[int]:
    return np.flatnonzero(mask).tolist()


def normal(n: int, loc: float = 0.0, scale: float = 1.0, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(loc, scale, n)


# --- D1, D2: missing and non-finite cells, on every input kind ----------------------


def test_missing_and_nonfinite(make_input):
    a = normal(50, 10, 1)
    a[[3, 30]] = NAN
    a[[7, 8, 40]] = INF
    a[12] = -INF
    ref = pl.DataFrame({"a": pl.Series(a, nan_to_null=False).scatter([20, 21], None)})
    inp = make_input(ref)
    report = nc.scan(inp.data)
    col = inp.col("a")
    missing = {"nan": [3, 30], "null": [20, 21]}
    if inp.merges_null:
        missing = {"nan": [3, 20, 21, 30]}
    else:
        null = one(report, "null", col)
        assert null.count == 2 and null.severity == Severity.ERROR
        assert "impute" in null.message
    for kind, rows in {**missing, "pos_inf": [7, 8, 40], "neg_inf": [12]}.items():
        f = one(report, kind, col)
        assert f.rows == rows
        assert f.count == len(rows)
        assert f.fraction == pytest.approx(len(rows) / 50)
        assert f.severity is Severity.ERROR
        assert "Fix:" in f.message
        assert f.kind.value == kind
    assert "inf='clip'" in one(report, "pos_inf", col).message
    assert "nanclean.ratio" in one(report, "neg_inf", col).message
    assert not report.ok
    assert kinds_of(report) == {*missing, "pos_inf", "neg_inf"}


def test_clean_frame_has_no_findings(make_input):
    ref = pl.DataFrame({"a": normal(100, seed=2), "b": normal(100, 5, 2, seed=3)})
    report = nc.scan(make_input(ref).data)
    assert report.findings == []
    assert report.ok


def test_all_missing_column():
    df = pl.DataFrame(
        {
            "gone": pl.Series([None, None, None], dtype=pl.Float64),
            "nans": [NAN, NAN, NAN],
            "untyped": [None, None, None],
            "ok": [1.0, 2.0, 3.0],
        }
    )
    report = nc.scan(df)
    for col in ("gone", "nans", "untyped"):
        f = one(report, "all_missing", col)
        assert f.severity is Severity.ERROR
        assert f.count == 3
        assert "drop the column" in f.message
    assert one(report, "null", "gone").rows == [0, 1, 2]
    assert one(report, "nan", "nans").rows == [0, 1, 2]
    assert not report.filter(column="ok")
    # a column with one inf is not "all missing"
    assert "all_missing" not in kinds_of(nc.scan(pl.DataFrame({"a": [NAN, INF]})))


# --- D5: outliers ----------------------------------------------------------------------


def mad_rows(x: np.ndarray, k: float = 10.0) -> list[int]:
    med = np.median(x)
    mad = np.median(np.abs(x - med))
    return rows_where(np.abs(x - med) > k * 1.4826 * mad)


def tail_fence(x: np.ndarray, k: float = 1.5) -> tuple[float, float]:
    """The default ``tail`` rule's bounds, written out naively."""
    med = np.median(x)
    s = 1.4826 * np.median(np.abs(x - med))
    p = max(0.01, min(0.25, 5 / len(x)))
    widen = max(1.0, np.log(1000) / np.log(len(x)))
    reach = [
        s * np.expm1((1 + k) * widen * max(np.log1p(abs(a - med) / s), np.log1p(3)))
        for a in np.quantile(x, [p, 1 - p])
    ]
    return med - reach[0], med + reach[1]


def test_outlier_default_tail(make_input):
    x = normal(400, 50, 3, seed=4)
    x[[11, 222]] = [1e9, -1e12]  # extreme: 1e8+ robust sds
    x[300] = 150.0  # far (about 33 robust sds) but not orders of magnitude
    inp = make_input(pl.DataFrame({"x": x}))
    report = nc.scan(inp.data)
    f = one(report, "outlier", inp.col("x"))
    low, high = tail_fence(x)
    assert f.rows == rows_where((x < low) | (x > high)) == [11, 222]
    assert f.severity is Severity.ERROR  # the 1e12 cell will blow up training
    assert f.details["method"] == "tail"
    assert f.details["threshold"] == 1.5
    assert f.details["low"] == pytest.approx(low)
    assert f.details["high"] == pytest.approx(high)
    assert f.details["most_extreme"] == -1e12
    assert "outlier_action='clip'" in f.message
    assert "times as far from the median as the column's 1st percentile" in f.message
    assert report.columns[inp.col("x")].median == pytest.approx(np.median(x))
    # the far value is reported as a tail, not an error, and nothing clips it
    tail = one(report, "heavy_tail", inp.col("x"))
    assert tail.severity is Severity.WARNING and tail.count == 1
    assert "scale='squash'" in tail.message


def test_outlier_mad_rule_on_request():
    x = normal(400, 50, 3, seed=4)
    x[[11, 222]] = [1e9, -1e12]
    x[300] = 150.0
    f = one(nc.scan(pl.DataFrame({"x": x}), config={"outliers": "mad"}), "outlier", "x")
    assert f.rows == mad_rows(x) == [11, 222, 300]
    med = np.median(x)
    scale = 1.4826 * np.median(np.abs(x - med))
    assert f.details["method"] == "mad" and f.details["threshold"] == 10
    assert f.details["low"] == pytest.approx(med - 10 * scale)
    assert f.details["high"] == pytest.approx(med + 10 * scale)


def test_mild_outlier_is_a_warning():
    x = normal(400, 50, 3, seed=4)
    x[300] = 150.0
    report = nc.scan(pl.DataFrame({"x": x}), config={"outliers": "mad"})
    f = one(report, "outlier", "x")
    assert f.rows == [300]
    assert f.severity is Severity.WARNING


def test_default_rule_leaves_well_behaved_data_alone():
    """k = 10 robust sds: never on normal or uniform data, rarely on skewed data."""
    rng = np.random.default_rng(5)
    n = 5000
    df = pl.DataFrame(
        {
            "normal": rng.normal(0, 1, n),
            "uniform": rng.uniform(-1, 1, n),
            "lognormal": rng.lognormal(0, 0.5, n),
            "exponential": rng.exponential(1.0, n),
        }
    )
    report = nc.scan(df)
    assert not report.filter(kind="outlier", column="normal")
    assert not report.filter(kind="outlier", column="uniform")
    for f in report.filter(kind="outlier"):
        assert f.fraction <= 0.001
        assert f.severity is Severity.WARNING


def test_outlier_threshold_and_none():
    x = normal(400, 50, 3, seed=4)
    x[300] = 150.0  # ~33 robust sds
    df = pl.DataFrame({"x": x})
    assert not nc.scan(df, config={"outlier_threshold": 50}).filter(kind="outlier")
    assert not nc.scan(df, config={"outliers": "none"}).filter(kind="outlier")
    per_column = {"columns": {"x": {"outliers": "none"}}}
    assert not nc.scan(df, config=per_column).filter(kind="outlier")


def test_outlier_iqr():
    x = normal(500, 0, 1, seed=6)
    x[[5, 6]] = [9.0, -12.0]
    report = nc.scan(pl.DataFrame({"x": x}), config={"outliers": "iqr"})
    q25, q75 = np.quantile(x, [0.25, 0.75])
    lo, hi = q25 - 3 * (q75 - q25), q75 + 3 * (q75 - q25)
    f = one(report, "outlier", "x")
    assert f.rows == rows_where((x < lo) | (x > hi)) == [5, 6]
    assert (f.details["low"], f.details["high"]) == pytest.approx((lo, hi))
    assert f.details["method"] == "iqr"
    assert "IQR" in f.message


def test_outlier_sigma():
    x = normal(500, 0, 1, seed=7)
    x[[40]] = 25.0
    report = nc.scan(pl.DataFrame({"x": x}), config={"outliers": "sigma"})
    mean, std = x.mean(), x.std(ddof=1)
    f = one(report, "outlier", "x")
    assert f.rows == rows_where(np.abs(x - mean) > 10 * std) == [40]
    assert (f.details["low"], f.details["high"]) == pytest.approx(
        (mean - 10 * std, mean + 10 * std)
    )


def test_outlier_quantile():
    x = normal(1000, 0, 1, seed=8)
    cfg = {"outliers": "quantile", "outlier_threshold": 0.01}
    report = nc.scan(pl.DataFrame({"x": x}), config=cfg)
    lo, hi = np.quantile(x, [0.01, 0.99])
    f = one(report, "outlier", "x")
    assert f.rows == rows_where((x < lo) | (x > hi))
    assert f.count == 20  # 10 below q01 and 10 above q99 of 1000 distinct values
    assert (f.details["low"], f.details["high"]) == pytest.approx((lo, hi))


def test_d5_outliers_hide_from_a_100_sigma_rule_but_not_from_mad():
    """The seed case: the outliers inflate the std so much that they sit within
    100 sigma of the mean; the robust default rule finds every one of them."""
    x = normal(1000, 100, 5, seed=9)
    planted = [17, 450, 901]
    x[planted] = 1e12
    z = np.abs(x - x.mean()) / x.std(ddof=1)
    assert z.max() < 100  # the premise: a 100-sigma rule cannot see them
    df = pl.DataFrame({"x": x})
    sigma100 = {"outliers": "sigma", "outlier_threshold": 100}
    assert not nc.scan(df, config=sigma100).filter(kind="outlier")
    f = one(nc.scan(df), "outlier", "x")
    assert f.rows == planted
    assert f.severity is Severity.ERROR
    # and "10 std worked" (FAILURE_MODES D5): here too
    sigma10 = {"outliers": "sigma", "outlier_threshold": 10}
    assert one(nc.scan(df, config=sigma10), "outlier", "x").rows == planted


# --- D2, D3, D12: denominators ------------------------------------------------------


def shop(n: int = 1000, zeros: tuple[int, ...] = (17, 503, 912), seed: int = 10):
    rng = np.random.default_rng(seed)
    orders = rng.integers(1, 10, n).astype(float)
    orders[list(zeros)] = 0
    gmv = rng.uniform(10, 100, n)
    return gmv, orders


def test_declared_ratio_zero_denominator(make_input):
    gmv, orders = shop()
    inp = make_input(pl.DataFrame({"gmv": gmv, "orders": orders}))
    g, o = inp.col("gmv"), inp.col("orders")
    report = nc.scan(inp.data, config={"ratios": {"gmv_per_order": [g, o]}})
    f = one(report, "zero_denominator", "gmv_per_order")
    assert f.rows == [17, 503, 912]
    assert f.severity is Severity.ERROR
    assert f.details["denominator"] == o
    assert f.details["numerator"] == g
    assert f"nanclean.ratio({g!r}, {o!r}, on_zero='null')" in f.message
    typical = np.median(np.abs(orders[orders != 0]))
    assert f.details["tolerance"] == pytest.approx(max(F32.eps * typical, F32.tiny))


def test_suspected_denominator(make_input):
    gmv, orders = shop()
    with np.errstate(divide="ignore"):
        ratio = gmv / orders
    ratio[17] = -INF  # one -inf: both signs are blamed on the zeros
    ref = pl.DataFrame({"gmv": gmv, "orders": orders, "gmv_per_order": ratio})
    inp = make_input(ref)
    report = nc.scan(inp.data)
    col, den = inp.col("gmv_per_order"), inp.col("orders")
    f = one(report, "suspected_denominator", col)
    assert f.rows == [17, 503, 912]
    assert f.count == 3
    assert f.severity is Severity.ERROR
    assert f.details["denominator"] == den
    assert f.details["coinciding_rows"] == 3
    assert "in exactly those rows" in f.message
    assert f"ratios.{col}" in f.message and "nanclean.ratio" in f.message
    assert one(report, "pos_inf", col).rows == [503, 912]
    assert one(report, "neg_inf", col).rows == [17]
    # the denominator itself is not blamed for anything
    assert not report.filter(column=den)


def test_suspected_denominator_not_blamed_when_mostly_zero():
    """A count column that is 0 in 90% of the rows explains nothing."""
    rng = np.random.default_rng(11)
    n = 1000
    clicks = rng.integers(1, 5, n).astype(float)
    clicks[:900] = 0
    cost = rng.uniform(10, 100, n)
    cost[[1, 2, 3, 4, 5]] = INF  # on rows where clicks happens to be 0
    report = nc.scan(pl.DataFrame({"clicks": clicks, "cost": cost}))
    assert one(report, "pos_inf", "cost").rows == [1, 2, 3, 4, 5]
    assert not report.filter(kind="suspected_denominator")


def test_suspected_denominator_not_blamed_when_zeros_elsewhere():
    gmv, orders = shop(zeros=(100, 200, 300))
    ratio = gmv / np.where(orders == 0, 1, orders)
    ratio[[17, 503]] = INF  # infs that the zeros of orders do not explain
    report = nc.scan(pl.DataFrame({"orders": orders, "ratio": ratio}))
    assert one(report, "pos_inf", "ratio").rows == [17, 503]
    assert not report.filter(kind="suspected_denominator")


def test_suspected_near_zero_denominator_of_an_extreme_ratio():
    """D3: a denominator of 1e-38 gives a finite but enormous ratio."""
    rng = np.random.default_rng(12)
    n = 500
    den = rng.uniform(0.5, 2.0, n)
    den[[7, 9]] = 1e-38
    num = rng.uniform(1.0, 2.0, n)
    report = nc.scan(pl.DataFrame({"num": num, "den": den, "r": num / den}))
    f = one(report, "suspected_denominator", "r")
    assert f.rows == [7, 9]
    assert f.details["denominator"] == "den"
    assert "extreme outlier" in f.message
    assert one(report, "outlier", "r").severity is Severity.ERROR
    assert one(report, "fp16_overflow", "r").rows == [7, 9]  # 1e38 < float32 max


@pytest.mark.parametrize(
    ("typical", "cell", "dtype", "near_zero"),
    [
        # below float32's smallest normal (1.2e-38): near zero in float32 ...
        (1.0, 1e-38, "float32", True),
        # ... and relative to a column of scale 1, even in float64
        (1.0, 1e-38, "float64", True),
        # 1 + 1e-8 == 1 in float32 (eps 1.2e-7), not in float64 (eps 2.2e-16)
        (1.0, 1e-8, "float32", True),
        (1.0, 1e-8, "float64", False),
        # a fixed 1e-10 is wrong both ways: 1e-10 is 1/10 of a column of 1e-9 ...
        (1e-9, 1e-10, "float32", False),
        # ... and 0.01 vanishes next to values of 1e6 in float32
        (1e6, 0.01, "float32", True),
        (1.0, 0.01, "float32", False),
        # zero is zero at every scale
        (1e-9, 0.0, "float32", True),
    ],
)
def test_near_zero_is_relative_to_scale_and_dtype(typical, cell, dtype, near_zero):
    rng = np.random.default_rng(13)
    den = typical * rng.uniform(0.5, 2.0, 400)
    den[[33]] = cell
    df = pl.DataFrame({"num": rng.uniform(1, 2, 400), "den": den})
    cfg = {"ratios": {"q": ["num", "den"]}, "dtype": dtype}
    report = nc.scan(df, config=cfg)
    found = report.filter(kind="zero_denominator")
    if near_zero:
        assert [f.rows for f in found] == [[33]]
        info = np.finfo(np.float32 if dtype == "float32" else np.float64)
        scale = np.median(np.abs(den[den != 0]))
        tol = max(info.eps * scale, info.tiny)
        assert found[0].details["tolerance"] == pytest.approx(tol, rel=1e-6)
        assert dtype in found[0].message
    else:
        assert found == []


# --- D7: constant columns ----------------------------------------------------------------


def test_constant_and_near_constant(make_input):
    n = 100
    ref = pl.DataFrame(
        {
            "const": np.full(n, 3.3),
            "near": 1.0 + np.arange(n) * 1e-11,  # range 1e-9 < float32 eps at 1
            "big_near": 1e6 + np.arange(n) * 1e-6,  # range 1e-4 < eps * 1e6
            "fine": 1.0 + np.arange(n) * 1e-3,
        }
    )
    inp = make_input(ref)
    report = nc.scan(inp.data)
    c = one(report, "constant", inp.col("const"))
    assert c.severity is Severity.WARNING
    assert c.count == n
    assert c.details["value"] == 3.3
    assert "constant='drop'" in c.message
    for col in ("near", "big_near"):
        f = one(report, "near_constant", inp.col(col))
        assert f.severity is Severity.WARNING
        assert "float32" in f.message and "Fix:" in f.message
    assert not report.filter(column=inp.col("fine"))
    assert "constant" not in kinds_of(report, inp.col("near"))


def test_constant_ignores_missing_cells():
    report = nc.scan(pl.DataFrame({"c": [2.0, NAN, 2.0, None, 2.0]}))
    f = one(report, "constant", "c")
    assert f.count == 3
    assert one(report, "nan", "c").rows == [1]


def test_single_value_is_not_constant():
    report = nc.scan(pl.DataFrame({"c": [NAN, 5.0, NAN]}))
    assert "constant" not in kinds_of(report)


# --- D9: reduced precision --------------------------------------------------------------


def ranges_frame() -> tuple[pl.DataFrame, np.ndarray]:
    v = normal(100, 0, 10, seed=14)
    v[4] = 1e5  # beyond float16 (65504)
    v[5] = 1e39  # beyond float32 (3.4e38)
    v[6] = -3.39e38  # beyond bfloat16 (3.3895e38), not float32
    v[7] = 3.395e38  # beyond bfloat16, not float32
    return pl.DataFrame({"v": v}), v


@pytest.mark.parametrize(
    ("dtype", "severities"),
    [
        ("float32", {"fp16_overflow": "warning", "bf16_overflow": "info"}),
        ("float16", {"fp16_overflow": "error", "bf16_overflow": "error"}),
        ("bfloat16", {"fp16_overflow": "warning", "bf16_overflow": "error"}),
        ("float64", {"fp16_overflow": "info", "bf16_overflow": "info"}),
    ],
)
def test_dtype_overflows(dtype, severities):
    df, v = ranges_frame()
    report = nc.scan(df, config={"dtype": dtype})
    fp16 = one(report, "fp16_overflow", "v")
    bf16 = one(report, "bf16_overflow", "v")
    fp32 = one(report, "fp32_overflow", "v")
    # each cell is reported once, under the widest dtype it overflows
    a = np.abs(v)
    assert fp16.rows == rows_where((a > 65504) & (a <= 3.3895313892515355e38))
    assert fp16.rows == [4]
    assert bf16.rows == [6, 7]
    assert fp32.rows == [5]
    assert fp16.severity == severities["fp16_overflow"]
    assert bf16.severity == severities["bf16_overflow"]
    assert fp32.severity == ("info" if dtype == "float64" else "error")
    for f in (fp16, bf16, fp32):
        assert "dtype_overflow='clip'" in f.message
    if dtype != "float64":
        assert f"the dtype you train in ({dtype})" in fp32.message


def test_fp16_overflow_on_every_kind(make_input):
    x = normal(60, 100, 10, seed=15)
    x[[2, 50]] = [70000.0, -66000.0]
    inp = make_input(pl.DataFrame({"x": x}))
    f = one(nc.scan(inp.data), "fp16_overflow", inp.col("x"))
    assert f.rows == [2, 50]
    assert f.severity is Severity.WARNING
    assert f.details["limit"] == 65504.0


def test_fp16_underflow():
    u = 1.0 + np.abs(normal(100, seed=16))
    u[[3, 4, 5]] = [1e-7, -3e-5, 1e-320]
    u[6] = 0.0  # zero is exact in float16: not an underflow
    df = pl.DataFrame({"u": u})
    f = one(nc.scan(df), "fp16_underflow", "u")
    assert f.rows == [3, 4, 5]
    assert f.severity is Severity.INFO
    assert f.details["limit"] == pytest.approx(6.103515625e-05)
    assert "Fix:" in f.message
    f16 = one(nc.scan(df, config={"dtype": "float16"}), "fp16_underflow", "u")
    assert f16.severity is Severity.WARNING


def test_fp32_precision():
    n = 100
    ids = np.arange(n) + 2**24 - 50
    df = pl.DataFrame(
        {
            "id": ids.astype(np.int64),
            "id_float": ids.astype(np.float64),
            "not_int": ids + 0.5,
            "x": normal(n, seed=17),
        }
    )
    report = nc.scan(df)
    expected = rows_where(ids > 2**24)
    assert len(expected) == 49
    for col in ("id", "id_float"):
        f = one(report, "fp32_precision", col)
        assert f.rows == expected
        assert f.severity is Severity.WARNING
        assert "identifier" in f.message
    assert "fp32_precision" not in kinds_of(report, "not_int")
    f64 = nc.scan(df, config={"dtype": "float64"})
    assert one(f64, "fp32_precision", "id").severity is Severity.INFO


# --- D4: log / sqrt / reciprocal inputs ---------------------------------------------------


def test_domain_inputs(make_input):
    y = np.abs(normal(80, 5, 2, seed=18)) + 1
    y[[10, 20, 30]] = [0.0, -1.0, 1e-12]
    y[40] = NAN  # missing cells are reported as missing, not as domain errors
    inp = make_input(pl.DataFrame({"a": y, "b": y, "c": y}))
    a, b, c = inp.col("a"), inp.col("b"), inp.col("c")
    cfg = {"log_inputs": [a], "sqrt_inputs": [b], "reciprocal_inputs": [c]}
    report = nc.scan(inp.data, config=cfg)
    log = one(report, "log_domain", a)
    assert log.rows == rows_where(y <= 0) == [10, 20]
    assert "log1p" in log.message
    sqrt = one(report, "sqrt_domain", b)
    assert sqrt.rows == rows_where(y < 0) == [20]
    assert "clip" in sqrt.message
    rec = one(report, "reciprocal_domain", c)
    assert rec.rows == [10, 30]  # 0 and 1e-12 (below eps32 · median |x|)
    assert "nanclean.ratio" in rec.message
    for f in (log, sqrt, rec):
        assert f.severity is Severity.ERROR
    assert one(report, "nan", a).rows == [40]


# --- D8: the target against its loss -------------------------------------------------------

LABEL_CASES = [
    # loss, n_classes, labels, rows outside the domain
    ("mse", None, [0.0, 1.5, -3.0, INF, 2.0, -INF, 7.0, 1.0], [3, 5]),
    ("bce", None, [0.0, 1.0, 0.5, 2.0, -1.0, 1.0, 0.0, INF], [3, 4, 7]),
    # class id -1 is pandas' code of a missing category: label_missing, below
    ("ce", None, [0.0, 1.0, 2.0, 3.0, -1.0, 1.5, INF, 9.0], [5, 6]),
    ("ce", 3, [0.0, 1.0, 2.0, 3.0, -1.0, 1.5, 2.0, 9.0], [3, 5, 7]),
    ("poisson", None, [0.0, 1.0, 2.5, -0.1, 3.0, -2.0, 0.0, 9.0], [3, 5]),
    ("gamma", None, [0.1, 1.0, 2.5, 0.0, 3.0, -2.0, 4.0, 9.0], [3, 5]),
    ("msle", None, [0.0, -0.5, 2.5, -1.0, 3.0, -2.0, 4.0, 9.0], [3, 5]),
]


@pytest.mark.parametrize(("loss", "n_classes", "labels", "bad"), LABEL_CASES)
def test_label_out_of_domain(make_input, loss, n_classes, labels, bad):
    ref = pl.DataFrame({"x": np.linspace(0, 1, 8), "y": labels})
    inp = make_input(ref)
    cfg = {"n_classes": n_classes} if n_classes else None
    report = nc.scan(inp.data, target=inp.col("y"), loss=loss, config=cfg)
    f = one(report, "label_out_of_domain", inp.col("y"))
    assert f.rows == bad
    assert f.severity is Severity.ERROR
    assert f"loss {loss!r}" in f.message
    assert "invalid_labels='drop_row'" in f.message
    if n_classes:
        assert f"n_classes={n_classes}" in f.message
    if loss == "ce":
        missing = one(report, "label_missing", inp.col("y"))
        assert missing.rows == [4] and "class id -1" in missing.message
    assert report.target == inp.col("y") and report.loss == loss
    # the target is checked as a label, not as a feature
    assert "pos_inf" not in kinds_of(report, inp.col("y"))


@pytest.mark.parametrize("loss", ["mse", "bce", "ce", "poisson", "gamma", "msle"])
def test_label_missing_is_not_also_out_of_domain(make_input, loss):
    labels = pl.Series([1.0, NAN, 1.0, None, 0.0, 1.0], nan_to_null=False)
    if loss == "gamma":
        labels = labels + 1
    inp = make_input(pl.DataFrame({"x": np.arange(6.0), "y": labels}))
    report = nc.scan(inp.data, target=inp.col("y"), loss=loss)
    f = one(report, "label_missing", inp.col("y"))
    assert f.rows == [1, 3]
    assert f.severity is Severity.ERROR
    assert "never imputed" in f.message
    assert not report.filter(kind="label_out_of_domain")


def test_label_in_domain_gives_nothing():
    y = np.random.default_rng(19).integers(0, 2, 200).astype(float)
    report = nc.scan(
        pl.DataFrame({"x": normal(200, seed=20), "y": y}), target="y", loss="bce"
    )
    assert report.findings == []


def test_label_coding_suggests_the_mapping():
    y = np.where(np.arange(40) % 3 == 0, 2, 1)  # {1, 2} for a BCE loss
    df = pl.DataFrame({"x": np.arange(40.0), "y": y})
    report = nc.scan(df, target="y", loss="bce")
    f = one(report, "label_coding", "y")
    assert f.rows == rows_where(y == 2)
    assert f.severity is Severity.ERROR
    assert f.details["mapping"] == {"1.0": 0, "2.0": 1}
    assert "label_map = {1: 0, 2: 1}" in f.message
    assert not report.filter(kind="label_out_of_domain")
    # applying the suggested mapping clears it
    mapped = nc.scan(df, target="y", loss="bce", config={"label_map": {1: 0, 2: 1}})
    assert mapped.findings == []


def test_label_coding_minus_one_plus_one():
    y = np.where(np.arange(30) % 2 == 0, -1.0, 1.0)
    report = nc.scan(
        pl.DataFrame({"x": np.arange(30.0), "y": y}), target="y", loss="bce"
    )
    f = one(report, "label_coding", "y")
    assert f.details["mapping"] == {"-1.0": 0, "1.0": 1}
    assert f.rows == rows_where(y == -1)


def test_stray_label_is_not_a_coding_problem():
    y = np.zeros(50)
    y[::3] = 1
    y[7] = 2
    report = nc.scan(
        pl.DataFrame({"x": np.arange(50.0), "y": y}), target="y", loss="bce"
    )
    assert one(report, "label_out_of_domain", "y").rows == [7]
    assert not report.filter(kind="label_coding")


def test_target_and_loss_from_config():
    df = pl.DataFrame({"x": np.arange(4.0), "y": [0.0, 1.0, 3.0, 1.0]})
    report = nc.scan(df, config={"target": "y", "loss": "bce"})
    assert one(report, "label_out_of_domain", "y").rows == [2]
    assert report.columns["y"].role == "target"


# --- the report as a whole ------------------------------------------------------------------


def test_findings_are_sorted_most_severe_first():
    x = normal(100, seed=21)
    x[3] = NAN
    x[5] = 1e5
    report = nc.scan(pl.DataFrame({"c": np.full(100, 1.0), "x": x}))
    ranks = [f.severity.rank for f in report.findings]
    assert ranks == sorted(ranks, reverse=True)
    assert report.findings[0].kind is FindingKind.NAN
    assert report.summary() == {
        "error": len(report.errors),
        "warning": len(report.warnings),
        "info": len(report) - len(report.errors) - len(report.warnings),
    }


def test_finding_examples_show_values():
    x = normal(50, seed=22)
    x[[4, 9]] = [1e9, 2e9]
    f = one(nc.scan(pl.DataFrame({"x": x})), "outlier", "x")
    assert f.examples == [(9, 2e9), (4, 1e9)]  # the most extreme first


def test_long_row_lists_are_cut_in_messages():
    x = np.full(100, NAN)
    x[:3] = [1.0, 2.0, 3.0]
    f = one(nc.scan(pl.DataFrame({"x": x})), "nan", "x")
    assert f.count == 97 and len(f.rows) == 97
    assert "(rows 3, 4, 5, 6, 7 … and 92 more)" in f.message


# --- scan changes nothing --------------------------------------------------------------------


def test_input_is_unchanged(make_input):
    x = normal(30, seed=23)
    x[[1, 2]] = [NAN, INF]
    ref = pl.DataFrame({"x": x, "y": pl.Series(np.arange(30.0)).scatter([4], None)})
    inp = make_input(ref)
    before = copy.deepcopy(inp.data)
    nc.scan(inp.data, target=inp.col("y"), loss="poisson", config={"outliers": "iqr"})
    after = inp.data
    if isinstance(after, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before, check_exact=True)
    elif isinstance(after, np.ndarray):
        np.testing.assert_array_equal(after, before)
        assert after.dtype == before.dtype and after.flags.writeable
    elif isinstance(after, pl.LazyFrame):
        polars.testing.assert_frame_equal(after.collect(), before.collect())
    elif isinstance(after, pl.DataFrame):
        polars.testing.assert_frame_equal(after, before)
    else:  # pyarrow: Table.equals is False for NaN == NaN, compare via polars
        assert after.schema == before.schema
        polars.testing.assert_frame_equal(pl.from_arrow(after), pl.from_arrow(before))


def test_pandas_object_and_index_unchanged():
    pdf = pd.DataFrame(
        {"m": ["1.5", 2.0, "x", None], "f": [1.0, 2, 3, 4]},
        index=["a", "b", "c", "c"],
    )
    assert pdf["m"].dtype == object
    before = pdf.copy(deep=True)
    nc.scan(pdf)
    pd.testing.assert_frame_equal(pdf, before)
    assert pdf["m"].tolist()[:3] == ["1.5", 2.0, "x"]


# --- column statistics -----------------------------------------------------------------------


def test_column_statistics_are_exact_on_small_data(make_input):
    rng = np.random.default_rng(24)
    x = np.round(rng.normal(5, 2, 60), 3)
    x[[1, 2]] = NAN
    x[3] = INF
    x[[4, 5]] = -INF
    x[6:10] = 0.0
    ref = pl.DataFrame({"x": pl.Series(x, nan_to_null=False).scatter([11, 12], None)})
    inp = make_input(ref)
    report = nc.scan(inp.data)
    s = report.columns[inp.col("x")]
    present = x.copy()
    present[[11, 12]] = NAN  # the two nulls
    fin = present[np.isfinite(present)]
    assert s.count == 60
    assert (s.null, s.nan) == ((0, 4) if inp.merges_null else (2, 2))
    assert (s.pos_inf, s.neg_inf, s.zeros) == (1, 2, 4)
    assert s.finite == len(fin) == 53
    assert s.estimated is False
    med = np.median(fin)
    expected = {
        "min": fin.min(),
        "max": fin.max(),
        "mean": fin.mean(),
        "std": fin.std(ddof=1),
        "median": med,
        "mad": np.median(np.abs(fin - med)),
        "q01": np.quantile(fin, 0.01),
        "q25": np.quantile(fin, 0.25),
        "q75": np.quantile(fin, 0.75),
        "q99": np.quantile(fin, 0.99),
    }
    for name, value in expected.items():
        assert getattr(s, name) == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_column_statistics_of_an_empty_column_are_none():
    report = nc.scan(pl.DataFrame({"a": [NAN, INF], "b": [1.0, 2.0]}))
    s = report.columns["a"]
    assert (s.min, s.max, s.median, s.mad, s.q01) == (None,) * 5
    assert (s.nan, s.pos_inf) == (1, 1)


def test_sampled_statistics_are_close_and_counts_exact():
    n, sample = 20_000, 1000
    rng = np.random.default_rng(25)
    x = rng.normal(0, 1, n)
    missing = rng.choice(n, 300, replace=False)
    x[missing[:100]] = NAN
    x[missing[100:150]] = INF
    x[missing[150:160]] = -INF
    outliers = missing[160:165]
    x[outliers] = 1e9
    report = nc.scan(pl.DataFrame({"x": x}), config={"sample_size": sample})
    s = report.columns["x"]
    assert s.estimated is True
    # counts, min, max, mean and std come from the exact pass
    fin = x[np.isfinite(x)]
    assert (s.nan, s.pos_inf, s.neg_inf, s.null) == (100, 50, 10, 0)
    assert (s.min, s.max) == (fin.min(), fin.max())
    assert s.mean == pytest.approx(fin.mean(), rel=1e-9)
    assert s.std == pytest.approx(fin.std(ddof=1), rel=1e-9)
    # quantiles: within 3 standard errors of rank of the exact ones (plus one
    # sample step), the tolerance stated in nanclean/stats.py
    for name, q in (
        ("q01", 0.01),
        ("q25", 0.25),
        ("median", 0.5),
        ("q75", 0.75),
        ("q99", 0.99),
    ):
        rank = np.mean(fin < getattr(s, name))
        assert abs(rank - q) <= 3 * np.sqrt(q * (1 - q) / sample) + 1 / sample, name
    exact_mad = np.median(np.abs(fin - np.median(fin)))
    assert s.mad == pytest.approx(exact_mad, rel=0.1)
    # the rows of findings stay exact: every planted cell, sampled or not
    assert one(report, "nan", "x").rows == sorted(missing[:100].tolist())
    assert one(report, "pos_inf", "x").rows == sorted(missing[100:150].tolist())
    assert one(report, "outlier", "x").rows == sorted(outliers.tolist())


def test_statistics_exact_up_to_sample_size():
    x = normal(1000, seed=26)
    s = nc.scan(pl.DataFrame({"x": x}), config={"sample_size": 1000}).columns["x"]
    assert s.estimated is False
    assert s.median == pytest.approx(np.median(x), rel=1e-12)
    assert s.q99 == pytest.approx(np.quantile(x, 0.99), rel=1e-12)


def test_suspected_denominator_also_lists_extreme_rows_of_near_zero_denominators():
    rng = np.random.default_rng(1)
    num = rng.uniform(10, 100, 2_000)
    den = rng.integers(1, 10, 2_000).astype(float)
    den[[17, 503]] = 0.0  # inf in the ratio
    den[[3, 7, 15]] = 1e-40  # huge but finite in the ratio
    with np.errstate(divide="ignore"):
        ratio = num / den
    report = nc.scan(pl.DataFrame({"num": num, "den": den, "ratio": ratio}))
    f = one(report, "suspected_denominator", "ratio")
    assert f.rows == [3, 7, 15, 17, 503]
    assert f.details["denominator"] == "den" and f.details["extreme_rows"] == 3
    assert "also extreme in rows 3, 7, 15, where 'den' is near zero" in f.message


@pytest.mark.parametrize("kind", ["polars", "pandas"])
def test_outlier_and_overflow_examples_show_the_most_extreme_first(kind: str) -> None:
    x = np.random.default_rng(0).normal(size=1_000)
    x[[3, 10, 500, 700, 800, 900, 950]] = [50, -1e9, 1e12, 80, -300, 7e4, 60]
    data = pl.DataFrame({"x": x})
    frame = (
        data.to_pandas().set_axis(np.arange(1_000) * 10) if kind == "pandas" else data
    )
    report = nc.scan(frame)
    scale = 10 if kind == "pandas" else 1
    (outlier,) = report.filter(kind=FindingKind.OUTLIER)
    assert [v for _, v in outlier.examples] == [1e12, -1e9, 7e4, -300, 80]
    assert [label for label, _ in outlier.examples] == [
        r * scale for r in (500, 10, 900, 800, 700)
    ]
    assert outlier.rows == [r * scale for r in (3, 10, 500, 700, 800, 900, 950)]
    (overflow,) = report.filter(kind=FindingKind.FP16_OVERFLOW)
    assert overflow.examples == [
        (500 * scale, 1e12),
        (10 * scale, -1e9),
        (900 * scale, 7e4),
    ]
