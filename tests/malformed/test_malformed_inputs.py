"""Catalogue, inputs: what a careless pipeline hands to scan / clean.

Every case asserts the error class and that the message names the culprit (a
column, the input, a file), or the correct result; and that the input is
unchanged. See ``catalogue.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

import nanclean as nc
from nanclean.errors import (
    ColumnError,
    EmptyInputError,
    InputError,
    UnreadableFileError,
)
from nanclean.frame import read

from .catalogue import GOOD, a_file, case

ROW_ID = "__nanclean_row__"


def scan(data: Any) -> Any:
    return nc.scan(data)


def clean(data: Any) -> Any:
    return nc.clean(data, config={"scale": "none"})


CALLS = {"scan": scan, "clean": clean}


def _as(kind: str, columns: dict[str, list[Any]]) -> Any:
    df = pl.DataFrame(columns)
    if kind == "polars":
        return df
    if kind == "lazy":
        return df.lazy()
    if kind == "pandas":
        return pd.DataFrame(columns)
    if kind == "arrow":
        return df.to_arrow()
    raise ValueError(kind)


def _named(kind: str, names: list[str]) -> Any:
    """A frame of ``kind`` whose columns have exactly ``names``."""
    if kind == "pandas":
        df = pd.DataFrame(np.arange(6, dtype=float).reshape(3, 2) + 1.0)
        df.columns = names
        return df
    if kind == "arrow":
        return pa.table([pa.array([1.0, 2.0, 3.0]), pa.array([4.0, 5.0, 6.0])], names)
    df = pl.DataFrame({n: [1.0 + i, 2.0 + i, 3.0 + i] for i, n in enumerate(names)})
    return df.lazy() if kind == "lazy" else df


KINDS = ("polars", "lazy", "pandas", "arrow")

# --- names nanclean cannot speak of, refused; names that look internal, kept ----------

NAME_CASES = []
for kind in KINDS:
    for call in CALLS:
        NAME_CASES.append(
            case(
                f"empty-name-{kind}-{call}",
                lambda _, k=kind: _named(k, ["", "b"]),
                CALLS[call],
                ColumnError,
                "empty name",
                "''",
            )
        )
    NAME_CASES.append(
        case(
            f"reserved-row-id-{kind}",
            lambda _, k=kind: _named(k, [ROW_ID, "b"]),
            scan,
            ColumnError,
            ROW_ID,
        )
    )
NAME_CASES += [
    case(
        "duplicate-names-pandas",
        lambda _: pd.DataFrame(np.ones((3, 2)), columns=["a", "a"]),
        scan,
        ColumnError,
        "Duplicate",
        "'a'",
    ),
    case(
        "duplicate-names-arrow",
        lambda _: pa.table([pa.array([1.0, 2.0]), pa.array([3.0, 4.0])], ["a", "a"]),
        scan,
        ColumnError,
        "'a'",
    ),
    case(
        "int-names-pandas",
        lambda _: pd.DataFrame(np.ones((3, 2))),
        scan,
        ColumnError,
        "must be strings",
        "df.columns.astype(str)",
    ),
    case(
        "tuple-names-pandas",
        lambda _: pd.DataFrame(
            np.ones((3, 2)), columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])
        ),
        scan,
        ColumnError,
        "must be strings",
    ),
]


def _keeps_names(names: list[str]) -> Any:
    def check(data: Any, result: Any) -> None:
        out = result.frame
        if isinstance(out, pa.Table):
            columns = out.column_names
        elif isinstance(out, pl.LazyFrame):
            columns = out.collect_schema().names()
        else:
            columns = list(out.columns)
        assert columns == names

    return check


# names like the working columns and aggregates nanclean computes inside its passes
LOOKALIKES = (
    ["min", "max", "null", "bad_rows"],
    ["0:rows", "0:examples", "nz:a", "a"],
    ["cells:a", "cells_rows:a", "a", "0:present"],
    ["a__missing", "a__clipped", "len", "count"],
)
for kind in ("polars", "pandas", "arrow"):
    for names in LOOKALIKES:
        NAME_CASES.append(
            case(
                f"lookalike-names-{kind}-{names[0]}",
                lambda _, k=kind, n=names: _as(
                    k, {c: [1.0 + i, 2.0, None, 4.0 * i] for i, c in enumerate(n)}
                ),
                clean,
                None,
                check=_keeps_names(names),
            )
        )
    for name in ("\x000", "\x00", "a\x00b"):
        NAME_CASES.append(
            case(
                f"nul-in-name-{kind}-{name!r}",
                lambda _, k=kind, n=name: _named(k, [n, "b"]),
                clean,
                ColumnError,
                repr(name),
                "NUL",
            )
        )


def test_lookalike_names_keep_their_values() -> None:
    df = pl.DataFrame({"0:rows": [1.0, None, 3.0], "nz:0:rows": [4.0, 5.0, 6.0]})
    out = nc.clean(df, config={"scale": "none"}).frame
    assert out.columns == ["0:rows", "nz:0:rows"]
    assert out["0:rows"].to_list() == [1.0, 2.0, 3.0]
    assert out["nz:0:rows"].to_list() == [4.0, 5.0, 6.0]


# --- containers that are not tables, dtypes without a training dtype ------------------

SHAPE_CASES = [
    case(
        "pandas-series-named",
        lambda _: pd.Series([1.0, 2.0], name="a"),
        scan,
        InputError,
        "Series",
        "to_frame()",
    ),
    case(
        "pandas-series-unnamed",
        lambda _: pd.Series([1.0, 2.0]),
        clean,
        InputError,
        "Series",
        "to_frame()",
    ),
    case(
        "polars-series",
        lambda _: pl.Series("a", [1.0, 2.0]),
        scan,
        InputError,
        "Series",
    ),
    case(
        "pyarrow-array",
        lambda _: pa.array([1.0, 2.0]),
        scan,
        InputError,
        "pyarrow Table",
    ),
    case(
        "pyarrow-chunked-array",
        lambda _: pa.chunked_array([[1.0, 2.0]]),
        scan,
        InputError,
        "pyarrow",
    ),
    case(
        "complex-pandas",
        lambda _: pd.DataFrame({"z": np.array([1 + 2j, 3j, 1.0])}),
        scan,
        InputError,
        "'z'",
        "complex",
    ),
    case(
        "complex64-pandas",
        lambda _: pd.DataFrame({"z": np.array([1 + 2j, 3j], dtype=np.complex64)}),
        clean,
        InputError,
        "'z'",
        "complex",
    ),
    case(
        "longdouble-pandas",
        lambda _: pd.DataFrame({"w": np.array([1.0, 2.0], dtype=np.longdouble)}),
        scan,
        InputError,
        "'w'",
        "float64",
    ),
    case(
        "float128-numpy",
        lambda _: np.ones((3, 2), dtype=np.longdouble),
        scan,
        InputError,
        "float128",
        "float64",
    ),
    case(
        "complex-numpy",
        lambda _: np.ones((3, 2), dtype=np.complex128),
        clean,
        InputError,
        "complex",
    ),
    case(
        "numpy-1d",
        lambda _: np.ones(4),
        scan,
        InputError,
        "2-D",
        "reshape(-1, 1)",
    ),
    case(
        "numpy-3d",
        lambda _: np.ones((2, 2, 2)),
        scan,
        InputError,
        "2-D",
    ),
    case(
        "numpy-0d",
        lambda _: np.array(1.0),
        scan,
        InputError,
        "2-D",
    ),
    case(
        "numpy-wrong-column-count",
        lambda _: np.ones((3, 2)),
        lambda a: read(a, columns=["a"]),
        InputError,
        "columns has 1 names",
    ),
    case(
        "numpy-empty-name",
        lambda _: np.ones((3, 2)),
        lambda a: read(a, columns=["", "b"]),
        ColumnError,
        "empty name",
    ),
    case(
        "numpy-duplicate-names",
        lambda _: np.ones((3, 2)),
        lambda a: read(a, columns=["a", "a"]),
        ColumnError,
        "'a'",
    ),
]
for i, bad in enumerate(
    [None, 123, 1.5, [1.0, 2.0], {"a": [1.0]}, {1, 2}, b"a,b", object()]
):
    SHAPE_CASES.append(
        case(
            f"unsupported-type-{type(bad).__name__}-{i}",
            lambda _, b=bad: b,
            scan,
            InputError,
            f"{type(bad).__name__!r}",
            "Pass a polars DataFrame",
        )
    )
for name, make, rows in [
    ("pandas-empty", lambda _: pd.DataFrame(), "no rows"),
    (
        "pandas-index-only",
        lambda _: pd.DataFrame(index=range(5)),
        "5 rows and no columns",
    ),
    ("polars-empty", lambda _: pl.DataFrame(), "no rows"),
    ("polars-schema-only", lambda _: pl.DataFrame(schema={"a": pl.Float64}), "no rows"),
    ("lazy-empty", lambda _: pl.LazyFrame(), "no rows"),
    ("numpy-no-rows", lambda _: np.zeros((0, 3)), "no rows"),
    ("numpy-no-columns", lambda _: np.zeros((4, 0)), "4 rows and no columns"),
    ("arrow-empty", lambda _: pa.table({"a": pa.array([], pa.float64())}), "no rows"),
]:
    for call in CALLS:
        SHAPE_CASES.append(
            case(f"{name}-{call}", make, CALLS[call], EmptyInputError, rows)
        )


def _sparse(_: Path) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "s": pd.arrays.SparseArray([0.0, 1.0, 0.0, np.nan, 2.0]),
            "d": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )


def _same_as_dense(data: pd.DataFrame, report: Any) -> None:
    dense = (
        data.sparse.to_dense() if False else data.assign(s=data["s"].sparse.to_dense())
    )
    expected = nc.scan(dense)
    assert [(f.kind, f.column, f.rows) for f in report.findings] == [
        (f.kind, f.column, f.rows) for f in expected.findings
    ]
    assert report.filter(kind="nan")[0].rows == [3]


SHAPE_CASES += [
    case("sparse-pandas-is-read-dense", _sparse, scan, None, check=_same_as_dense),
    case(
        "sparse-pandas-cleaned",
        _sparse,
        clean,
        None,
        check=lambda d, r: r.frame["s"].tolist() == [0.0, 1.0, 0.0, 0.5, 2.0],
    ),
]


# --- a lazy query that fails when nanclean collects it ----------------------------------


def _boom(s: pl.Series) -> pl.Series:
    raise RuntimeError("boom in the user's UDF")


def _divide_by_zero_at_3(v: float) -> float:
    if v == 3.0:
        raise ZeroDivisionError("the user's UDF divided by zero")
    return v


def _deleted_csv(tmp: Path) -> pl.LazyFrame:
    path = tmp / "gone.csv"
    pl.DataFrame(GOOD).write_csv(path)
    lazy = pl.scan_csv(path)
    os.remove(path)
    return lazy


LAZY = {
    "udf-raises": (
        lambda _: pl.LazyFrame(GOOD).with_columns(
            pl.col("a").map_batches(_boom, return_dtype=pl.Float64)
        ),
        "RuntimeError",
    ),
    "udf-divides-by-zero": (
        lambda _: pl.LazyFrame(GOOD).with_columns(
            pl.col("a").map_elements(_divide_by_zero_at_3, return_dtype=pl.Float64)
        ),
        "ZeroDivisionError",
    ),
    "strict-cast": (
        lambda _: pl.LazyFrame({"a": ["1", "x", "3"]}).with_columns(
            pl.col("a").cast(pl.Float64)
        ),
        "conversion",
    ),
    "missing-column": (
        lambda _: pl.LazyFrame(GOOD).select("a", "nope"),
        "nope",
    ),
    "file-deleted-after-scan": (_deleted_csv, "gone.csv"),
    "scan-of-missing-parquet": (
        lambda tmp: pl.scan_parquet(tmp / "never.parquet"),
        "never.parquet",
    ),
    "bad-integer-parse": (
        lambda _: pl.LazyFrame({"a": ["1", "garbage"]}).with_columns(
            pl.col("a").str.to_integer()
        ),
        "garbage",
    ),
    "non-boolean-filter": (
        lambda _: pl.LazyFrame(GOOD).filter(pl.col("a")),
        "polars LazyFrame",
    ),
}
LAZY_CASES = [
    case(
        f"lazy-{name}-{call}",
        make,
        CALLS[call],
        InputError,
        "polars LazyFrame",
        cause,
        keeps_cause=True,
    )
    for name, (make, cause) in LAZY.items()
    for call in CALLS
]


# --- files ------------------------------------------------------------------------------


def _parquet_truncated(tmp: Path) -> Path:
    path = tmp / "cut.parquet"
    pl.DataFrame(GOOD).write_parquet(path)
    path.write_bytes(path.read_bytes()[:40])
    return path


FILE_CASES = [
    case(
        "file-missing",
        lambda tmp: tmp / "absent.csv",
        scan,
        UnreadableFileError,
        "absent.csv",
    ),
    case("file-is-directory", lambda tmp: tmp, scan, UnreadableFileError, "extension"),
    case(
        "file-dir-with-extension",
        lambda tmp: (tmp / "d.csv").mkdir() or tmp / "d.csv",
        scan,
        UnreadableFileError,
        "d.csv",
    ),
    case(
        "file-unknown-extension",
        a_file("data.xlsx", b"a,b\n1,2\n"),
        scan,
        UnreadableFileError,
        "data.xlsx",
        ".xlsx",
    ),
    case("file-empty-csv", a_file("empty.csv", b""), scan, InputError, "empty.csv"),
    case(
        "file-header-only-csv",
        a_file("header.csv", b"a,b\n"),
        scan,
        EmptyInputError,
        "header.csv",
        "no rows",
    ),
    case(
        "file-binary-garbage-csv",
        a_file("garbage.csv", bytes(range(256)) * 8),
        scan,
        InputError,
        "garbage.csv",
    ),
    case(
        "file-garbage-parquet",
        a_file("garbage.parquet", b"not a parquet file at all"),
        scan,
        UnreadableFileError,
        "garbage.parquet",
    ),
    case(
        "file-truncated-parquet",
        _parquet_truncated,
        clean,
        UnreadableFileError,
        "cut.parquet",
    ),
    case(
        "file-garbage-ipc",
        a_file("garbage.arrow", b"\x00\x01\x02"),
        scan,
        UnreadableFileError,
        "garbage.arrow",
    ),
    case(
        "file-json-not-a-table",
        a_file("scalar.json", b"42"),
        scan,
        UnreadableFileError,
        "scalar.json",
    ),
    case(
        "file-broken-ndjson",
        a_file("broken.ndjson", b'{"a": 1}\n{"a": \n'),
        scan,
        UnreadableFileError,
        "broken.ndjson",
    ),
    case(
        "file-ragged-csv",
        a_file("ragged.csv", b"a,b\n1,2\n3,4,5,6\n"),
        clean,
        InputError,
        "ragged.csv",
    ),
    case(
        "file-text-only-csv",
        a_file("words.csv", b"a,b\nx,y\nz,w\n"),
        scan,
        InputError,
        "numeric",
    ),
]

#: the case lists of this family, by name (run by test_catalogue.py)
CASES = {
    "names": NAME_CASES,
    "shapes": SHAPE_CASES,
    "lazy": LAZY_CASES,
    "files": FILE_CASES,
}
