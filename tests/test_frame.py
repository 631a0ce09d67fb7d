"""The edge (nanclean/frame.py and columns.py): every input kind is read,
NaN and null stay distinct, files are scanned lazily, strings are coerced."""

from __future__ import annotations

import gc
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import KINDS, convert, one

import nanclean as nc
from nanclean.frame import (
    INFER_ROWS,
    ROW_ID,
    TEXT_IN_MEMORY_FACTOR,
    InputKind,
    read,
)

INF = float("inf")
NAN = float("nan")

REF = pl.DataFrame(
    {
        "a": [1.5, None, NAN, INF, -INF, 2.0],
        "b": [1, 2, None, 4, 5, 6],
        "c": [0.5, 0.25, 0.125, 1.0, 2.0, 4.0],
    }
)

KIND_OF = {
    "polars": InputKind.POLARS,
    "polars_lazy": InputKind.POLARS_LAZY,
    "pandas": InputKind.PANDAS,
    "pandas_nullable": InputKind.PANDAS,
    "numpy": InputKind.NUMPY,
    "arrow": InputKind.ARROW,
}


def test_every_kind_is_read(make_input, input_kind):
    inp = make_input(REF)
    frame = read(inp.data)
    assert frame.kind is KIND_OF[input_kind]
    assert frame.n_rows == 6
    assert frame.columns == [inp.col(c) for c in REF.columns]
    data = frame.lazy.collect()
    assert data.columns[0] == ROW_ID
    assert data[ROW_ID].to_list() == list(range(6))
    assert frame.labels(np.arange(6)) == list(range(6))
    # the values arrive unchanged (null and NaN as the kind holds them)
    for c in REF.columns:
        got = data[inp.col(c)].cast(pl.Float64)
        want = inp.reference[c].cast(pl.Float64)
        assert got.is_null().to_list() == want.is_null().to_list()
        assert got.is_nan().fill_null(False).to_list() == (
            want.is_nan().fill_null(False).to_list()
        )
        finite = want.is_finite().fill_null(False)
        assert got.filter(finite).to_list() == want.filter(finite).to_list()


def test_counts_per_kind(make_input):
    inp = make_input(REF)
    report = nc.scan(inp.data)
    a, b = inp.col("a"), inp.col("b")
    if inp.merges_null:
        # a numpy-backed container stores the null as NaN: one kind, two cells
        assert one(report, "nan", a).rows == [1, 2]
        assert one(report, "nan", b).rows == [2]
        assert not report.filter(kind="null")
    else:
        assert one(report, "null", a).rows == [1]
        assert one(report, "nan", a).rows == [2]
        assert one(report, "null", b).rows == [2]
        assert not report.filter(kind="nan", column=b)
    assert one(report, "pos_inf", a).rows == [3]
    assert one(report, "neg_inf", a).rows == [4]
    assert not report.filter(column=inp.col("c"))


@pytest.mark.parametrize("kind", ["pandas", "pandas_nullable"])
def test_pandas_string_index_labels(kind):
    inp = convert(REF, kind, index=["u", "v", "w", "x", "y", "z"])
    report = nc.scan(inp.data)
    assert one(report, "pos_inf", "a").rows == ["x"]
    assert one(report, "neg_inf", "a").rows == ["y"]
    assert one(report, "nan", "a").rows == (["v", "w"] if inp.merges_null else ["w"])
    assert one(report, "pos_inf", "a").examples == [("x", INF)]


@pytest.mark.parametrize("kind", ["pandas", "pandas_nullable"])
def test_pandas_non_unique_index_labels(kind):
    index = [10, 10, 11, 11, 12, 12]
    inp = convert(REF, kind, index=index)
    report = nc.scan(inp.data)
    # rows 3 and 4 (positions) are labelled 11 and 12: positions are not reordered
    assert one(report, "pos_inf", "a").rows == [11]
    assert one(report, "neg_inf", "a").rows == [12]
    assert one(report, "pos_inf", "a").row_ids.tolist() == [3]


def test_pandas_shifted_range_index_labels():
    pdf = pd.DataFrame({"a": [1.0, INF, 3.0]}, index=pd.RangeIndex(100, 103))
    assert one(nc.scan(pdf), "pos_inf", "a").rows == [101]


def test_nan_and_null_stay_distinct_in_pandas_numpy_and_nullable():
    numpy_backed = pd.DataFrame({"a": [1.0, np.nan, 3.0]})
    assert one(nc.scan(numpy_backed), "nan", "a").rows == [1]
    assert not nc.scan(numpy_backed).filter(kind="null")

    nullable = pd.DataFrame({"a": pd.array([1.0, None, 3.0], dtype="Float64")})
    assert nullable["a"].dtype == "Float64"
    report = nc.scan(nullable)
    assert one(report, "null", "a").rows == [1]
    assert not report.filter(kind="nan")

    ints = pd.DataFrame({"i": pd.array([1, None, 3], dtype="Int64"), "a": [1.0] * 3})
    assert one(nc.scan(ints), "null", "i").rows == [1]

    # a masked array can hold both: NaN as a value and NA as missing
    both = pd.arrays.FloatingArray(
        np.array([NAN, 1.0, 2.0]), np.array([False, True, False])
    )
    report = nc.scan(pd.DataFrame({"a": both}))
    assert one(report, "nan", "a").rows == [0]
    assert one(report, "null", "a").rows == [1]


def test_nan_and_null_stay_distinct_in_polars():
    df = pl.DataFrame({"a": [NAN, None, 1.0, NAN]})
    report = nc.scan(df)
    assert one(report, "nan", "a").rows == [0, 3]
    assert one(report, "null", "a").rows == [1]
    stats = report.columns["a"]
    assert (stats.nan, stats.null) == (2, 1)


# --- files ---------------------------------------------------------------------

FILE_REF = pl.DataFrame(
    {
        "a": [1.5, INF, NAN, None, -INF, 2.0],
        "b": [1, 2, 3, 4, 5, None],
        "label": ["p", "q", "r", "s", "t", "u"],
    }
)


def assert_file_ref_findings(report: Any) -> None:
    assert one(report, "pos_inf", "a").rows == [1]
    assert one(report, "nan", "a").rows == [2]
    assert one(report, "null", "a").rows == [3]
    assert one(report, "neg_inf", "a").rows == [4]
    assert one(report, "null", "b").rows == [5]
    assert one(report, "non_numeric", "label").severity == "info"
    assert report.input["n_rows"] == 6


@pytest.mark.parametrize(
    ("suffix", "write", "plan"),
    [
        (".parquet", pl.DataFrame.write_parquet, "Parquet SCAN"),
        (".arrow", pl.DataFrame.write_ipc, "Ipc SCAN"),
        (".feather", pl.DataFrame.write_ipc, "Ipc SCAN"),
    ],
)
def test_binary_files_are_scanned_lazily(tmp_path, suffix, write, plan, monkeypatch):
    path = tmp_path / f"data{suffix}"
    write(FILE_REF, path)
    frame = read(path)
    assert frame.kind is InputKind.FILE
    assert plan in frame.lazy.explain()  # a scan of the file, not a loaded frame
    assert frame.in_memory  # it fits: a scan reads the columns it needs once
    monkeypatch.setattr("nanclean.frame.available_memory", lambda: 100)
    assert not frame.in_memory  # it does not: every query reads the file
    assert_file_ref_findings(nc.scan(path))
    monkeypatch.undo()
    assert str(path) in frame.source
    # projection pushdown: a query of one column reads only that column
    assert "PROJECT 1/3 COLUMNS" in frame.lazy.select("a").explain()
    for data in (path, str(path)):
        assert_file_ref_findings(nc.scan(data))


@pytest.mark.parametrize("in_memory", [True, False])
def test_text_files_are_parsed_once(tmp_path, in_memory):
    path = tmp_path / "data.csv"
    FILE_REF.write_csv(path)
    frame = read(path, in_memory=in_memory)
    assert frame.kind is InputKind.FILE
    assert "Csv SCAN" not in frame.lazy.explain()
    assert frame.in_memory is in_memory
    assert (frame.file is None) is in_memory  # else a temporary Parquet copy
    path.unlink()  # the scan and the clean never go back to the file
    assert_file_ref_findings(nc.scan(frame))
    assert nc.clean(frame).report.input["n_rows"] == 6


def test_the_parquet_copy_of_a_text_file_goes_with_its_frame(tmp_path):
    path = tmp_path / "data.csv"
    FILE_REF.write_csv(path)
    frame = read(path, in_memory=False)
    copy = frame.file.path
    assert copy.is_file() and copy.suffix == ".parquet"
    del frame
    gc.collect()
    assert not copy.parent.exists()


def test_a_text_file_larger_than_memory_is_parsed_into_parquet(tmp_path, monkeypatch):
    path = tmp_path / "data.csv"
    FILE_REF.write_csv(path)
    size = path.stat().st_size
    monkeypatch.setattr(
        "nanclean.frame.available_memory", lambda: size * TEXT_IN_MEMORY_FACTOR
    )
    assert not read(path).in_memory
    monkeypatch.setattr(
        "nanclean.frame.available_memory", lambda: size * TEXT_IN_MEMORY_FACTOR + 1
    )
    assert read(path).in_memory


@pytest.mark.parametrize("in_memory", [True, False])
def test_csv_types_come_from_every_row(tmp_path, in_memory):
    # the first INFER_ROWS rows say "integers" and "empty"; the rows after do not
    n = INFER_ROWS + 5
    ints = [str(i) for i in range(n)]
    ints[-2] = "free"
    late = [""] * (n - 1) + ["2.5"]
    path = tmp_path / "late.csv"
    path.write_text(
        "ints,late\n" + "".join(f"{a},{b}\n" for a, b in zip(ints, late, strict=True))
    )
    frame = read(path, in_memory=in_memory)
    assert frame.schema == {"ints": "String", "late": "Float64"}
    report = nc.scan(frame)
    assert one(report, "unparseable", "ints").rows == [n - 2]


def test_ndjson_path(tmp_path):
    # JSON has no NaN / inf: NDJSON carries finite values and nulls only
    path = tmp_path / "data.ndjson"
    pl.DataFrame({"a": [1.0, None, 3.0, 1e9] + [2.0] * 20}).write_ndjson(path)
    frame = read(path)
    assert frame.in_memory
    report = nc.scan(path)
    assert one(report, "null", "a").rows == [1]
    assert one(report, "outlier", "a").rows == [3]


def test_csv_numeric_strings_with_tokens(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("price,qty\n1.5,1\nN/A,2\nfree,3\ninf,4\n2.5,5\n,6\n")
    report = nc.scan(path)
    assert one(report, "coerced", "price").count == 3  # 1.5, inf, 2.5
    assert one(report, "unparseable", "price").rows == [2]
    assert one(report, "null", "price").rows == [1, 2, 5]
    assert one(report, "pos_inf", "price").rows == [3]


def test_format_argument_overrides_extension(tmp_path):
    path = tmp_path / "data.bin"
    FILE_REF.write_parquet(path)
    frame = read(path, format="parquet")
    assert frame.n_rows == 6


# --- strings, mixed objects, non-numeric columns ----------------------------------


def test_mixed_object_column_is_coerced():
    # pandas holds floats and strings in one object column (D11)
    values = [1.0, "2", "x", None, np.nan, "inf", "NaN", "N/A", "", 3.5, "-1e3"]
    pdf = pd.DataFrame({"m": pd.Series(values, dtype=object), "ok": range(11)})
    report = nc.scan(pdf)
    coerced = one(report, "coerced", "m")
    assert coerced.severity == "info"
    assert coerced.count == 6  # 1.0, "2", "inf", "NaN", 3.5, "-1e3"
    assert coerced.details["missing_tokens"] == 2  # "N/A" and ""
    assert "Fix" in coerced.message
    bad = one(report, "unparseable", "m")
    assert bad.severity == "warning"
    assert bad.rows == [2]
    assert bad.examples == [(2, "x")]
    assert "'x'" in bad.message and "Fix" in bad.message
    # None, np.nan (pandas' missing marker in object columns), the failed cell
    # and the two tokens are missing; "NaN" and "inf" name float values
    assert one(report, "null", "m").rows == [2, 3, 4, 7, 8]
    assert one(report, "nan", "m").rows == [6]
    assert one(report, "pos_inf", "m").rows == [5]
    stats = report.columns["m"]
    assert (stats.min, stats.max) == (-1000.0, 3.5)


def test_numeric_strings_coerced_on_every_string_kind():
    strings = ["1.5", "inf", "NaN", "N/A", "", "2", "x", "-inf"]
    for data in (
        pd.DataFrame({"s": strings, "k": range(8)}),
        pl.DataFrame({"s": strings, "k": range(8)}),
        pl.DataFrame({"s": strings, "k": range(8)}).to_arrow(),
        np.array([[s, str(i)] for i, s in enumerate(strings)], dtype=object),
    ):
        report = nc.scan(data)
        col = "x0" if isinstance(data, np.ndarray) else "s"
        assert one(report, "coerced", col).count == 5
        assert one(report, "unparseable", col).rows == [6]
        assert one(report, "null", col).rows == [3, 4, 6]
        assert one(report, "nan", col).rows == [2]
        assert one(report, "pos_inf", col).rows == [1]
        assert one(report, "neg_inf", col).rows == [7]


def test_mostly_text_column_is_not_coerced():
    pdf = pd.DataFrame({"city": ["Oslo", "Lima", "3", "Pune"], "x": [1.0] * 4})
    report = nc.scan(pdf)
    assert not report.filter(kind="coerced")
    assert one(report, "non_numeric", "city").severity == "info"
    assert "city" not in report.columns


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "numpy"])
def test_non_numeric_columns_are_reported_not_scanned(kind):
    ref = pl.DataFrame(
        {
            "text": ["a", "b", None, "d"],
            "cat": pl.Series(["x", "y", "x", "y"], dtype=pl.Categorical),
            "when": pl.datetime_range(
                pl.datetime(2026, 1, 1), pl.datetime(2026, 1, 4), "1d", eager=True
            ),
            "flag": [True, False, None, True],
            "x": [1.0, INF, 3.0, 4.0],
        }
    )
    report = nc.scan(convert(ref, kind).data)
    for col in ("text", "cat", "when", "flag"):
        f = one(report, "non_numeric", col)
        assert f.severity == "info"
        assert "Fix" in f.message
        assert col not in report.columns
    assert report.filter(column="x") == report.filter(kind="pos_inf")
    assert one(report, "pos_inf", "x").rows == [1]


def test_numpy_column_names_and_dtypes():
    report = nc.scan(np.array([[1, 2], [3, 4], [5, 6]], dtype=np.int32))
    assert list(report.columns) == ["x0", "x1"]
    assert report.columns["x1"].max == 6
    f32 = np.array([[1.0, np.nan], [np.inf, 2.0]], dtype=np.float32)
    report = nc.scan(f32)
    assert one(report, "nan", "x1").rows == [0]
    assert one(report, "pos_inf", "x0").rows == [1]


def test_numpy_names_given_to_read():
    frame = read(np.zeros((2, 2)), columns=["p", "q"])
    assert frame.columns == ["p", "q"]


def test_report_describes_input(make_input, input_kind):
    report = nc.scan(make_input(REF).data)
    assert report.input["kind"] == KIND_OF[input_kind].value
    assert report.input["n_rows"] == 6
    assert report.input["n_columns"] == 3


def test_restore_returns_the_callers_type(make_input, input_kind):
    from nanclean.frame import restore

    inp = make_input(REF)
    frame = read(inp.data)
    out = frame.lazy.drop(ROW_ID).collect()
    back = restore(out, frame, np.arange(6))
    expected = {
        "polars": pl.DataFrame,
        "polars_lazy": pl.LazyFrame,
        "pandas": pd.DataFrame,
        "pandas_nullable": pd.DataFrame,
        "numpy": np.ndarray,
    }
    if input_kind in expected:
        assert isinstance(back, expected[input_kind])
    else:
        assert type(back).__name__ == "Table"


def test_path_like_objects(tmp_path):
    path = Path(tmp_path) / "x.parquet"
    pl.DataFrame({"a": [1.0, NAN]}).write_parquet(path)
    assert one(nc.scan(path), "nan", "a").rows == [1]
    assert math.isnan(one(nc.scan(path), "nan", "a").examples[0][1])
