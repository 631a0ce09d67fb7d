"""report.to_json(): strict JSON with every offending row label."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nanclean as nc
from nanclean.report.model import SCHEMA_VERSION

INF = float("inf")
NAN = float("nan")


def strict_loads(text: str) -> Any:
    def refuse(token: str) -> Any:
        raise ValueError(f"non-strict JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def test_strict_loads_refuses_nan():
    with pytest.raises(ValueError, match="NaN"):
        strict_loads('{"a": NaN}')


def messy_report() -> tuple[nc.AuditReport, pd.DataFrame]:
    n = 1200
    rng = np.random.default_rng(30)
    x = rng.normal(0, 1, n)
    x[::2] = NAN  # 600 NaN rows: more than any preview shows
    x[[1, 3]] = INF
    x[5] = -INF
    const = np.full(n, 7.0)
    gone = np.full(n, NAN)
    y = rng.integers(0, 2, n).astype(float)
    y[[7, 9]] = 3.0
    index = [f"id-{i}" for i in range(n)]
    pdf = pd.DataFrame({"x": x, "const": const, "gone": gone, "y": y}, index=index)
    return nc.scan(pdf, target="y", loss="bce"), pdf


def test_to_json_is_strict_and_complete():
    report, pdf = messy_report()
    text = report.to_json()
    data = strict_loads(text)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["target"] == "y" and data["loss"] == "bce"
    assert data["input"]["n_rows"] == len(pdf)
    assert data["summary"] == report.summary()
    assert len(data["findings"]) == len(report.findings)
    for f, d in zip(report.findings, data["findings"], strict=True):
        assert d["kind"] == f.kind.value
        assert d["column"] == f.column
        assert d["severity"] == f.severity.value
        assert d["count"] == f.count
        assert d["message"] == f.message
        # every offending row, as the caller's label
        assert d["rows"] == f.rows
        assert d["rows_total"] == len(f.rows)
    nan = next(d for d in data["findings"] if d["kind"] == "nan" and d["column"] == "x")
    assert nan["rows"] == [f"id-{i}" for i in range(0, len(pdf), 2)]
    assert len(nan["rows"]) == 600
    label = next(d for d in data["findings"] if d["kind"] == "label_out_of_domain")
    assert label["rows"] == ["id-7", "id-9"]


def test_non_finite_values_become_strings():
    report, _ = messy_report()
    data = strict_loads(report.to_json())
    pos = next(d for d in data["findings"] if d["kind"] == "pos_inf")
    assert [value for _, value in pos["examples"]] == ["inf", "inf"]
    assert pos["examples"][0][0] == "id-1"
    nan = next(d for d in data["findings"] if d["kind"] == "nan")
    assert nan["examples"][0][1] == "nan"
    # an all-NaN column has no finite statistics
    assert data["columns"]["gone"]["min"] is None
    assert data["columns"]["gone"]["nan"] == 1200
    assert data["columns"]["x"]["pos_inf"] == 2


def test_to_json_writes_the_file(tmp_path):
    report, _ = messy_report()
    path = tmp_path / "audit.json"
    text = report.to_json(path)
    assert strict_loads(path.read_text(encoding="utf-8")) == strict_loads(text)


def test_to_dict_max_rows_caps_rows_but_keeps_the_total():
    report, _ = messy_report()
    data = report.to_dict(max_rows=10)
    nan = next(d for d in data["findings"] if d["kind"] == "nan")
    assert len(nan["rows"]) == 10
    assert nan["rows_total"] == 600
    json.dumps(data, allow_nan=False)


def test_json_of_extreme_values_is_strict():
    df = pl.DataFrame(
        {
            "huge": [1e308, -1e308, 1.0, 2.0],
            "tiny": [5e-324, 1e-310, 0.0, 1.0],
            "inf": [INF, -INF, NAN, None],
        }
    )
    data = strict_loads(nc.scan(df).to_json())
    assert data["columns"]["inf"]["pos_inf"] == 1
    assert data["columns"]["huge"]["max"] == 1e308


def test_column_statistics_round_trip():
    report, _ = messy_report()
    data = strict_loads(report.to_json())
    x = report.columns["x"]
    assert data["columns"]["x"]["median"] == pytest.approx(x.median)
    assert data["columns"]["x"]["estimated"] is False
    assert set(data["columns"]) == {"x", "const", "gone", "y"}
