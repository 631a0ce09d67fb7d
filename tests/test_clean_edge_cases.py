"""Edge cases of fit and transform found in review: each was a wrong result or a
raw error before, and each now has a clear outcome."""

from __future__ import annotations

import numpy as np
import pandera.polars as pa
import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import (
    ColumnError,
    ConfigError,
    PolicyError,
    UnmatchedColumnWarning,
    UnreadableFileError,
)


def test_a_mostly_missing_column_is_fitted_from_its_finite_cells_beyond_the_sample():
    # 3 finite cells in 20,000 rows: a 1,000-row sample catches none of them
    n = 20_000
    a = np.full(n, np.nan)
    a[[5, 777, 19_990]] = [1.0, 2.0, 4.0]
    df = pl.DataFrame({"a": a, "z": np.arange(n, dtype=float)})
    sampled = nc.clean(df, config={"sample_size": 1_000})
    exact = nc.clean(df, config={"sample_size": 100_000})
    (cp,) = [c for c in sampled.plan.columns if c.name == "a"]
    assert cp.fill == 2.0  # the median of 1, 2, 4
    assert np.isfinite(sampled.frame["a"].to_numpy()).all()
    assert sampled.frame["a"].to_list() == exact.frame["a"].to_list()


def test_new_values_in_a_column_constant_in_training_are_clipped_to_it():
    cleaner = nc.Cleaner().fit(pl.DataFrame({"k": [1.0] * 8, "x": np.arange(8.0)}))
    new = pl.DataFrame({"k": [1.0, 1e30, -1e300, float("inf")], "x": np.arange(4.0)})
    result = cleaner.transform(new)
    assert result.frame["k"].to_list() == [0.0] * 4  # centered at the constant 1
    acts = {(a.kind.value, a.column): list(a.rows) for a in result.report.actions}
    assert acts[("outlier_clipped", "k")] == [1, 2]
    assert acts[("inf_clipped", "k")] == [3]
    drift = [f for f in result.report.findings if f.kind.value == "drift_not_constant"]
    assert [f.rows for f in drift] == [[1, 2]]
    # and on the training data nothing is clipped
    fitted = nc.clean(pl.DataFrame({"k": [1.0] * 8, "x": np.arange(8.0)}))
    assert not [a for a in fitted.report.actions if a.kind.value == "outlier_clipped"]


def test_a_numeric_column_arriving_as_text_is_refused_at_transform():
    df = pl.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 2.0, 3.0, 5.0]})
    cleaner = nc.Cleaner().fit(df)
    with pytest.raises(ColumnError, match=r"'a' was numeric in training but is String"):
        cleaner.transform(df.with_columns(a=pl.lit("x")))
    # numeric text is still coerced, its unparseable cells reported
    result = cleaner.transform(df.with_columns(a=pl.Series(["1", "2", "x", "4"])))
    kinds = {(f.kind.value, f.column): f.rows for f in result.report.findings}
    assert kinds[("unparseable", "a")] == [2]


@pytest.mark.parametrize(
    ("df", "config", "name"),
    [
        (
            pl.DataFrame({"a": [1.0, None, 3.0], "a__missing": [1.0, 2.0, 3.0]}),
            {"missing_indicators": True},
            "a__missing",
        ),
        (
            pl.DataFrame(
                {"a": [1.0, 2.0, 3.0], "s": ["x", "y", "x"], "s=x": [1.0] * 3}
            ),
            {"non_numeric": "onehot"},
            "s=x",
        ),
    ],
)
def test_generated_columns_may_not_clash_with_input_columns(df, config, name):
    with pytest.raises(ColumnError, match=rf"duplicate column name\(s\): '{name}'"):
        nc.clean(df, config=config)


def test_a_ratio_may_not_overwrite_the_target():
    df = pl.DataFrame({"a": [1.0, 2.0], "b": [1.0, 2.0], "y": [0, 1]})
    with pytest.raises(ConfigError, match="'y', which is the target"):
        nc.clean(df, target="y", config={"ratios": {"y": ["a", "b"]}})


def test_an_override_by_exact_name_must_name_a_column():
    df = pl.DataFrame({"price": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 4.0]})
    with pytest.raises(ConfigError, match=r"'columns\.prce'.*Did you mean 'price'"):
        nc.clean(df, config={"columns": {"prce": {"scale": "none"}}})
    # a glob pattern that matches nothing cleans, with a warning (it may be a typo)
    with pytest.warns(UnmatchedColumnWarning, match=r"'columns\.cost_\*' matches no"):
        nc.clean(df, config={"columns": {"cost_*": {"scale": "none"}}})


def test_impute_error_on_an_all_missing_column_raises():
    df = pl.DataFrame({"a": [None, None, None], "b": [1.0, 2.0, 3.0]}, strict=False)
    with pytest.raises(PolicyError, match="'a' has no finite value"):
        nc.clean(df, config={"columns": {"a": {"impute": "error"}}})
    dropped = nc.clean(df)
    assert dropped.plan.dropped == {"a": "all_missing"}


@pytest.mark.parametrize("text", ["foo: bar\n", "", "impute: median\nscale: none\n"])
def test_load_schema_refuses_a_yaml_that_is_not_a_schema(tmp_path, text):
    path = tmp_path / "not_a_schema.yaml"
    path.write_text(text)
    with pytest.raises(UnreadableFileError, match=r"not_a_schema\.yaml"):
        nc.load_schema(path)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("{bad", ConfigError, "not valid JSON"),
        ("/no/such/plan.json", UnreadableFileError, "Cannot read the plan file"),
        ('{"a": 1}', ConfigError, "not a nanclean plan"),
    ],
)
def test_plan_from_json_errors(text, error, message):
    with pytest.raises(error, match=message):
        nc.Plan.from_json(text)


def test_input_schema_failures_without_rows_name_the_column():
    df = pl.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 4.0]})
    missing = pa.DataFrameSchema({"a": pa.Column(float), "c": pa.Column(float)})
    (f,) = nc.clean(df, schema=missing).report.filter(kind="schema_violation")
    assert f.column == "c" and "lacks column(s) c" in f.message
    wrong = pa.DataFrameSchema({"a": pa.Column(int)})
    (f,) = nc.clean(df, schema=wrong).report.filter(kind="schema_violation")
    assert f.column == "a" and "Column 'a' fails" in f.message and "Int64" in f.message


def test_zero_inflated_columns_are_not_outliers_but_their_extremes_are():
    # a 0/1 flag with 5% ones and a count that is 0 in 90% of rows: MAD = 0
    rng = np.random.default_rng(0)
    flag = (rng.random(2_000) < 0.05).astype(float)
    count = np.where(rng.random(2_000) < 0.1, rng.integers(1, 5, 2_000), 0).astype(
        float
    )
    spiked = count.copy()
    spiked[7] = 1e9
    df = pl.DataFrame({"flag": flag, "count": count, "spiked": spiked})
    report = nc.scan(df)
    outliers = {f.column: f.rows for f in report.filter(kind="outlier")}
    assert outliers == {"spiked": [7]}
    result = nc.clean(df)
    assert not [
        a
        for a in result.report.actions
        if a.column in ("flag", "count") and a.kind.value == "outlier_clipped"
    ]
    # the flag keeps its two values, in order
    assert len(set(result.frame["flag"].to_list())) == 2


def test_a_pyproject_without_a_nanclean_table_is_named(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"no \[tool\.nanclean\] table"):
        nc.CleanConfig.from_file(path)


def test_a_frame_of_only_the_target_says_so():
    from nanclean.errors import NoNumericColumnsError

    with pytest.raises(NoNumericColumnsError, match=r"y \(the target\)"):
        nc.scan(pl.DataFrame({"y": [0.0, 1.0]}), target="y")
