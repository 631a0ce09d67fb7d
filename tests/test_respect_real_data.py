"""The defaults fix what breaks training and keep every real signal (issue 9)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import one

import nanclean as nc
from nanclean.errors import NancleanWarning, PolicyError
from nanclean.findings import FindingKind
from nanclean.report.verdict import verdict


def _actions(result: nc.CleanResult, kind: str, column: str | None = None) -> list:
    return [
        a
        for a in result.report.actions
        if a.kind.value == kind and (column is None or a.column == column)
    ]


# --- the tail rule --------------------------------------------------------------


def test_heavy_tails_are_kept_and_reported_extremes_are_clipped() -> None:
    """A flight-delay-like column, a lognormal amount and a Pareto count keep
    every real value; the planted 1e9 and 1e12 cells are clipped."""
    rng = np.random.default_rng(0)
    n = 20_000
    late = rng.random(n) < 0.15
    delay = np.round(rng.gumbel(-2, 5, n) + rng.exponential(60, n) * late)
    amount = rng.lognormal(4, 1.5, n)
    count = np.floor(rng.pareto(1.2, n))
    amount[[17, 4242]] = [1e12, 1e9]
    df = pl.DataFrame({"delay": delay, "amount": amount, "count": count})
    result = nc.clean(df, config={"scale": "none"})
    clipped = {a.column: a.rows for a in _actions(result, "outlier_clipped")}
    assert clipped == {"amount": [17, 4242]}
    kept = result.frame["amount"].to_numpy()
    others = np.delete(np.arange(n), [17, 4242])
    assert np.array_equal(kept[others], amount[others].astype(np.float32))
    np.testing.assert_array_equal(result.frame["delay"].to_numpy(), delay)
    heavy = {f.column for f in result.report.filter(kind=FindingKind.HEAVY_TAIL)}
    assert {"delay", "amount", "count"} <= heavy
    outlier = one(result.report, "outlier", "amount")
    assert outlier.details["most_extreme"] == 1e12
    assert "as far from the median as the column's 99th percentile" in outlier.message


def test_the_tail_fence_grows_with_the_tail() -> None:
    """The fence sits beyond the 99th percentile by a factor on the log-modulus
    scale: further out for a heavy column than for a normal one."""
    rng = np.random.default_rng(1)
    df = pl.DataFrame({"normal": rng.normal(0, 1, 5000), "pareto": rng.pareto(1, 5000)})
    plan = nc.clean(df, config={"scale": "none"}).plan
    normal, pareto = plan.column("normal"), plan.column("pareto")
    assert 20 < normal.outlier_high < 60  # about 31 robust sigma
    assert pareto.outlier_high > 100 * np.quantile(df["pareto"].to_numpy(), 0.99)
    assert pareto.outlier_high > df["pareto"].max()


def test_a_small_table_keeps_its_far_but_real_values() -> None:
    """MASS::Animals-like: a brachiosaurus among mammals is real."""
    body = [1.35, 465, 36.33, 27.66, 1.04, 11700, 2547, 187.1, 521, 10, 3.3, 529,
            207, 62, 6654, 9400, 6.8, 35, 0.12, 0.023, 2.5, 55.5, 100, 52.16,
            87000, 0.28, 0.122, 192]  # fmt: skip
    result = nc.clean(pl.DataFrame({"body": body}), config={"scale": "none"})
    assert not _actions(result, "outlier_clipped")
    planted = nc.clean(pl.DataFrame({"body": [*body, 8.7e12]}))
    assert _actions(planted, "outlier_clipped", "body")[0].rows == [28]


# --- rows are never silently sacrificed ----------------------------------------


def _one_two_coded(n: int = 2000) -> pl.DataFrame:
    rng = np.random.default_rng(2)
    x = rng.normal(size=n)
    status = np.where(x + rng.normal(size=n) > 0.8, 2, 1)
    return pl.DataFrame({"x": x, "status": status})


def test_a_one_two_coded_label_is_refused_with_the_exact_label_map() -> None:
    df = _one_two_coded()
    with pytest.raises(PolicyError, match=r"'label_map': \{1: 0, 2: 1\}") as info:
        nc.clean(df, target="status", loss="bce")
    assert "a whole class" in str(info.value)
    result = nc.clean(
        df, target="status", loss="bce", config={"label_map": {1: 0, 2: 1}}
    )
    assert result.frame.height == df.height
    assert sorted(set(result.frame["status"].to_list())) == [0.0, 1.0]


def test_rows_beyond_max_row_loss_are_refused_with_causes_by_column() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=1000)
    x[:30] = np.nan
    y = rng.integers(0, 2, 1000).astype(float)
    y[40:60] = 3.0
    df = pl.DataFrame({"x": x, "y": y})
    with pytest.raises(PolicyError) as info:
        nc.clean(df, target="y", loss="bce", config={"impute": "drop_row"})
    message = str(info.value)
    assert "clean would drop 50 of 1000 rows (5%" in message
    assert "max_row_loss=0.01" in message
    assert "'x': 30 rows with missing cells under impute='drop_row'" in message
    assert "'y': 20 rows with labels outside the loss's domain" in message
    assert "impute='median'" in message
    allowed = nc.clean(
        df, target="y", loss="bce", config={"impute": "drop_row", "max_row_loss": 0.1}
    )
    assert allowed.frame.height == 950


def test_many_missing_targets_are_dropped_with_a_loud_warning_and_the_cause() -> None:
    rng = np.random.default_rng(4)
    wage = np.where(rng.random(1000) < 0.43, 0.0, rng.lognormal(3, 1, 1000))
    with np.errstate(divide="ignore"):
        df = pl.DataFrame({"age": rng.uniform(18, 65, 1000), "log_wage": np.log(wage)})
    with pytest.warns(NancleanWarning, match=r"-inf in \d+ rows: the log of a zero"):
        result = nc.clean(df, target="log_wage")
    assert result.frame.height == int((wage > 0).sum())
    (drop,) = _actions(result, "rows_dropped", "log_wage")
    assert drop.details["reason"] == "nonfinite_label"


def test_ce_class_minus_one_is_a_missing_label() -> None:
    codes = pd.Categorical(["a", "b", None, "c", "a", "b"] * 50).codes
    df = pd.DataFrame({"x": np.arange(300.0), "y": codes})
    report = nc.scan(df, target="y", loss="ce")
    assert one(report, "label_missing", "y").count == 50
    assert not report.filter(kind=FindingKind.LABEL_OUT_OF_DOMAIN)
    with pytest.warns(NancleanWarning, match="no usable label in 50 of 300 rows"):
        result = nc.clean(df, target="y", loss="ce")
    assert _actions(result, "rows_dropped", "y")[0].details["reason"] == "missing_label"


# --- derived ratios, dtype range ------------------------------------------------


def test_a_zero_over_zero_ratio_is_traced_to_its_denominator() -> None:
    rng = np.random.default_rng(5)
    visits = rng.poisson(2, 5000).astype(float)
    revenue = visits * rng.gamma(2, 10, 5000)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = pd.DataFrame(
            {
                "visits": visits,
                "revenue": revenue,
                "revenue_per_visit": revenue / visits,
            }
        )
    report = nc.scan(df)
    f = one(report, "suspected_denominator", "revenue_per_visit")
    assert f.details["denominator"] == "visits"
    assert f.count == int((visits == 0).sum())
    assert "is NaN (0/0) in rows" in f.message and "in exactly those rows" in f.message


def test_a_column_the_dtype_would_flatten_is_refused() -> None:
    rng = np.random.default_rng(6)
    df = pl.DataFrame(
        {"pressure": rng.normal(1e6, 1e3, 500), "x": rng.normal(size=500)}
    )
    with pytest.raises(PolicyError, match=r"'pressure' cannot be trained in float16"):
        nc.clean(df, config={"dtype": "float16", "scale": "none"})
    scaled = nc.clean(df, config={"dtype": "float16"})
    assert scaled.frame["pressure"].n_unique() > 400  # not one flat value
    with pytest.raises(PolicyError, match="bfloat16 or float32"):
        nc.clean(df, config={"dtype": "float16", "scale": "none"})


# --- squash ---------------------------------------------------------------------


def test_squash_is_bounded_order_preserving_and_robust() -> None:
    rng = np.random.default_rng(7)
    x = np.r_[rng.lognormal(0, 2, 2000), 1e30]
    result = nc.clean(
        pl.DataFrame({"x": x}), config={"scale": "squash", "outliers": "none"}
    )
    out = result.frame["x"].to_numpy().astype(np.float64)
    assert np.all(np.abs(out) < 3.0 + 1e-6)
    order = np.argsort(x[:-1], kind="stable")
    assert np.all(np.diff(out[:-1][order]) >= 0)
    cp = result.plan.column("x")
    q25, q50, q75 = np.quantile(x, [0.25, 0.5, 0.75])
    z = (x - q50) / (q75 - q25)
    np.testing.assert_allclose(out, z / np.sqrt(1 + (z / 3) ** 2), rtol=1e-5, atol=1e-6)
    assert cp.unscale_number(cp.scale_number(123.0)) == pytest.approx(123.0)


# --- drift --------------------------------------------------------------------


def test_the_drift_report_says_what_the_plan_did() -> None:
    rng = np.random.default_rng(8)
    train = pl.DataFrame(
        {
            "a": rng.normal(10, 1, 2000),
            "b": rng.uniform(1, 2, 2000),
            "note": ["x"] * 2000,
            "y": rng.integers(1, 3, 2000),
        }
    )
    config = {"label_map": {1: 0, 2: 1}, "ratios": {"a_per_b": ["a", "b"]}}
    cleaner = nc.Cleaner(config).fit(train, target="y", loss="bce")
    a = np.r_[rng.normal(10, 1, 96), [1e12, 40.0, 15.0, 10.0]]
    test = pl.DataFrame(
        {
            "a": a,
            "b": rng.uniform(1, 2, 100),
            "note": ["x"] * 100,
            "y": rng.integers(1, 3, 100),
        }
    ).with_columns(a_per_b=pl.col("a") / pl.col("b"))
    report = cleaner.transform(test).report
    kinds = {(f.kind.value, f.column) for f in report.findings}
    assert not [k for k in kinds if k[0] in ("extra_column", "label_coding")]
    cp = cleaner.plan.column("a")
    clipped = [
        a
        for a in report.actions
        if a.kind.value == "outlier_clipped" and a.column == "a"
    ]
    outlier = one(report, "outlier", "a")
    assert (
        outlier.count
        == clipped[0].count
        == int(((a < cp.outlier_low) | (a > cp.outlier_high)).sum())
    )
    drift = one(report, "drift_range", "a")
    beyond = int(((a > cp.outlier_high) | (a < cp.outlier_low)).sum())
    within = drift.count - beyond
    assert (
        f"{beyond} value" in drift.message
        and "were clipped to those bounds" in drift.message
    )
    assert f"{within} value" in drift.message and "kept as they are" in drift.message
    assert "were repaired" not in drift.message


def test_the_headline_never_contradicts_its_badges() -> None:
    rng = np.random.default_rng(9)
    df = pl.DataFrame({"x": rng.normal(size=300), "tiny": rng.normal(5e-6, 1e-6, 300)})
    v = verdict(nc.scan(df))
    assert v["input"]["float16"]["status"] == "caution"
    assert v["headline"] == "Safe to train in float32, with caution in float16."


# --- numbers written the human way ------------------------------------------------


def test_thousands_separators_and_decimal_commas_are_parsed_and_reported(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    df = pl.DataFrame(
        {
            "revenue": ["1,234.5", "12", "3,000,000", "999.25", "N/A"],
            "price_eu": ["1.234,5", "12,5", "3", "7,25", "0,5"],
            "y": [0.0, 1.0, 0.0, 1.0, 1.0],
        }
    )
    before = df.clone()
    report = nc.scan(df)
    coerced = {f.column: f for f in report.filter(kind=FindingKind.COERCED)}
    assert coerced["revenue"].details["number_format"] == "thousands"
    assert "thousands separators" in coerced["revenue"].message
    assert coerced["price_eu"].details["number_format"] == "decimal_comma"
    result = nc.clean(df, config={"scale": "none", "outliers": "none"})
    assert result.frame["revenue"].to_list()[:4] == [1234.5, 12.0, 3e6, 999.25]
    assert result.frame["price_eu"].to_list() == [1234.5, 12.5, 3.0, 7.25, 0.5]
    assert df.equals(before)
    # a semicolon-separated export with decimal commas, read from disk
    path = tmp_path / "export.csv"
    path.write_text("a;b;y\n1,5;10;0\n2,25;20;1\n3,0;30;0\n", encoding="utf-8")
    out = nc.clean(str(path), target="y", config={"scale": "none", "outliers": "none"})
    assert out.frame["a"].to_list() == [1.5, 2.25, 3.0]


def test_no_warning_on_the_defaults_of_a_plain_table() -> None:
    rng = np.random.default_rng(10)
    df = pl.DataFrame({"x": rng.normal(size=500), "y": rng.normal(size=500)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nc.clean(df, target="y")
