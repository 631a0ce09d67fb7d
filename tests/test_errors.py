"""Bad input: a NancleanError subclass whose message names the culprit and the fix.

Never a raw polars / pyarrow / numpy exception.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import nanclean as nc
from nanclean.errors import (
    ColumnError,
    ConfigError,
    EmptyInputError,
    InputError,
    NancleanError,
    NoNumericColumnsError,
    UnreadableFileError,
)

OK = pl.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]})


def test_hierarchy():
    for cls in (InputError, EmptyInputError, NoNumericColumnsError, ColumnError):
        assert issubclass(cls, NancleanError) and issubclass(cls, ValueError)
    assert issubclass(ConfigError, ValueError)
    assert issubclass(UnreadableFileError, OSError)
    assert issubclass(ColumnError, KeyError)
    assert issubclass(nc.NancleanWarning, UserWarning)


# --- empty and non-numeric inputs ------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pl.DataFrame(),
        pl.LazyFrame(),
        pd.DataFrame(),
        pa.table({}),
        np.zeros((0, 0)),
    ],
    ids=["polars", "lazy", "pandas", "arrow", "numpy"],
)
def test_empty_frame(data):
    with pytest.raises(
        EmptyInputError, match=r"has no rows.*Pass a frame with at least"
    ):
        nc.scan(data)


def test_frame_with_columns_but_no_rows():
    with pytest.raises(EmptyInputError, match=r"polars DataFrame\) has no rows"):
        nc.scan(pl.DataFrame({"a": pl.Series([], dtype=pl.Float64)}))
    with pytest.raises(EmptyInputError, match=r"numpy array \(0, 3\)\) has no rows"):
        nc.scan(np.zeros((0, 3)))


def test_frame_with_rows_but_no_columns():
    with pytest.raises(
        EmptyInputError, match=r"numpy array \(3, 0\)\) has 3 rows and no columns"
    ):
        nc.scan(np.zeros((3, 0)))
    with pytest.raises(EmptyInputError, match=r"has 5 rows and no columns"):
        nc.scan(pd.DataFrame(index=range(5)))


def test_no_numeric_columns():
    df = pl.DataFrame({"city": ["Oslo", "Lima"], "when": [True, False]})
    with pytest.raises(
        NoNumericColumnsError,
        match=r"no numeric feature column; its columns: 'city \(String\)', 'when \(Boolean\)'.*"
        r"encode categorical columns first",
    ):
        nc.scan(df)


def test_only_the_target_is_numeric():
    df = pl.DataFrame({"city": ["Oslo", "Lima"], "y": [0.0, 1.0]})
    with pytest.raises(NoNumericColumnsError, match="'city"):
        nc.scan(df, target="y")


# --- column names -----------------------------------------------------------------------


def test_duplicate_column_names_pandas():
    df = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["a", "b", "a"])
    with pytest.raises(ColumnError, match=r"Duplicate column names: 'a'.*rename"):
        nc.scan(df)


def test_duplicate_column_names_arrow():
    table = pa.table([pa.array([1.0]), pa.array([2.0])], names=["a", "a"])
    with pytest.raises(ColumnError, match=r"Duplicate column names: 'a'.*rename"):
        nc.scan(table)


def test_duplicate_column_names_numpy():
    from nanclean.frame import read

    with pytest.raises(ColumnError, match="Duplicate column names: 'p'"):
        read(np.zeros((2, 2)), columns=["p", "p"])


@pytest.mark.parametrize(
    ("columns", "shown"),
    [
        ([0, 1], r"0, 1 \(int\)"),
        (["a", 2.5], r"2.5 \(float\)"),
        ([("a", "b")], r"\('a', 'b'\) \(tuple\)"),
    ],
)
def test_non_string_column_names_pandas(columns, shown):
    df = pd.DataFrame([[1.0] * len(columns)], columns=columns)
    with pytest.raises(
        ColumnError, match=rf"Column names must be strings; got {shown}.*astype\(str\)"
    ):
        nc.scan(df)


def test_reserved_column_name():
    df = pl.DataFrame({"a": [1.0], "__nanclean_row__": [0]})
    with pytest.raises(
        ColumnError, match=r"'__nanclean_row__' of .* is reserved.*Rename"
    ):
        nc.scan(df)


def test_target_not_a_column():
    with pytest.raises(
        ColumnError,
        match=r"Target 'bb' is not a column of the input\. Did you mean 'b'\?.*"
        r"Fix: pass target=",
    ):
        nc.scan(OK, target="bb")


def test_numpy_column_count_mismatch():
    from nanclean.frame import read

    with pytest.raises(InputError, match=r"columns has 1 names .* 2 columns"):
        read(np.zeros((2, 2)), columns=["p"])


# --- config -------------------------------------------------------------------------------


def test_unknown_config_key_suggests_the_closest():
    with pytest.raises(
        ConfigError, match=r"Unknown config key 'outlier'\. Did you mean 'outliers'\?"
    ):
        nc.scan(OK, config={"outlier": "iqr"})


def test_unknown_per_column_key():
    with pytest.raises(
        ConfigError,
        match=r"Unknown per-column key 'imput' in 'columns\.a'\. Did you mean 'impute'",
    ):
        nc.scan(OK, config={"columns": {"a": {"imput": "mean"}}})


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"outliers": "iqq"},
            r"'outliers' must be one of .*got 'iqq'\. Did you mean 'iqr'",
        ),
        ({"sample_size": "many"}, r"'sample_size' must be int; got 'many' \(str\)"),
        ({"sample_size": 10}, r"'sample_size' must be >= 1000; got 10"),
        ({"outlier_threshold": -1}, r"'outlier_threshold' must be > 0; got -1"),
        ({"missing_indicators": "yes"}, r"'missing_indicators' must be bool"),
        ({"n_classes": 1}, r"'n_classes' must be >= 2; got 1"),
        ({"ratios": {"r": ["a"]}}, r"'ratios\.r' must be \[numerator, denominator\]"),
        ({"dtype": "float8"}, r"'dtype' must be one of 'float32', 'float16'"),
    ],
)
def test_bad_config_value(config, message):
    with pytest.raises(ConfigError, match=message):
        nc.scan(OK, config=config)


def test_config_names_a_missing_column():
    with pytest.raises(
        ConfigError,
        match=r"'log_inputs' names column 'aa', which is not a numeric feature.*"
        r"Did you mean 'a'\?",
    ):
        nc.scan(OK, config={"log_inputs": ["aa"]})
    with pytest.raises(ConfigError, match=r"'ratios\.r' names column 'zz'"):
        nc.scan(OK, config={"ratios": {"r": ["a", "zz"]}})


def test_unknown_loss():
    with pytest.raises(
        ConfigError, match=r"loss must be one of .*got 'bcee'\. Did you mean 'bce'"
    ):
        nc.scan(OK, target="b", loss="bcee")


def test_config_of_the_wrong_type():
    with pytest.raises(
        ConfigError, match="config must be a CleanConfig, a dict, or a path"
    ):
        nc.scan(OK, config=5)


def test_missing_config_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(
        ConfigError, match=rf"Config file '{re.escape(str(path))}' does not exist"
    ):
        nc.scan(OK, config=path)


def test_bad_config_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("outliers = \n")
    with pytest.raises(
        ConfigError, match=rf"Could not parse config file '{re.escape(str(path))}'"
    ):
        nc.scan(OK, config=path)
    path = tmp_path / "c.yaml"
    path.write_text("outlier: iqr\n")
    with pytest.raises(ConfigError, match="Did you mean 'outliers'"):
        nc.scan(OK, config=path)


# --- files ---------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "missing.csv"
    with pytest.raises(
        UnreadableFileError,
        match=rf"'{re.escape(str(path))}' does not exist.*Check the path",
    ):
        nc.scan(path)


def test_directory_is_not_a_file(tmp_path):
    folder = tmp_path / "folder.parquet"
    folder.mkdir()
    with pytest.raises(UnreadableFileError, match="is not a file"):
        nc.scan(folder)


def test_unknown_extension(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(
        UnreadableFileError,
        match=r"Cannot tell the format of .*data\.xlsx.*'\.xlsx'.*pass format=",
    ):
        nc.scan(path)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.parquet", b"this is not parquet"),
        ("bad.arrow", b"this is not arrow"),
        ("bad.ndjson", b'{"a": 1}\n{"a": \n'),
        ("bad.csv", b'a,b\n1,2,3,4\n"unterminated\n'),
        ("empty.csv", b""),
    ],
)
def test_unreadable_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=rf"Could not read .*{name}.*format"):
        nc.scan(path)


def test_a_directory_is_not_a_file(tmp_path):
    folder = tmp_path / "data.csv"
    folder.mkdir()
    with pytest.raises(UnreadableFileError, match=r"data\.csv.*not a file"):
        nc.scan(folder)


# --- other inputs ----------------------------------------------------------------------------


def test_one_dimensional_numpy_array():
    with pytest.raises(
        InputError, match=r"must be 2-D .*got shape \(3,\).*reshape\(-1, 1\)"
    ):
        nc.scan(np.array([1.0, 2.0, 3.0]))


def test_unsupported_type():
    with pytest.raises(
        InputError, match=r"Unsupported input type 'list'.*pandas DataFrame"
    ):
        nc.scan([[1.0, 2.0]])


def test_pyarrow_array_is_not_a_table():
    with pytest.raises(InputError, match="pass a pyarrow Table"):
        nc.scan(pa.array([1.0, 2.0]))


def test_non_numeric_target_dtype():
    df = pl.DataFrame(
        {"x": [1.0, 2.0], "y": pd.to_datetime(["2020-01-01", "2020-01-02"])}
    )
    with pytest.raises(InputError, match=r"Target 'y' has dtype Datetime.*label_map"):
        nc.scan(df, target="y")
