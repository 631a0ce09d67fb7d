"""The JSON report: strict, complete, deterministic, and valid against its schema."""

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
        raise AssertionError(f"non-standard JSON token {token!r}")

    return json.loads(text, parse_constant=refuse)


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
    compact = ecommerce_scan.to_json(indent=None)
    assert "\n" not in compact
    assert _strict(compact) == _strict(text)


def test_indented_json_keeps_row_lists_on_one_line() -> None:
    x = np.ones(5_000)
    x[:4_000] = np.nan
    text = nc.scan(pl.DataFrame({"x": x, "z": np.arange(5_000.0)})).to_json()
    assert text.count("\n") < 400  # not one line per row label
    assert '"rows": [0, 1, 2, 3,' in text
