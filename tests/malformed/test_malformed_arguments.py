"""Catalogue, arguments: target, loss, config, ratios, label_map, fill values,
Cleaner.transform on data that does not match the fit, and NanCleaner.

scikit-learn's own validation errors from NanCleaner (NotFittedError,
ValueError, InvalidParameterError) stay as they are: its estimator checks
require them (``foreign=True``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

import nanclean as nc
from nanclean.errors import (
    ColumnError,
    ConfigError,
    EmptyInputError,
    InputError,
    PolicyError,
)
from nanclean.sklearn import NanCleaner

from .catalogue import GOOD, case, good_pandas, good_polars

NAN, INF = float("nan"), float("inf")


def clean_default(data: Any) -> Any:
    return nc.clean(data)


def with_missing(_: Path) -> pl.DataFrame:
    return pl.DataFrame(
        {"a": [1.0, 2.0, None, 4.0, 5.0], "b": [1.0, 2.0, 3.0, 4.0, 6.0]}
    )


# --- target and loss ---------------------------------------------------------------------

ARG_CASES = []
for bad in (0, 1, -1, 1.5, ["y"], ("y",), {"y"}, b"y", True, {"y": 1}):
    label = f"{type(bad).__name__}-{bad!r}"
    for name, call in {
        "scan": lambda d, b=bad: nc.scan(d, target=b),
        "clean": lambda d, b=bad: nc.clean(d, target=b),
        "fit": lambda d, b=bad: nc.Cleaner().fit(d, target=b),
    }.items():
        ARG_CASES.append(
            case(
                f"target-{label}-{name}",
                good_polars,
                call,
                ConfigError,
                "target",
                "'y'",
            )
        )
ARG_CASES += [
    case(
        "target-0-on-numpy",
        lambda _: np.ones((4, 3)),
        lambda a: nc.clean(a, target=0),
        ConfigError,
        "got 0 (int)",
        "'x0'",
    ),
    case(
        "target-not-a-column",
        good_pandas,
        lambda d: nc.clean(d, target="z"),
        ColumnError,
        "'z'",
    ),
    case(
        "target-case", good_polars, lambda d: nc.scan(d, target="Y"), ColumnError, "'Y'"
    ),
]
for bad in (5, ["mse"], "msee", "MSE", 1.5, {"mse"}):
    for name, call in {
        "scan": lambda d, b=bad: nc.scan(d, target="y", loss=b),
        "clean": lambda d, b=bad: nc.clean(d, target="y", loss=b),
    }.items():
        ARG_CASES.append(
            case(
                f"loss-{bad!r}-{name}", good_polars, call, ConfigError, "loss", "'mse'"
            )
        )
for bad in (123, 1.5, ["outliers"], b"x", object()):
    ARG_CASES.append(
        case(
            f"config-{type(bad).__name__}",
            good_polars,
            lambda d, b=bad: nc.clean(d, config=b),
            ConfigError,
            "config must be",
            type(bad).__name__,
        )
    )
ARG_CASES += [
    case(
        "config-path-missing",
        good_polars,
        lambda d: nc.clean(d, config="no_such_config.toml"),
        ConfigError,
        "no_such_config.toml",
    ),
    case(
        "ratio-over-text-numerator",
        lambda _: good_polars().with_columns(t=pl.lit("x")),
        lambda d: nc.clean(d, config={"ratios": {"r": ["t", "a"]}}),
        ConfigError,
        "ratios.r",
        "'t'",
    ),
    case(
        "ratio-over-text-denominator",
        lambda _: good_pandas().assign(t="x"),
        lambda d: nc.clean(d, config={"ratios": {"r": ["a", "t"]}}),
        ConfigError,
        "ratios.r",
        "'t'",
    ),
    case(
        "ratio-over-text-scan",
        lambda _: good_polars().with_columns(t=pl.lit("x")),
        lambda d: nc.scan(d, config={"ratios": {"r": ["a", "t"]}}),
        ConfigError,
        "ratios.r",
        "'t'",
    ),
    case(
        "ratio-over-datetime",
        lambda _: good_polars().with_columns(t=pl.lit(1).cast(pl.Datetime)),
        lambda d: nc.Cleaner({"ratios": {"r": ["a", "t"]}}).fit(d),
        ConfigError,
        "'t'",
    ),
    case(
        "ratio-missing-column",
        good_polars,
        lambda d: nc.clean(d, config={"ratios": {"r": ["a", "zz"]}}),
        ConfigError,
        "'zz'",
    ),
    case(
        "ratio-named-as-target",
        good_polars,
        lambda d: nc.clean(d, target="y", config={"ratios": {"y": ["a", "b"]}}),
        ConfigError,
        "'y'",
        "target",
    ),
    case(
        "ratio-over-booleans",
        lambda _: good_polars().with_columns(flag=pl.col("a") > 2),
        lambda d: nc.clean(d, config={"ratios": {"r": ["a", "flag"]}}),
        ConfigError,
        "ratios.r",
        "'flag'",
    ),
]
for key in ("yes", "1.5x", "nan", "inf"):
    ARG_CASES.append(
        case(
            f"label-map-text-key-{key}-on-numeric-target",
            good_polars,
            lambda d, k=key: nc.clean(
                d, target="y", loss="bce", config={"label_map": {k: 1}}
            ),
            ConfigError,
            "label_map",
            repr(key),
            "'y'",
        )
    )
ARG_CASES.append(
    case(
        "label-map-text-keys-on-text-target",
        lambda _: good_polars().with_columns(y=pl.Series(["no", "yes"] * 3)),
        lambda d: nc.clean(
            d, target="y", loss="bce", config={"label_map": {"yes": 1, "no": 0}}
        ),
        None,
        check=lambda d, r: r.frame["y"].to_list() == [0.0, 1.0] * 3,
    )
)


def _filled(value: float) -> Any:
    def check(data: pl.DataFrame, result: Any) -> None:
        assert result.frame["a"].to_list()[2] == float(np.float32(value))
        imputed = [a for a in result.report.actions if a.kind.value == "imputed"]
        assert [(a.column, a.rows) for a in imputed] == [("a", [2])]

    return check


# a constant fill is the user's choice: the contract includes it (no ContractError)
for fill in (1000.0, -1000.0, 0.0, 1e30):
    ARG_CASES.append(
        case(
            f"constant-fill-{fill:g}-outside-bounds",
            with_missing,
            lambda d, f=fill: nc.clean(
                d, config={"impute": "constant", "fill_value": f, "scale": "none"}
            ),
            None,
            check=_filled(fill),
        )
    )
ARG_CASES.append(
    case(
        "constant-fill-outside-bounds-scaled",
        with_missing,
        lambda d: nc.clean(d, config={"impute": "constant", "fill_value": -999.0}),
        None,
        check=lambda d, r: r.frame["a"].to_list()[2] < -100,
    )
)
for fill, dtype in (
    (1e308, "float16"),
    (-1e308, "float16"),
    (7e4, "float16"),
    (1e39, "float32"),
    (1e308, "bfloat16"),
):
    ARG_CASES.append(
        case(
            f"constant-fill-{fill:g}-beyond-{dtype}",
            with_missing,
            lambda d, f=fill, t=dtype: nc.clean(
                d,
                config={
                    "impute": "constant",
                    "fill_value": f,
                    "scale": "none",
                    "dtype": t,
                },
            ),
            ConfigError,
            "fill_value",
            "'a'",
            dtype,
        )
    )
for fill in (NAN, INF, -INF):
    ARG_CASES += [
        case(
            f"fill-value-{fill}",
            with_missing,
            lambda d, f=fill: nc.clean(
                d, config={"impute": "constant", "fill_value": f}
            ),
            ConfigError,
            "fill_value",
            "finite",
        ),
        case(
            f"fill-value-{fill}-per-column",
            with_missing,
            lambda d, f=fill: nc.clean(
                d, config={"columns": {"a": {"impute": "constant", "fill_value": f}}}
            ),
            ConfigError,
            "columns.a.fill_value",
        ),
    ]


# non-numeric columns that have no categories to encode
UNENCODABLE = {
    "list": pl.Series([[1], [2], None, [3], [4], [5]]),
    "array": pl.Series([[1.0, 2.0]] * 6, dtype=pl.Array(pl.Float64, 2)),
    "duration": pl.Series([dt.timedelta(i) for i in range(6)]),
    "object": pl.Series([f"o{i}" for i in range(6)], dtype=pl.Object),
}
for kind, series in UNENCODABLE.items():
    for method in ("ordinal", "onehot"):
        ARG_CASES.append(
            case(
                f"encode-{kind}-{method}",
                lambda _, s=series: good_polars().with_columns(s.alias("e")),
                lambda d, m=method: nc.clean(d, config={"non_numeric": m}),
                ConfigError,
                "'e'",
                f"non_numeric={method!r}",
            )
        )
    ARG_CASES.append(
        case(
            f"encode-{kind}-dropped",
            lambda _, s=series: good_polars().with_columns(s.alias("e")),
            clean_default,
            None,
            check=lambda d, r: r.frame.columns == ["a", "b", "y"],
        )
    )
# ints beyond float64 in numeric fields
for where, key, value in (
    ("value", "fill_value", 10**400),
    ("value", "outlier_threshold", 10**400),
    ("key", "label_map", {10**400: 1}),
    ("value", "label_map", {1: 10**400}),
):
    ARG_CASES.append(
        case(
            f"huge-int-{key}-{where}",
            good_polars,
            lambda d, k=key, v=value: nc.clean(d, target="y", config={k: v}),
            ConfigError,
            key,
        )
    )


# --- Cleaner.transform with data that does not match the fit ------------------------------


def fitted() -> nc.Cleaner:
    return nc.Cleaner({"scale": "none"}).fit(pl.DataFrame(GOOD), target="y", loss="bce")


def transform(data: Any) -> Any:
    return fitted().transform(data)


TRANSFORM_CASES = [
    case(
        "missing-column",
        lambda _: good_polars().drop("b"),
        transform,
        ColumnError,
        "'b'",
    ),
    case(
        "missing-all-columns",
        lambda _: pl.DataFrame({"z": [1.0]}),
        transform,
        ColumnError,
        "'a'",
        "'b'",
    ),
    case(
        "numpy-after-polars", lambda _: np.ones((3, 3)), transform, ColumnError, "'a'"
    ),
    case(
        "text-in-numeric-column",
        lambda _: good_polars().with_columns(a=pl.lit("x")),
        transform,
        ColumnError,
        "'a'",
        "numeric in training",
    ),
    case(
        "boolean-in-numeric-column",
        lambda _: good_polars().with_columns(pl.col("a") > 2),
        transform,
        ColumnError,
        "'a'",
    ),
    case(
        "empty-frame",
        lambda _: good_polars().head(0),
        transform,
        EmptyInputError,
        "no rows",
    ),
    case("series", lambda _: good_pandas()["a"], transform, InputError, "Series"),
    case(
        "empty-name",
        lambda _: good_polars().rename({"b": ""}),
        transform,
        ColumnError,
        "empty name",
    ),
    case(
        "every-label-invalid",
        lambda _: good_polars().with_columns(y=pl.lit(7.0)),
        transform,
        PolicyError,
        "'y'",
    ),
    case(
        "no-target-is-fine",
        lambda _: good_polars().drop("y"),
        transform,
        None,
        check=lambda d, r: r.frame.columns == ["a", "b"],
    ),
    case(
        "reordered-columns",
        lambda _: good_polars().select("y", "b", "a"),
        transform,
        None,
        check=lambda d, r: r.frame.columns == ["a", "b", "y"],
    ),
    case(
        "integer-columns",
        lambda _: good_polars().with_columns(pl.col("a").cast(pl.Int64)),
        transform,
        None,
        check=lambda d, r: r.frame["a"].to_list() == d["a"].cast(pl.Float32).to_list(),
    ),
    case(
        "extra-column-reported",
        lambda _: good_polars().with_columns(extra=pl.lit(1.0)),
        transform,
        None,
        check=lambda d, r: (
            "extra" not in r.frame.columns
            and [f.column for f in r.report.filter(kind="extra_column")] == ["extra"]
        ),
    ),
    case(
        "all-null-column-imputed",
        lambda _: good_polars().with_columns(a=pl.lit(None, pl.Float64)),
        transform,
        None,
        check=lambda d, r: r.frame["a"].null_count() == 0,
    ),
    case(
        "pandas-after-polars",
        good_pandas,
        transform,
        None,
        check=lambda d, r: isinstance(r.frame, pd.DataFrame),
    ),
    case(
        "lazy-failing",
        lambda _: good_polars().lazy().select("a", "nope"),
        transform,
        InputError,
        "nope",
    ),
]


# --- NanCleaner ------------------------------------------------------------------------------

X = np.array([[1.0, 2.0], [3.0, np.nan], [5.0, 6.0], [7.0, 8.0]])


def x(_: Path) -> np.ndarray:
    return X.copy()


SKLEARN_CASES = [
    case(
        "not-fitted",
        x,
        lambda a: NanCleaner().transform(a),
        NotFittedError,
        "not fitted",
        foreign=True,
    ),
    case(
        "wrong-feature-count",
        x,
        lambda a: NanCleaner().fit(a).transform(np.ones((2, 3))),
        ValueError,
        "3 features",
        foreign=True,
    ),
    case(
        "one-d",
        lambda _: X[:, 0].copy(),
        lambda a: NanCleaner().fit(a),
        ValueError,
        "2D",
        foreign=True,
    ),
    case(
        "invalid-impute",
        x,
        lambda a: NanCleaner(impute="x").fit(a),
        InvalidParameterError,
        "impute",
        foreign=True,
    ),
    case(
        "nan-threshold-param",
        x,
        lambda a: NanCleaner(outlier_threshold=NAN).fit(a),
        InvalidParameterError,
        "outlier_threshold",
        foreign=True,
    ),
    case(
        "inf-fill-param",
        x,
        lambda a: NanCleaner(fill_value=INF).fit(a),
        InvalidParameterError,
        "fill_value",
        foreign=True,
    ),
    case(
        "missing-feature-name",
        lambda _: pd.DataFrame(X, columns=["a", "b"]),
        lambda d: NanCleaner().fit(d).transform(d[["a"]]),
        ValueError,
        "b",
        foreign=True,
    ),
    case(
        "nan-threshold-in-config",
        x,
        lambda a: NanCleaner(config={"outlier_threshold": NAN}).fit(a),
        ConfigError,
        "outlier_threshold",
    ),
    case(
        "unknown-key-in-config",
        x,
        lambda a: NanCleaner(config={"imput": "mean"}).fit(a),
        ConfigError,
        "'imput'",
        "'impute'",
    ),
    case(
        "lazy-frame",
        lambda _: pl.LazyFrame({"a": [1.0, 2.0]}),
        lambda d: NanCleaner().fit(d),
        InputError,
        "LazyFrame",
    ),
    case(
        "drop-row-policy",
        x,
        lambda a: NanCleaner(impute="drop_row").fit(a),
        ConfigError,
        "impute='drop_row'",
    ),
    case(
        "float128",
        lambda _: X.astype(np.longdouble),
        lambda a: NanCleaner().fit(a),
        InputError,
        "float64",
    ),
    case(
        "empty-name",
        lambda _: pd.DataFrame(X, columns=["", "b"]),
        lambda d: NanCleaner().fit(d),
        ColumnError,
        "empty name",
    ),
    case(
        "kind-changed",
        lambda _: pl.DataFrame({"a": [1.0, 2.0, 3.0]}),
        lambda d: NanCleaner().fit(d).transform(d.to_pandas()),
        InputError,
        "polars DataFrame",
        "pandas DataFrame",
    ),
    case(
        "ratio-over-text",
        lambda _: pd.DataFrame({"a": [1.0, 2.0], "t": ["x", "y"]}),
        lambda d: NanCleaner(ratios={"r": ["a", "t"]}).fit(d),
        ConfigError,
        "'t'",
    ),
    case(
        "repairs-nan",
        x,
        lambda a: NanCleaner(scale="none").fit_transform(a),
        None,
        check=lambda a, out: np.isfinite(out).all() and out.shape == a.shape,
    ),
]

#: the case lists of this family, by name (run by test_catalogue.py)
CASES = {
    "arguments": ARG_CASES,
    "transform": TRANSFORM_CASES,
    "nancleaner": SKLEARN_CASES,
}
