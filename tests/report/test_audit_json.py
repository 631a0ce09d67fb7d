"""The JSON report: strict, complete, deterministic, and valid against its schema.

Strict: no NaN / Infinity tokens. Complete: every offending row label.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import polars as pl
import pytest

import nanclean as nc
from nanclean.findings import ActionKind, FindingKind
from nanclean.plan import Plan
from nanclean.report.model import SCHEMA_VERSION

INF = float("inf")
NAN = float("nan")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    text = (files("nanclean.report") / "audit.schema.json").read_text("utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.FormatChecker()
    )


def _strict(text: str) -> Any:
    def refuse(token: str) -> None:
        raise ValueError(f"non-strict JSON token {token!r}")

    return json.loads(text, parse_constant=refuse)


def test_strict_loads_refuses_nan() -> None:
    with pytest.raises(ValueError, match="NaN"):
        _strict('{"a": NaN}')


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


def test_schema_enums_follow_the_code(
    validator: jsonschema.Draft202012Validator,
) -> None:
    defs = validator.schema["$defs"]
    assert defs["finding"]["properties"]["kind"]["enum"] == [
        k.value for k in FindingKind
    ]
    assert defs["action"]["properties"]["kind"]["enum"] == [k.value for k in ActionKind]
    assert validator.schema["properties"]["schema_version"]["const"] == "1.0"


@pytest.mark.parametrize("timestamp", [False, True])
def test_sample_reports_are_valid(
    validator: jsonschema.Draft202012Validator,
    ecommerce_clean: nc.CleanResult,
    ecommerce_scan: nc.AuditReport,
    sensors_clean: nc.CleanResult,
    timestamp: bool,
) -> None:
    for report in (ecommerce_clean.report, ecommerce_scan, sensors_clean.report):
        data = _strict(report.to_json(timestamp=timestamp))
        validator.validate(data)
        assert ("run" in data) is timestamp
        assert data["verdict"]["input"]["float32"]["status"] == "unsafe"


def test_non_finite_values_are_strings(
    validator: jsonschema.Draft202012Validator,
) -> None:
    df = pl.DataFrame(
        {
            "x": [1.0, float("inf"), float("-inf"), float("nan"), 2.0, 3.0],
            "y": [0.0] * 6,
        }
    )
    text = nc.scan(df, target="y").to_json()
    data = _strict(text)
    validator.validate(data)  # _strict refused any NaN / Infinity token
    examples = {f["kind"]: f["examples"] for f in data["findings"]}
    assert examples["pos_inf"] == [[1, "inf"]]
    assert examples["neg_inf"] == [[2, "-inf"]]
    assert examples["nan"] == [[3, "nan"]]


def test_every_offending_row_is_present(
    validator: jsonschema.Draft202012Validator,
) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=20_000)
    bad = rng.choice(20_000, 1_234, replace=False)
    x[bad] = np.nan
    data = _strict(
        nc.clean(pl.DataFrame({"x": x, "z": rng.normal(size=20_000)})).report.to_json()
    )
    validator.validate(data)
    nan = next(f for f in data["findings"] if f["kind"] == "nan")
    assert nan["rows"] == sorted(bad.tolist())
    assert nan["rows_total"] == nan["count"] == 1_234
    imputed = next(a for a in data["actions"] if a["kind"] == "imputed")
    assert imputed["rows"] == sorted(bad.tolist())


def test_pandas_labels_are_kept(validator: jsonschema.Draft202012Validator) -> None:
    df = pd.DataFrame({"x": [1.0, np.inf, 3.0, 4.0]}, index=["a", "b", "c", "<d>"])
    data = _strict(nc.scan(df).to_json())
    validator.validate(data)
    assert next(f for f in data["findings"] if f["kind"] == "pos_inf")["rows"] == ["b"]


def test_json_is_byte_identical_for_the_same_input(tmp_path: Any) -> None:
    path = tmp_path / "d.csv"
    pl.DataFrame({"x": [1.0, None, 3.0, 1e12, 2.0], "y": [0, 1, 0, 1, 2]}).write_csv(
        path
    )
    first = nc.clean(path, target="y", loss="bce").report.to_json()
    second = nc.clean(path, target="y", loss="bce").report.to_json()
    assert first == second
    assert (
        nc.clean(path, target="y", loss="bce").report.to_json(timestamp=True) != first
    )


def test_to_json_writes_the_file(tmp_path: Any, ecommerce_scan: nc.AuditReport) -> None:
    path = tmp_path / "audit.json"
    text = ecommerce_scan.to_json(path)
    assert path.read_text(encoding="utf-8") == text + "\n"
    assert _strict(path.read_text(encoding="utf-8")) == _strict(text)
    compact = ecommerce_scan.to_json(indent=None)
    assert "\n" not in compact
    assert _strict(compact) == _strict(text)


def test_indented_json_keeps_row_lists_on_one_line() -> None:
    x = np.ones(5_000)
    x[:4_000] = np.nan
    text = nc.scan(pl.DataFrame({"x": x, "z": np.arange(5_000.0)})).to_json()
    assert text.count("\n") < 400  # not one line per row label
    assert '"rows": [0, 1, 2, 3,' in text


def test_to_json_is_strict_and_complete(
    validator: jsonschema.Draft202012Validator,
) -> None:
    report, pdf = messy_report()
    text = report.to_json()
    data = _strict(text)
    validator.validate(data)
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


def test_non_finite_examples_and_statistics_become_strings_or_none() -> None:
    report, _ = messy_report()
    data = _strict(report.to_json())
    pos = next(d for d in data["findings"] if d["kind"] == "pos_inf")
    assert [value for _, value in pos["examples"]] == ["inf", "inf"]
    assert pos["examples"][0][0] == "id-1"
    nan = next(d for d in data["findings"] if d["kind"] == "nan")
    assert nan["examples"][0][1] == "nan"
    # an all-NaN column has no finite statistics
    assert data["columns"]["gone"]["min"] is None
    assert data["columns"]["gone"]["nan"] == 1200
    assert data["columns"]["x"]["pos_inf"] == 2


def test_to_dict_max_rows_caps_rows_but_keeps_the_total() -> None:
    report, _ = messy_report()
    data = report.to_dict(max_rows=10)
    nan = next(d for d in data["findings"] if d["kind"] == "nan")
    assert len(nan["rows"]) == 10
    assert nan["rows_total"] == 600
    json.dumps(data, allow_nan=False)


def test_json_of_extreme_values_is_strict() -> None:
    df = pl.DataFrame(
        {
            "huge": [1e308, -1e308, 1.0, 2.0],
            "tiny": [5e-324, 1e-310, 0.0, 1.0],
            "inf": [INF, -INF, NAN, None],
        }
    )
    data = _strict(nc.scan(df).to_json())
    assert data["columns"]["inf"]["pos_inf"] == 1
    assert data["columns"]["huge"]["max"] == 1e308


def test_column_statistics_round_trip() -> None:
    report, _ = messy_report()
    data = _strict(report.to_json())
    x = report.columns["x"]
    assert data["columns"]["x"]["median"] == pytest.approx(x.median)
    assert data["columns"]["x"]["estimated"] is False
    assert set(data["columns"]) == {"x", "const", "gone", "y"}


def test_the_json_plan_is_the_reports_typed_plan(
    ecommerce_clean: nc.CleanResult, ecommerce_scan: nc.AuditReport
) -> None:
    report = ecommerce_clean.report
    assert report.plan is ecommerce_clean.plan
    data = _strict(report.to_json())
    assert data["output"]["plan"] == _strict(report.plan.to_json())
    assert Plan.from_dict(data["output"]["plan"]) == report.plan
    assert ecommerce_scan.plan is None
    assert "plan" not in _strict(ecommerce_scan.to_json())["output"]


def test_elapsed_is_a_field_written_only_with_a_timestamp(
    ecommerce_scan: nc.AuditReport,
) -> None:
    assert isinstance(ecommerce_scan.elapsed, float) and ecommerce_scan.elapsed > 0
    run = _strict(ecommerce_scan.to_json(timestamp=True))["run"]
    assert run["elapsed_seconds"] == round(ecommerce_scan.elapsed, 3)
    assert "run" not in _strict(ecommerce_scan.to_json())
