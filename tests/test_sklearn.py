"""NanCleaner: the repair engine as a scikit-learn transformer.

Behaviour on every input kind, the scikit-learn integrations (Pipeline,
ColumnTransformer, GridSearchCV, clone, pickle / joblib, cross_val_score),
parameters and config, and every error message. scikit-learn's own estimator
checks are in ``test_sklearn_checks.py``.
"""

from __future__ import annotations

import io
import pickle
import runpy
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

import nanclean
from nanclean import CleanConfig, NanCleaner
from nanclean.errors import ColumnError, ConfigError, InputError, PolicyError

ROOT = Path(__file__).resolve().parent.parent
N = 120


def _data(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Three numeric features with NaN, ±inf and an outlier, and a target."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, 3))
    y = X @ np.array([1.0, 2.0, -1.0]) + rng.normal(scale=0.1, size=N)
    X[3, 0] = np.nan
    X[10, 0] = np.nan
    X[5, 1] = np.inf
    X[7, 2] = -np.inf
    X[9, 2] = 1e12
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame.index = pd.Index([f"r{i}" for i in range(N)])
    return frame, y


def _as(kind: str, frame: pd.DataFrame):
    if kind == "numpy":
        return frame.to_numpy(copy=True)
    if kind == "pandas":
        return frame
    if kind == "pandas_nullable":
        return frame.astype("Float64")  # NaN becomes NA (null); ±inf stays
    if kind == "polars":
        return pl.from_pandas(frame, nan_to_null=False)
    return pa.Table.from_pandas(frame, preserve_index=False)


KINDS = ["numpy", "pandas", "pandas_nullable", "polars", "pyarrow"]


# --- behaviour on every input kind ---------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_output_is_finite_with_one_row_per_input_row(kind):
    frame, _ = _data()
    X = _as(kind, frame)
    out = NanCleaner().fit(X).transform(X)
    assert isinstance(out, np.ndarray)
    assert out.shape == (N, 3)
    assert out.dtype == np.float32
    assert np.isfinite(out).all()


@pytest.mark.parametrize("kind", KINDS)
def test_every_input_kind_gives_the_same_output(kind):
    frame, _ = _data()
    reference = NanCleaner(missing_indicators=True).fit_transform(
        frame.to_numpy(copy=True)
    )
    out = NanCleaner(missing_indicators=True).fit_transform(_as(kind, frame))
    np.testing.assert_array_equal(out, reference)


@pytest.mark.parametrize("kind", KINDS)
def test_fit_transform_equals_fit_then_transform(kind):
    X = _as(kind, _data()[0])
    cleaner = NanCleaner(clip_indicators=True)
    np.testing.assert_array_equal(
        cleaner.fit_transform(X), clone(cleaner).fit(X).transform(X)
    )


def test_repairs_what_it_should():
    frame, _ = _data()
    out = NanCleaner(scale="none", outliers="none").fit_transform(frame)
    a = frame["a"].to_numpy()
    median_a = np.median(a[~np.isnan(a)])
    assert out[3, 0] == pytest.approx(median_a, rel=1e-6)  # NaN → median
    finite_b = frame["b"].to_numpy()[np.isfinite(frame["b"].to_numpy())]
    assert out[5, 1] == pytest.approx(finite_b.max(), rel=1e-6)  # +inf → max
    finite_c = frame["c"].to_numpy()[np.isfinite(frame["c"].to_numpy())]
    assert out[7, 2] == pytest.approx(finite_c.min(), rel=1e-6)  # -inf → min
    untouched = [i for i in range(N) if i not in (3, 5, 7, 9, 10)]
    np.testing.assert_allclose(
        out[untouched],
        frame.to_numpy(copy=True)[untouched].astype(np.float32),
        rtol=1e-6,
    )


def test_outliers_are_clipped_by_default():
    frame, _ = _data()
    cleaner = NanCleaner(scale="none").fit(frame)
    out = cleaner.transform(frame)
    # the 1e12 cell is clipped to the column's tail fence, far below it
    assert out[9, 2] == pytest.approx(cleaner.plan_.column("c").outlier_high)
    assert abs(out[9, 2]) < 1000


def test_transform_applies_the_training_plan_to_new_data():
    train, _ = _data(0)
    test = pd.DataFrame(
        {"a": [np.nan, 0.0], "b": [-np.inf, 1.0], "c": [np.inf, 1e300]},
        index=["x", "y"],
    )
    cleaner = NanCleaner().fit(train)
    out = cleaner.transform(test)
    assert out.shape == (2, 3)
    assert np.isfinite(out).all()
    assert cleaner.n_features_in_ == 3


def test_the_input_is_not_changed():
    frame, _ = _data()
    before = frame.copy()
    NanCleaner().fit(frame).transform(frame)
    pd.testing.assert_frame_equal(frame, before)


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 40), st.integers(1, 4)),
        elements=st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(-1e6, 1e6),
        ),
    )
)
def test_never_drops_or_reorders_rows(X):
    """Whatever the data: one finite output row per input row."""
    if not np.isfinite(X).any(axis=0).all():
        X = X.copy()
        X[0, :] = 1.0  # each column needs one finite value, or it is dropped
    cleaner = NanCleaner()
    out = cleaner.fit_transform(X)
    assert out.shape[0] == X.shape[0]
    assert np.isfinite(out).all()
    # transform of a row subset is the same rows of the full transform
    half = X[::2]
    np.testing.assert_array_equal(cleaner.transform(half), out[::2])


def test_y_is_ignored():
    frame, y = _data()
    y = y.copy()
    y[0] = np.nan
    with_y = NanCleaner().fit(frame, y).transform(frame)
    np.testing.assert_array_equal(with_y, NanCleaner().fit(frame).transform(frame))


def test_strings_are_parsed_and_categories_encoded():
    frame, _ = _data()
    frame = frame.assign(
        price=[f"{v:.2f}" for v in np.linspace(1, 9, N)],
        color=np.where(np.arange(N) % 3 == 0, "red", "blue"),
    )
    frame.loc["r4", "price"] = "N/A"
    cleaner = NanCleaner(non_numeric="onehot", missing_indicators=True)
    out = cleaner.fit_transform(frame)
    assert np.isfinite(out).all()
    assert cleaner.get_feature_names_out().tolist() == [
        "a",
        "a__missing",
        "b",
        "c",
        "price",
        "price__missing",
        "color=blue",
        "color=red",
    ]
    np.testing.assert_array_equal(out[:3, -2:], [[0, 1], [1, 0], [1, 0]])


def test_non_numeric_columns_are_dropped_by_default():
    frame, _ = _data()
    frame = frame.assign(tag="t")
    cleaner = NanCleaner().fit(frame)
    assert cleaner.n_features_in_ == 4
    assert cleaner.get_feature_names_out().tolist() == ["a", "b", "c"]
    assert cleaner.plan_.dropped == {"tag": "non_numeric"}


def test_an_all_missing_column_is_dropped():
    X = _data()[0].to_numpy(copy=True)
    X[:, 1] = np.nan
    cleaner = NanCleaner()
    out = cleaner.fit_transform(X)
    assert out.shape == (N, 2)
    assert cleaner.get_feature_names_out().tolist() == ["x0", "x2"]


def test_numbers_stored_as_strings_in_a_numpy_object_array():
    X = np.array([["1.5", 2.0], ["N/A", 3.0], ["2.5", np.nan], ["3.5", 4.0]], object)
    out = NanCleaner(scale="none").fit_transform(X)
    assert out.shape == (4, 2)
    assert np.isfinite(out).all()
    assert out[0, 0] == 1.5


# --- feature names and set_output ---------------------------------------------------


def test_feature_names_out_with_indicators():
    frame, _ = _data()
    cleaner = NanCleaner(missing_indicators=True, clip_indicators=True).fit(frame)
    assert cleaner.get_feature_names_out().tolist() == [
        "a",
        "a__missing",
        "a__clipped",
        "b",
        "b__clipped",
        "c",
        "c__clipped",
    ]
    out = cleaner.transform(frame)
    assert out.shape[1] == 7
    np.testing.assert_array_equal(np.flatnonzero(out[:, 1]), [3, 10])  # a__missing
    assert out[5, 4] == 1.0  # b__clipped: the +inf cell
    assert out[9, 6] == 1.0 and out[7, 6] == 1.0  # c__clipped: 1e12 and -inf
    assert cleaner.feature_names_in_.tolist() == ["a", "b", "c"]


def test_feature_names_out_for_a_numpy_fit():
    X = _data()[0].to_numpy(copy=True)
    cleaner = NanCleaner(missing_indicators=True).fit(X)
    assert not hasattr(cleaner, "feature_names_in_")
    assert cleaner.get_feature_names_out().tolist() == ["x0", "x0__missing", "x1", "x2"]
    names = cleaner.get_feature_names_out(["age", "income", "debt"])
    assert names.tolist() == ["age", "age__missing", "income", "debt"]
    assert names.dtype == object


def test_pandas_frame_with_integer_column_names():
    X = pd.DataFrame(_data()[0].to_numpy(copy=True))  # columns 0, 1, 2
    cleaner = NanCleaner()
    out = cleaner.fit_transform(X)
    assert out.shape == (N, 3)
    assert cleaner.get_feature_names_out().tolist() == ["x0", "x1", "x2"]
    np.testing.assert_array_equal(cleaner.transform(X), out)


def test_set_output_pandas_keeps_the_index():
    frame, _ = _data()
    cleaner = NanCleaner(missing_indicators=True).set_output(transform="pandas")
    out = cleaner.fit(frame).transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == ["a", "a__missing", "b", "c"]
    assert out.index.equals(frame.index)
    assert out.dtypes.unique().tolist() == [np.float32]


@pytest.mark.parametrize("kind", ["numpy", "pandas", "polars"])
def test_set_output_polars(kind):
    X = _as(kind, _data()[0])
    out = NanCleaner(dtype="float64").set_output(transform="polars").fit_transform(X)
    assert isinstance(out, pl.DataFrame)
    names = ["x0", "x1", "x2"] if kind == "numpy" else ["a", "b", "c"]
    assert out.schema == dict.fromkeys(names, pl.Float64)
    assert out.height == N


def test_default_output_is_a_numpy_array_even_for_frames():
    X = pl.from_pandas(_data()[0], nan_to_null=False)
    assert isinstance(
        NanCleaner().set_output(transform="default").fit_transform(X), np.ndarray
    )


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        ("float32", np.float32),
        ("float16", np.float32),
        ("bfloat16", np.float32),
        ("float64", np.float64),
    ],
)
def test_output_dtype_and_tags(dtype, expected):
    cleaner = NanCleaner(dtype=dtype)
    assert cleaner.fit_transform(_data()[0]).dtype == expected
    tags = cleaner.__sklearn_tags__()
    assert tags.input_tags.allow_nan
    assert tags.transformer_tags.preserves_dtype == [np.dtype(expected).name]


def test_float16_output_is_within_float16_range():
    X = _data()[0].to_numpy(copy=True)
    X[20, 0] = 1e9
    out = NanCleaner(dtype="float16", outliers="none", scale="none").fit_transform(X)
    assert np.abs(out).max() <= np.finfo(np.float16).max


# --- scikit-learn integrations -------------------------------------------------------


def test_pipeline_trains_where_the_bare_model_fails():
    frame, y = _data()
    with pytest.raises(ValueError, match="Input X contains"):
        Ridge().fit(frame, y)
    pipe = make_pipeline(NanCleaner(), Ridge()).fit(frame, y)
    assert np.isfinite(pipe.predict(frame)).all()


def test_column_transformer():
    frame, _ = _data()
    ct = make_column_transformer(
        (NanCleaner(missing_indicators=True), ["a", "b"]),
        ("passthrough", ["c"]),
    )
    out = ct.fit_transform(frame)
    assert out.shape == (N, 4)
    assert ct.get_feature_names_out().tolist() == [
        "nancleaner__a",
        "nancleaner__a__missing",
        "nancleaner__b",
        "passthrough__c",
    ]
    polars_out = ct.set_output(transform="polars").fit_transform(frame)
    assert polars_out.columns == ct.get_feature_names_out().tolist()


def test_grid_search_with_two_jobs_searches_nanclean_parameters():
    frame, y = _data()
    pipe = make_pipeline(NanCleaner(), Ridge())
    grid = {
        "nancleaner__scale": ["robust", "standard"],
        "nancleaner__outliers": ["iqr"],
    }
    search = GridSearchCV(pipe, grid, cv=2, n_jobs=2).fit(frame, y)
    assert search.best_params_["nancleaner__scale"] in ("robust", "standard")
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_[0].config_.outliers == "iqr"


def test_cross_val_score():
    frame, y = _data()
    labels = (y > np.median(y)).astype(int)
    scores = cross_val_score(
        make_pipeline(NanCleaner(), LogisticRegression()), frame, labels, cv=3
    )
    assert scores.shape == (3,)
    assert np.isfinite(scores).all()


def test_clone_keeps_parameters_and_drops_the_fit():
    config = CleanConfig(impute="mean")
    cleaner = NanCleaner(
        scale="minmax", columns={"a": {"outliers": "none"}}, config=config
    )
    cleaner.fit(_data()[0])
    copy = clone(cleaner)
    assert copy.get_params() == cleaner.get_params()
    assert not hasattr(copy, "plan_")
    with pytest.raises(
        NotFittedError, match="This NanCleaner instance is not fitted yet"
    ):
        copy.transform(_data()[0])


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_pickle_and_joblib_round_trip(dump):
    frame, _ = _data()
    cleaner = NanCleaner(clip_indicators=True).set_output(transform="pandas").fit(frame)
    if dump == "pickle":
        loaded = pickle.loads(pickle.dumps(cleaner))
    else:
        buffer = io.BytesIO()
        joblib.dump(cleaner, buffer)
        buffer.seek(0)
        loaded = joblib.load(buffer)
    pd.testing.assert_frame_equal(loaded.transform(frame), cleaner.transform(frame))
    assert loaded.plan_.to_json() == cleaner.plan_.to_json()


def test_fitted_attributes():
    frame, _ = _data()
    cleaner = NanCleaner().fit(frame)
    assert isinstance(cleaner.plan_, nanclean.Plan)
    assert isinstance(cleaner.report_, nanclean.AuditReport)
    assert isinstance(cleaner.cleaner_, nanclean.Cleaner)
    assert isinstance(cleaner.config_, CleanConfig)
    kinds = {(f.kind.value, f.column) for f in cleaner.report_.findings}
    assert {("nan", "a"), ("pos_inf", "b"), ("neg_inf", "c")} <= kinds
    rows = {f.kind.value: f.rows for f in cleaner.report_.findings if f.column == "a"}
    assert rows["nan"] == ["r3", "r10"]  # the caller's row labels
    assert nanclean.Plan.from_json(cleaner.plan_.to_json()) == cleaner.plan_
    audit = cleaner.cleaner_.transform(frame).report
    assert any(
        a.kind.value == "imputed" and a.rows == ["r3", "r10"] for a in audit.actions
    )


def test_exported_from_the_package():
    from nanclean.sklearn import NanCleaner as FromModule

    assert nanclean.NanCleaner is FromModule
    assert "NanCleaner" in nanclean.__all__


# --- parameters and config ------------------------------------------------------------


def test_init_only_stores_parameters():
    cleaner = NanCleaner(impute="not a policy", sample_size=3, config=42)
    assert cleaner.get_params()["impute"] == "not a policy"


def test_flat_parameters_override_config():
    cleaner = NanCleaner(scale="none", config={"scale": "standard", "impute": "mean"})
    cleaner.fit(_data()[0])
    assert cleaner.config_.scale == "none"
    assert cleaner.config_.impute == "mean"
    assert all(cp.scale == "none" for cp in cleaner.plan_.columns)


def test_config_as_cleanconfig_dict_and_file(tmp_path):
    frame, _ = _data()
    path = tmp_path / "nanclean.toml"
    path.write_text('impute = "constant"\nfill_value = -1.0\nscale = "none"\n')
    outputs = [
        NanCleaner(config=config).fit_transform(frame)
        for config in (
            CleanConfig(impute="constant", fill_value=-1.0, scale="none"),
            {"impute": "constant", "fill_value": -1.0, "scale": "none"},
            path,
            str(path),
        )
    ]
    for out in outputs:
        np.testing.assert_array_equal(out, outputs[0])
    assert outputs[0][3, 0] == -1.0


def test_config_dict_is_not_modified():
    config = {"impute": "mean", "columns": {"a": {"scale": "none"}}}
    NanCleaner(config=config, scale="minmax").fit(_data()[0])
    assert config == {"impute": "mean", "columns": {"a": {"scale": "none"}}}


def test_numpy_scalars_from_a_search_grid_are_accepted():
    cleaner = NanCleaner(
        outlier_threshold=np.int64(5),
        fill_value=np.float32(1.5),
        sample_size=np.int64(2000),
        missing_indicators=np.bool_(True),
    )
    cleaner.fit(_data()[0])
    assert cleaner.config_.outlier_threshold == 5.0
    assert cleaner.config_.sample_size == 2000


def test_per_column_overrides():
    frame, _ = _data()
    cleaner = NanCleaner(scale="none", columns={"c": {"outliers": "none"}}).fit(frame)
    out = cleaner.transform(frame)
    assert out[9, 2] == np.float32(1e12)
    assert cleaner.plan_.column("c").outlier_low is None


def test_target_fields_of_a_shared_config_are_ignored():
    cleaner = NanCleaner(config={"target": "y", "loss": "bce"}).fit(_data()[0])
    assert cleaner.config_.target is None
    assert cleaner.plan_.target is None


def test_policy_error_at_transform():
    train, _ = _data()
    train = train.fillna(0.0)
    cleaner = NanCleaner(impute="error").fit(train)
    with pytest.raises(
        PolicyError, match=r"Column 'a' has 1 cells that the policy impute='error'"
    ):
        cleaner.transform(pd.DataFrame({"a": [np.nan], "b": [1.0], "c": [1.0]}))


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"impute": "medain"},
            r"The 'impute' parameter of NanCleaner must be a str among "
            r"\{.*'median'.*\} or None\. Got 'medain' instead\.",
        ),
        (
            {"scale": "zscore"},
            r"The 'scale' parameter of NanCleaner must be a str among .*Got 'zscore'",
        ),
        (
            {"outlier_threshold": -1},
            r"The 'outlier_threshold' parameter of NanCleaner must be a float in the "
            r"range \(0\.0, inf\) or None\. Got -1 instead\.",
        ),
        (
            {"fill_value": np.inf},
            r"The 'fill_value' parameter of NanCleaner must be a float in the range "
            r"\(-inf, inf\) or None\. Got inf instead\.",
        ),
        (
            {"sample_size": 10},
            r"The 'sample_size' parameter of NanCleaner must be an int in the range "
            r"\[1000, inf\) or None\. Got 10 instead\.",
        ),
        (
            {"missing_indicators": "yes"},
            r"The 'missing_indicators' parameter of NanCleaner must be an instance of "
            r"'bool' or an instance of 'numpy\.bool' or None\. Got 'yes' instead\.",
        ),
        (
            {"config": 42},
            r"The 'config' parameter of NanCleaner must be an instance of "
            r"'nanclean\.config\.CleanConfig'.* or None\. Got 42 instead\.",
        ),
    ],
)
def test_invalid_parameters(params, message):
    with pytest.raises(InvalidParameterError, match=message):
        NanCleaner(**params).fit(_data()[0])


def test_drop_row_is_not_advertised_as_allowed():
    with pytest.raises(InvalidParameterError, match="Got 'drop'") as info:
        NanCleaner(impute="drop").fit(_data()[0])
    assert "drop_row" not in str(info.value)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"impute": "drop_row"}, "impute='drop_row'"),
        ({"inf": "drop_row"}, "inf='drop_row'"),
        ({"pos_inf": "drop_row"}, "pos_inf='drop_row'"),
        ({"neg_inf": "drop_row"}, "neg_inf='drop_row'"),
        ({"outlier_action": "drop_row"}, "outlier_action='drop_row'"),
        ({"ratio_on_zero": "drop_row"}, "ratio_on_zero='drop_row'"),
        (
            {"columns": {"a*": {"impute": "drop_row"}}},
            "columns['a*']['impute']='drop_row'",
        ),
        ({"config": {"outlier_action": "drop_row"}}, "outlier_action='drop_row'"),
        ({"config": CleanConfig(inf="drop_row")}, "inf='drop_row'"),
    ],
)
def test_row_dropping_policies_are_refused(params, named):
    with pytest.raises(ConfigError) as info:
        NanCleaner(**params).fit(_data()[0])
    message = str(info.value)
    assert f"NanCleaner cannot drop rows, but {named}" in message
    for expected in (
        "must return one row per input row",
        "would no longer line up with X",
        "nanclean.clean(df, target=...)",
        "nanclean.Cleaner(config)",
    ):
        assert expected in message


def test_row_dropping_message_is_matched_with_raises():
    with pytest.raises(
        ConfigError,
        match=r"NanCleaner cannot drop rows, but impute='drop_row' would\. A "
        r"scikit-learn transformer must return one row per input row",
    ):
        NanCleaner(impute="drop_row").fit(_data()[0])


def test_invalid_config_contents():
    with pytest.raises(
        ConfigError, match=r"Config key 'impute' must be one of 'median', .*got 'foo'"
    ):
        NanCleaner(config={"impute": "foo"}).fit(_data()[0])
    with pytest.raises(
        ConfigError, match=r"Config file '.*missing\.toml' does not exist"
    ):
        NanCleaner(config="missing.toml").fit(_data()[0])
    with pytest.raises(ConfigError, match=r"must be in \(0, 0\.5\); got 0\.7"):
        NanCleaner(outliers="quantile", outlier_threshold=0.7).fit(_data()[0])


def test_target_column_in_x_is_refused():
    frame, y = _data()
    frame = frame.assign(y=y)
    with pytest.raises(
        ColumnError,
        match=r"X has the column 'y', which config names as the target \(target='y'\)\. "
        r"NanCleaner transforms features only: pass the labels as y",
    ):
        NanCleaner(config={"target": "y"}).fit(frame)


def test_different_number_of_features_at_transform():
    X = _data()[0].to_numpy(copy=True)
    cleaner = NanCleaner().fit(X)
    with pytest.raises(
        ValueError,
        match="X has 2 features, but NanCleaner is expecting 3 features as input",
    ):
        cleaner.transform(X[:, :2])


def test_different_feature_names_at_transform():
    frame, _ = _data()
    cleaner = NanCleaner().fit(frame)
    with pytest.raises(
        ValueError,
        match="The feature names should match those that were passed during fit",
    ):
        cleaner.transform(frame.rename(columns={"a": "z"}))


@pytest.mark.parametrize(
    ("fit_kind", "transform_kind", "message"),
    [
        (
            "pandas",
            "polars",
            "fitted on a pandas DataFrame but transform got a polars DataFrame",
        ),
        (
            "polars",
            "pandas",
            "fitted on a polars DataFrame but transform got a pandas DataFrame",
        ),
        (
            "pyarrow",
            "polars",
            "fitted on a pyarrow Table but transform got a polars DataFrame",
        ),
    ],
)
def test_frame_of_another_library_at_transform(fit_kind, transform_kind, message):
    frame, _ = _data()
    cleaner = NanCleaner().fit(_as(fit_kind, frame))
    with pytest.raises(InputError, match=message + r"\. Pass the same kind of frame"):
        cleaner.transform(_as(transform_kind, frame))


def test_array_after_a_frame_is_positional_with_sklearns_warning():
    frame, _ = _data()
    cleaner = NanCleaner().fit(frame)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        out = cleaner.transform(frame.to_numpy(copy=True))
    np.testing.assert_array_equal(out, cleaner.transform(frame))


def test_frame_after_an_array_is_positional_with_sklearns_warning():
    frame, _ = _data()
    cleaner = NanCleaner().fit(frame.to_numpy(copy=True))
    with pytest.warns(
        UserWarning, match="X has feature names, but NanCleaner was fitted without"
    ):
        out = cleaner.transform(frame)
    np.testing.assert_array_equal(out, cleaner.transform(frame.to_numpy(copy=True)))


def test_lazy_frame_is_refused():
    lazy = pl.from_pandas(_data()[0], nan_to_null=False).lazy()
    with pytest.raises(
        InputError,
        match=r"NanCleaner needs X in memory, but got a polars LazyFrame\. Call X\.collect\(\) first",
    ):
        NanCleaner().fit(lazy)


def test_unfitted_transform():
    with pytest.raises(
        NotFittedError, match="This NanCleaner instance is not fitted yet"
    ):
        NanCleaner().transform(_data()[0])
    with pytest.raises(
        NotFittedError, match="This NanCleaner instance is not fitted yet"
    ):
        NanCleaner().get_feature_names_out()


def test_wrong_input_features_length():
    cleaner = NanCleaner().fit(_data()[0].to_numpy(copy=True))
    with pytest.raises(
        ValueError,
        match=r"input_features should have length equal to number of features \(3\), got 2",
    ):
        cleaner.get_feature_names_out(["a", "b"])


def test_one_dimensional_input():
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array instead"):
        NanCleaner().fit(np.arange(5.0))


def test_sparse_input():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(
        TypeError, match="Sparse data was passed for X, but dense data is required"
    ):
        NanCleaner().fit(sparse.csr_matrix(np.eye(3)))


def test_nothing_numeric_left():
    with pytest.raises(ValueError, match="Every feature column would be dropped"):
        NanCleaner().fit(np.full((5, 2), np.nan))


# --- the example ----------------------------------------------------------------------


def test_example_pipeline_runs(capsys):
    example = runpy.run_path(str(ROOT / "examples" / "sklearn_pipeline.py"))
    result = example["main"]()
    out = capsys.readouterr().out
    assert result["bare_error"] is not None
    assert "Input X contains" in result["bare_error"]
    assert "bare MLPClassifier failed: ValueError: Input X contains" in out
    assert "make_pipeline(NanCleaner(), MLPClassifier()) trained" in out
    assert 0.5 <= result["score"] <= 1.0
    proba = result["pipeline"].predict_proba(example["load"]()[0])
    assert np.isfinite(proba).all()
