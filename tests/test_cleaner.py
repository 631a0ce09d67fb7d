"""clean / Cleaner: every policy, fit on train and apply elsewhere, drift, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import (
    ColumnError,
    ConfigError,
    NoNumericColumnsError,
    PolicyError,
)
from nanclean.findings import ActionKind, FindingKind

NONE = {"scale": "none", "outliers": "none"}


def actions(result: nc.CleanResult, kind: str, column: str | None = None) -> list:
    return [
        a
        for a in result.report.actions
        if a.kind.value == kind and (column is None or a.column == column)
    ]


def test_clean_without_config_repairs_everything_and_keeps_row_order() -> None:
    df = pl.DataFrame(
        {"a": [1.0, None, 3.0, np.inf, 5.0], "b": [np.nan, 2.0, 2.5, 3.0, -np.inf]}
    )
    result = nc.clean(df)
    x, y = result.to_numpy()
    assert y is None and x.dtype == np.float32 and np.isfinite(x).all()
    assert result.row_ids.tolist() == [0, 1, 2, 3, 4]
    assert result.rows == [0, 1, 2, 3, 4]
    assert isinstance(result.frame, pl.DataFrame)


@pytest.mark.parametrize(
    ("impute", "expected"),
    [("median", 3.0), ("mean", 10 / 3), ("constant", -7.0), ("most_frequent", 1.0)],
)
def test_impute_strategies(impute: str, expected: float) -> None:
    df = pl.DataFrame({"a": [1.0, 1.0, None, 8.0, np.nan]})
    config = {**NONE, "impute": impute, "fill_value": -7.0}
    result = nc.clean(df, config=config)
    out = result.data["a"].to_list()
    if impute == "median":
        expected = 1.0  # median of 1, 1, 8
    assert out[2] == pytest.approx(expected) and out[4] == pytest.approx(expected)
    (imputed,) = actions(result, "imputed", "a")
    assert imputed.rows == [2, 4] and imputed.details["strategy"] == impute


def test_impute_drop_row_lists_the_dropped_rows_by_label() -> None:
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0]}, index=["w", "x", "y", "z"])
    result = nc.clean(df, config={**NONE, "impute": "drop_row"})
    assert list(result.frame.index) == ["w", "y", "z"]
    (dropped,) = actions(result, "rows_dropped", "a")
    assert dropped.rows == ["x"] and dropped.details["reason"] == "missing"


def test_impute_error_names_column_rows_and_fix() -> None:
    df = pl.DataFrame({"a": [1.0, None, 3.0] + [None] * 6})
    with pytest.raises(
        PolicyError, match=r"'a' has 7 cells .*rows 1, 3, 4, 5, 6 … and 2 more.*Fix"
    ):
        nc.clean(df, config={"impute": "error"})


def test_missing_indicators_are_added_after_their_column() -> None:
    df = pl.DataFrame({"a": [1.0, None, 3.0], "b": [1.0, 2.0, 3.0]})
    result = nc.clean(df, config={**NONE, "missing_indicators": True})
    assert result.data.columns == ["a", "a__missing", "b"]
    assert result.data["a__missing"].to_list() == [0.0, 1.0, 0.0]
    assert actions(result, "indicator_added")[0].column == "a__missing"


@pytest.mark.parametrize("policy", ["clip", "null", "drop_row", "error"])
def test_pos_and_neg_inf_policies(policy: str) -> None:
    df = pl.DataFrame({"a": [1.0, 2.0, np.inf, 4.0, -np.inf, 6.0]})
    config = {**NONE, "inf": policy, "max_row_loss": 0.5}  # a chosen drop
    if policy == "error":
        with pytest.raises(PolicyError, match=r"'a'.*inf='error'.*rows 2"):
            nc.clean(df, config=config)
        return
    result = nc.clean(df, config=config)
    out = result.data["a"].to_list()
    if policy == "clip":
        assert out == [1.0, 2.0, 6.0, 4.0, 1.0, 6.0]
        (clip_pos, clip_neg) = actions(result, "inf_clipped", "a")
        assert {clip_pos.rows[0], clip_neg.rows[0]} == {2, 4}
    elif policy == "null":
        assert out[2] == out[4] == 3.0  # the median of the finite values
        assert sum(a.count for a in actions(result, "inf_nulled", "a")) == 2
    else:
        assert out == [1.0, 2.0, 4.0, 6.0]
        assert result.row_ids.tolist() == [0, 1, 3, 5]


def test_pos_inf_and_neg_inf_policies_apart() -> None:
    df = pl.DataFrame({"a": [1.0, 2.0, np.inf, 4.0, -np.inf, 6.0]})
    result = nc.clean(df, config={**NONE, "pos_inf": "clip", "neg_inf": "drop_row"})
    assert result.row_ids.tolist() == [0, 1, 2, 3, 5]
    assert result.data["a"][2] == 6.0


def test_outliers_clip_with_the_robust_rule_d5_seed_case() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(100, 10, 1000)
    values[[3, 500]] = [
        1e9,
        -1e12,
    ]  # they inflate the std: a 100-sigma rule misses them
    df = pl.DataFrame({"a": values})
    sigma = nc.clean(
        df, config={"outliers": "sigma", "outlier_threshold": 100, "scale": "none"}
    )
    assert not actions(sigma, "outlier_clipped")
    robust = nc.clean(df, config={"scale": "none"})
    (clipped,) = actions(robust, "outlier_clipped", "a")
    assert clipped.rows == [3, 500]
    # the tail fence of normal data is about 31 robust sds out
    assert abs(robust.data["a"]).max() < 100 + 40 * 10


@pytest.mark.parametrize("action", ["null", "drop_row", "flag"])
def test_outlier_actions(action: str) -> None:
    values = [10.0, 11.0, 9.0, 10.5, 9.5, 1e9, 10.2]
    df = pl.DataFrame({"a": values})
    result = nc.clean(df, config={"scale": "none", "outlier_action": action})
    if action == "null":
        assert result.data["a"][5] == pytest.approx(10.1)  # median without the outlier
        assert actions(result, "outlier_nulled", "a")[0].rows == [5]
    elif action == "drop_row":
        assert 5 not in result.row_ids.tolist()
    else:
        assert result.data["a"][5] == 1e9
        assert actions(result, "outlier_flagged", "a")[0].rows == [5]


def test_clip_indicators() -> None:
    df = pl.DataFrame({"a": [10.0, 11.0, 9.0, 10.5, 9.5, 1e9, 10.2]})
    result = nc.clean(df, config={"scale": "none", "clip_indicators": True})
    assert result.data["a__clipped"].to_list() == [0, 0, 0, 0, 0, 1, 0]


@pytest.mark.parametrize("scale", ["standard", "robust", "minmax"])
def test_scaling_is_fitted_on_training_data(scale: str) -> None:
    rng = np.random.default_rng(1)
    train = pl.DataFrame({"a": rng.normal(50, 5, 500)})
    out = nc.Cleaner({"scale": scale}).fit(train).transform(train).data["a"].to_numpy()
    if scale == "standard":
        assert abs(out.mean()) < 1e-5 and out.std() == pytest.approx(1, rel=1e-3)
    elif scale == "robust":
        assert abs(np.median(out)) < 1e-5
        q75, q25 = np.quantile(out, [0.75, 0.25])
        assert q75 - q25 == pytest.approx(1, rel=1e-3)
    else:
        assert out.min() == pytest.approx(0) and out.max() == pytest.approx(1)


def test_robust_scale_of_a_mostly_zero_count_falls_back_to_the_std() -> None:
    counts = np.zeros(1000)
    counts[:100] = np.arange(1, 101)
    result = nc.clean(pl.DataFrame({"n": counts}), config={"outliers": "none"})
    (scaled,) = actions(result, "scaled", "n")
    assert scaled.details["scale"] == pytest.approx(counts.std(), rel=1e-6)
    assert result.data["n"].std() > 0.5


@pytest.mark.parametrize("policy", ["keep_unscaled", "drop", "error"])
def test_constant_columns_never_divide_by_zero(policy: str) -> None:
    df = pl.DataFrame({"c": [3.3] * 5, "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    config = {"constant": policy}
    if policy == "error":
        with pytest.raises(PolicyError, match=r"'c' is constant.*Fix"):
            nc.clean(df, config=config)
        return
    result = nc.clean(df, config=config)
    if policy == "drop":
        assert "c" not in result.data.columns
        assert actions(result, "column_dropped", "c")[0].details["reason"] == "constant"
    else:
        assert result.data["c"].to_list() == [0.0] * 5
        assert actions(result, "left_unscaled", "c")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_dtype_guard_clips_to_the_training_dtype(dtype: str) -> None:
    from nanclean.dtypes import float_info

    # two stray cells in 300: under 1% (a column's bulk beyond the dtype is
    # refused instead, see test_respect_real_data)
    bulk = np.linspace(1.0, 3.0, 295).tolist()
    df = pl.DataFrame({"a": [1e300, 1.0, 2.0, 3.0, -1e300, *bulk]})
    result = nc.clean(df, config={"dtype": dtype, "scale": "none", "outliers": "none"})
    x, _ = result.to_numpy()
    limit = float_info(dtype).max
    assert np.isfinite(x).all() and np.abs(x).max() == pytest.approx(min(limit, 1e300))
    if dtype != "float64":
        (guarded,) = actions(result, "dtype_clipped", "a")
        assert guarded.rows == [0, 4]


def test_dtype_overflow_error() -> None:
    df = pl.DataFrame({"a": [1e6, 1.0, 2.0]})
    with pytest.raises(PolicyError, match=r"'a'.*dtype_overflow='error' \(float16\)"):
        nc.clean(
            df,
            config={
                "dtype": "float16",
                "scale": "none",
                "outliers": "none",
                "dtype_overflow": "error",
            },
        )


def test_target_is_never_imputed_and_invalid_labels_drop_their_rows() -> None:
    df = pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "y": [0.0, 1.0, None, 2.0, 1.0]})
    result = nc.clean(df, target="y", loss="bce")
    assert result.row_ids.tolist() == [0, 1, 4]
    missing, invalid = actions(result, "rows_dropped", "y")
    assert missing.rows == [2] and missing.details["reason"] == "missing_label"
    assert invalid.rows == [3] and invalid.details["reason"] == "invalid_label"
    with pytest.raises(PolicyError, match=r"'y'.*invalid_labels='error'.*rows 2, 3"):
        nc.clean(df, target="y", loss="bce", config={"invalid_labels": "error"})


def test_label_map_fixes_a_shifted_coding() -> None:
    df = pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1, 2, 2, 1]})
    report = nc.scan(df, target="y", loss="bce")
    (coding,) = report.filter(kind=FindingKind.LABEL_CODING)
    assert "label_map" in coding.message
    result = nc.clean(df, target="y", loss="bce", config={"label_map": {1: 0, 2: 1}})
    assert result.data["y"].to_list() == [0.0, 1.0, 1.0, 0.0]
    (mapped,) = actions(result, "label_mapped")
    assert mapped.count == 4 and mapped.rows == [0, 1, 2, 3]


def test_label_mapped_counts_the_cells_it_changed_in_kept_rows() -> None:
    """Keys mapped to themselves change nothing; a dropped row is not counted."""
    df = pd.DataFrame(
        {"x": [1.0, 2.0, 3.0, 4.0, 5.0], "y": ["no", "yes", "maybe", "yes", "0"]},
        index=["a", "b", "c", "d", "e"],
    )
    result = nc.clean(
        df, target="y", loss="bce", config={"label_map": {"no": 0, "yes": 1, "0": 0}}
    )
    (mapped,) = actions(result, "label_mapped")
    assert mapped.count == 3 and mapped.rows == ["a", "b", "d"]
    assert mapped.positions.tolist() == [0, 1, 3]
    assert result.frame["y"].tolist() == [0.0, 1.0, 1.0, 0.0]


def test_ce_targets_are_int64_class_ids() -> None:
    df = pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0.0, 2.0, 1.0, 3.0]})
    result = nc.clean(df, target="y", loss="ce", config={"n_classes": 3})
    assert result.data["y"].dtype == pl.Int64
    assert result.row_ids.tolist() == [0, 1, 2]


def test_ratios_are_derived_safely() -> None:
    df = pl.DataFrame(
        {"gmv": [10.0, 20.0, 30.0, 40.0], "orders": [2.0, 0.0, 3.0, 1e-39]}
    )
    result = nc.clean(df, config={"ratios": {"per_order": ["gmv", "orders"]}, **NONE})
    out = result.data["per_order"].to_list()
    assert out[0] == 5.0 and out[2] == 10.0
    assert out[1] == out[3] == pytest.approx(10.0)  # nulled, then imputed (median)
    (nulled,) = actions(result, "ratio_nulled", "per_order")
    assert nulled.rows == [1, 3]
    assert actions(result, "derived", "per_order")


def test_ratio_on_zero_eps_uses_an_eps_the_dtype_can_see() -> None:
    df = pl.DataFrame({"num": [1.0, 1.0, 1.0], "den": [1.0, 0.0, 2.0]})
    config = {"ratios": {"r": ["num", "den"]}, "ratio_on_zero": "eps", **NONE}
    result = nc.clean(df, config=config)
    eps = actions(result, "ratio_eps", "r")[0].details["tolerance"]
    assert np.float32(1.0) + np.float32(eps) != np.float32(1.0)  # not a 1e-10 no-op
    assert np.isfinite(result.data["r"].to_numpy()).all()


def test_ratio_drop_row_and_error() -> None:
    df = pl.DataFrame({"num": [1.0, 1.0, 1.0], "den": [1.0, 0.0, 2.0]})
    dropped = nc.clean(
        df, config={"ratios": {"r": ["num", "den"]}, "ratio_on_zero": "drop_row"}
    )
    assert dropped.row_ids.tolist() == [0, 2]
    with pytest.raises(PolicyError, match=r"'r'.*ratio_on_zero='error'.*rows 1"):
        nc.clean(df, config={"ratios": {"r": ["num", "den"]}, "ratio_on_zero": "error"})


@pytest.mark.parametrize("method", ["ordinal", "onehot"])
def test_non_numeric_encoding(method: str) -> None:
    df = pl.DataFrame({"x": [1.0, 2.0, 3.0], "color": ["red", "blue", None]})
    result = nc.clean(df, config={"non_numeric": method, **NONE})
    if method == "ordinal":
        assert result.data["color"].to_list() == [1.0, 0.0, -1.0]
    else:
        assert result.data.columns == ["x", "color=blue", "color=red"]
        assert result.data["color=red"].to_list() == [1.0, 0.0, 0.0]


def test_non_numeric_drop_and_error() -> None:
    df = pl.DataFrame({"x": [1.0, 2.0, 3.0], "name": ["a", "b", "c"]})
    result = nc.clean(df)
    assert result.data.columns == ["x"]
    assert (
        actions(result, "column_dropped", "name")[0].details["reason"] == "non_numeric"
    )
    with pytest.raises(
        PolicyError, match=r"'name' is not numeric.*non_numeric='error'"
    ):
        nc.clean(df, config={"non_numeric": "error"})


def test_all_missing_column_is_dropped_or_filled_by_policy() -> None:
    df = pl.DataFrame(
        {"x": [1.0, 2.0, 3.0], "empty": [None, None, None]},
        schema={"x": pl.Float64, "empty": pl.Float64},
    )
    result = nc.clean(df)
    assert "empty" not in result.data.columns
    assert (
        actions(result, "column_dropped", "empty")[0].details["reason"] == "all_missing"
    )
    filled = nc.clean(
        df, config={"columns": {"empty": {"impute": "constant", "fill_value": 0.0}}}
    )
    assert filled.data["empty"].to_list() == [0.0, 0.0, 0.0]


def test_every_column_dropped_is_an_error() -> None:
    df = pl.DataFrame({"empty": [None, None]}, schema={"empty": pl.Float64})
    with pytest.raises(
        NoNumericColumnsError,
        match=r"Every feature column would be dropped: 'empty' \(all_missing\)",
    ):
        nc.clean(df)


def test_every_row_dropped_is_an_error() -> None:
    df = pl.DataFrame({"x": [1.0, 2.0], "y": [5.0, 5.0]})
    with pytest.raises(
        PolicyError, match=r"Every one of the 2 rows would be dropped.*invalid_label"
    ):
        nc.clean(df, target="y", loss="bce")


def test_per_column_overrides_by_name_and_glob() -> None:
    df = pl.DataFrame(
        {
            "price_a": [1.0, None, 3.0],
            "price_b": [1.0, None, 3.0],
            "q": [1.0, None, 5.0],
        }
    )
    config = {
        **NONE,
        "columns": {
            "price_*": {"impute": "constant", "fill_value": -1.0},
            "price_b": {"impute": "mean"},
        },
    }
    out = nc.clean(df, config=config).data
    assert out["price_a"][1] == -1.0 and out["price_b"][1] == 2.0 and out["q"][1] == 3.0


def test_fit_on_train_transform_test_reports_drift_and_stays_finite() -> None:
    rng = np.random.default_rng(3)
    train = pd.DataFrame(
        {"a": rng.normal(size=500), "k": np.full(500, 2.0), "b": rng.normal(size=500)}
    )
    test = pd.DataFrame(
        {
            "a": [0.0, 1e12, np.nan, np.inf],
            "k": [2.0, 2.0, 3.0, 2.0],
            "b": [0.0, 1.0, 2.0, 30.0],
            "new": [1, 2, 3, 4],
        },
        index=["p", "q", "r", "s"],
    )
    cleaner = nc.Cleaner().fit(train)
    result = cleaner.transform(test)
    assert np.isfinite(result.to_numpy()[0]).all()
    kinds = {(f.kind.value, f.column): f.rows for f in result.report.findings}
    assert kinds[("drift_range", "a")] == ["q"]
    assert kinds[("drift_missing", "a")] == ["r"]
    assert kinds[("drift_not_constant", "k")] == ["r"]
    assert kinds[("drift_range", "b")] == ["s"]
    assert ("extra_column", "new") in kinds
    assert list(result.frame.index) == ["p", "q", "r", "s"]
    assert "new" not in result.frame.columns


def test_transform_missing_a_fitted_column_is_a_clear_error() -> None:
    cleaner = nc.Cleaner().fit(
        pl.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 4.0]})
    )
    with pytest.raises(ColumnError, match=r"lacks 1 column\(s\).*'b'.*Fix"):
        cleaner.transform(pl.DataFrame({"a": [1.0]}))


def test_unfitted_cleaner_says_what_to_do() -> None:
    with pytest.raises(nc.NancleanError, match=r"not fitted yet.*fit\(train_df"):
        nc.Cleaner().transform(pl.DataFrame({"a": [1.0]}))


def test_plan_round_trips_through_json_and_a_saved_cleaner(tmp_path) -> None:  # type: ignore[no-untyped-def]
    df = pl.read_csv("sample_data/ecommerce.csv", infer_schema_length=None)
    cleaner = nc.Cleaner({"missing_indicators": True}).fit(
        df, target="churned", loss="bce"
    )
    text = cleaner.plan.to_json()
    assert nc.Plan.from_json(text).to_json() == text
    path = cleaner.save(tmp_path / "plan.json")
    loaded = nc.Cleaner.from_plan(path)
    assert loaded.transform(df).data.equals(cleaner.transform(df).data)
    with pytest.raises(ConfigError, match="version"):
        nc.Plan.from_dict({**cleaner.plan.to_dict(), "version": 99})


def test_output_type_matches_the_input_type() -> None:
    df = pl.DataFrame({"a": [1.0, None, 3.0]})
    assert isinstance(nc.clean(df.lazy()).frame, pl.LazyFrame)
    assert isinstance(nc.clean(df.to_pandas()).frame, pd.DataFrame)
    assert isinstance(nc.clean(df.to_numpy()).frame, np.ndarray)
    assert type(nc.clean(df.to_arrow()).frame).__name__ == "Table"
    assert isinstance(nc.clean(df).frame, pl.DataFrame)


def test_clean_sample_data_changes_exactly_the_planted_cells() -> None:
    result = nc.clean("sample_data/ecommerce.csv", target="churned", loss="bce")
    changed = {
        (a.kind.value, a.column): a.rows
        for a in result.report.actions
        if a.kind not in (ActionKind.SCALED, ActionKind.LEFT_UNSCALED)
    }
    assert changed == {
        ("rows_dropped", "churned"): [777],
        ("outlier_clipped", "gmv"): [4242],
        ("inf_clipped", "gmv_per_order"): [17, 503, 2920],
        ("outlier_clipped", "gmv_per_order"): [4242],
        ("imputed", "discount_rate"): [88, 1234, 3001],
        ("imputed", "shipping_cost"): [64, 2048, 4000],
    }
