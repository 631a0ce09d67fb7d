"""Stage 1 of the report: the summary dict, the verdict and the fingerprint."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest

import nanclean as nc
from nanclean.report.summary import summarize
from nanclean.report.text import format_number, format_value
from nanclean.report.verdict import fingerprint, verdict


def test_summary_is_plain_json(ecommerce_clean: nc.CleanResult) -> None:
    summary = summarize(ecommerce_clean.report)
    text = json.dumps(summary, allow_nan=False)  # strict: no NaN / Infinity
    assert json.loads(text) == summary
    assert summary["mode"] == "clean"
    assert summary["title"] == "ecommerce.csv"
    assert summary["input"]["path"].endswith("sample_data/ecommerce.csv")
    assert summary["output"] == {
        "n_rows": 4999,
        "n_columns": 8,
        "dtype": "float32",
        "rows_dropped": 1,
    }
    assert summary["severity_counts"] == {"error": 7, "warning": 3, "info": 1}
    assert set(summary["versions"]) == {"nanclean", "polars", "pandera"}
    assert summary["run"] is None


def test_verdict_before_and_after_cleaning(
    ecommerce_scan: nc.AuditReport, ecommerce_clean: nc.CleanResult
) -> None:
    scan = verdict(ecommerce_scan)
    assert scan["output"] is None
    assert scan["input"]["float32"]["status"] == "unsafe"
    assert "7 errors" in scan["input"]["float32"]["reasons"][0]
    assert any("float16" in r for r in scan["input"]["float16"]["reasons"])
    assert scan["headline"] == "Not safe to train."
    cleaned = verdict(ecommerce_clean.report)
    assert cleaned["status"] == "safe"
    assert {k: v["status"] for k, v in cleaned["output"].items()} == {
        "float32": "safe",
        "float16": "safe",
    }
    assert cleaned["headline"].startswith("After cleaning: safe to train in float32")


def test_verdict_float16_only() -> None:
    """A clean column beyond ±65504: fine in float32, not in float16."""
    df = pl.DataFrame({"pressure": np.linspace(100_000.0, 101_000.0, 500)})
    v = verdict(nc.scan(df))
    assert v["input"]["float32"]["status"] == "safe"
    assert v["input"]["float16"]["status"] == "unsafe"
    assert "'pressure' overflow float16" in v["input"]["float16"]["reasons"][0]
    assert v["headline"] == "Safe to train in float32, not in float16."
    # scale="none" keeps the values: the output is still beyond float16's range
    out = verdict(nc.clean(df, config={"scale": "none"}).report)["output"]
    assert out["float32"]["status"] == "safe"
    assert out["float16"]["status"] == "unsafe"


def test_fingerprint_is_deterministic_and_sensitive() -> None:
    df = pl.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [0.5, None, 2.5, 1.0]})
    first = fingerprint(nc.scan(df))
    assert first == fingerprint(nc.scan(df.clone()))
    assert first.startswith("sha256:") and len(first) == 7 + 64
    changed = df.with_columns(pl.Series("a", [1.0, 2.0, 3.0, 5.0]))
    assert fingerprint(nc.scan(changed)) != first
    # the config does not change what the input is
    assert fingerprint(nc.scan(df, config={"outliers": "iqr"})) == first


def test_findings_keep_the_first_rows_and_count_the_rest() -> None:
    x = np.ones(1000)
    x[::2] = np.nan
    report = nc.scan(pl.DataFrame({"x": x, "y": np.arange(1000.0)}))
    f = next(
        f for f in summarize(report, max_rows=50)["findings"] if f["kind"] == "nan"
    )
    assert f["rows"] == list(range(0, 100, 2))
    assert f["rows_total"] == 500
    assert f["rows_more"] == 450
    assert [e["label"] for e in f["examples"]] == [0, 2, 4, 6, 8]
    assert {e["display"] for e in f["examples"]} == {"NaN"}


def test_column_cards_map_the_output_back_to_input_units(
    ecommerce_clean: nc.CleanResult,
) -> None:
    cards = {c["name"]: c for c in summarize(ecommerce_clean.report)["columns"]}
    gmv = cards["gmv"]
    assert gmv["worst"] == "error"
    assert gmv["after_units"] == "input"
    # the 1.5e9 outlier is clipped to the upper bound, shown in input units
    assert gmv["before"]["max"] == 1.5e9
    high = ecommerce_clean.plan.column("gmv").outlier_high
    assert gmv["after"]["max"] == pytest.approx(high, rel=1e-5)
    assert gmv["histogram"]["bounds"]["high"] == high
    after_edges = gmv["histogram"]["after"]["edges"]
    assert after_edges[-1] == pytest.approx(high, rel=1e-5)
    assert any("clipped 1 outlier" in a["text"] for a in gmv["actions"])
    assert cards["churned"]["role"] == "target"
    assert cards["gmv_per_order"]["findings"][0]["kind"] == "pos_inf"


def test_ratio_pair_and_dropped_columns(sensors_clean: nc.CleanResult) -> None:
    summary = summarize(sensors_clean.report)
    cards = {c["name"]: c for c in summary["columns"]}
    assert cards["sensor_id"]["numeric"] is False
    assert cards["sensor_id"]["dropped"] == "non_numeric"
    df = pl.DataFrame({"gmv": [10.0, 20.0, 30.0, 40.0], "orders": [1.0, 0.0, 3.0, 4.0]})
    config = {"ratios": {"per_order": ["gmv", "orders"]}}
    s = summarize(nc.clean(df, config=config).report)
    f = next(f for f in s["findings"] if f["kind"] == "zero_denominator")
    assert f["pair"] == {"numerator": "gmv", "denominator": "orders"}
    assert f["rows"] == [1]
    card = next(c for c in s["columns"] if c["name"] == "per_order")
    assert card["ratio"] == ["gmv", "orders"]
    assert card["role"] == "derived"
    assert any("derived as 'gmv' / 'orders'" in a["text"] for a in card["actions"])


def test_timestamp_only_when_asked(ecommerce_clean: nc.CleanResult) -> None:
    run = summarize(ecommerce_clean.report, timestamp=True)["run"]
    assert run["timestamp"].endswith("+00:00")
    assert run["elapsed_seconds"] >= 0


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        (0.0, "0"),
        (5000, "5000"),
        (5000.0, "5000"),
        (154.38, "154.4"),
        (0.257, "0.257"),
        (1.5e9, "1.5e9"),
        (5e-06, "5e-6"),
        (-732.58545, "-732.6"),
        (101319.25, "101319"),
        (math.inf, "+inf"),
        (-math.inf, "-inf"),
        (math.nan, "NaN"),
        ("inf", "+inf"),
        ("nan", "NaN"),
        (True, "true"),
    ],
)
def test_format_number(value: object, text: str) -> None:
    assert format_number(value) == text


def test_format_value_quotes_strings() -> None:
    assert format_value("free") == "'free'"
    assert format_value(None) == "null"
    assert format_value(2.0) == "2"


def test_float32_rounding_is_not_shown_as_a_change(
    sensors_clean: nc.CleanResult,
) -> None:
    """lux holds zeros; mapped back from float32 its minimum came out as -5.7e-7."""
    report = sensors_clean.report
    cards = {c["name"]: c for c in summarize(report)["columns"]}
    lux = cards["lux"]
    assert lux["before"]["min"] == 0.0 and lux["after"]["min"] == 0.0
    # only the real changes differ: the clipped minimum of rul_hours
    changed = {
        (c["name"], k)
        for c in cards.values()
        if c["before"] and c["after"]
        for k in ("min", "max")
        if c["before"][k] != c["after"][k]
    }
    assert changed == {("rul_hours", "min")}
    html = report.to_html()
    lux_card = html[html.index('data-name="lux"') :]
    lux_card = lux_card[: lux_card.index("</details>")]
    assert 'class="changed"' not in lux_card
    assert "e-7" not in lux_card


def test_a_real_change_within_float32_range_still_shows() -> None:
    x = np.linspace(0.0, 10.0, 200)
    x[7] = 1e6  # an outlier clipped to the bound
    result = nc.clean(pl.DataFrame({"x": x}))
    card = summarize(result.report)["columns"][0]
    assert card["before"]["min"] == 0.0 and card["after"]["min"] == 0.0
    high = result.plan.column("x").outlier_high
    assert card["before"]["max"] == 1e6 and card["after"]["max"] == pytest.approx(high)
    assert high < 1000


def test_a_column_polluted_by_1e12_draws_its_bulk_and_its_extremes_apart() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(100, 10, 5_000)
    x[[5, 99]] = [1e12, 3e11]
    report = nc.clean(pl.DataFrame({"price": x})).report
    card = summarize(report)["columns"][0]
    before = card["histogram"]["before"]
    assert before["scale"] == "symlog"
    edges, counts = before["edges"], before["counts"]
    # the bulk (the middle 98%) spreads over many narrow bins, not one grey block
    bulk = [
        c for a, b, c in zip(edges, edges[1:], counts, strict=False) if b <= 200 and c
    ]
    assert len(bulk) >= 15 and max(bulk) < 0.2 * sum(counts)
    # the two extreme values sit in a bin of their own, far beyond the bulk
    assert counts[-1] == 2 and edges[-2] > 1e9
    # ... drawn apart from the bulk, as values outside the clip bounds
    from nanclean.report.html import _chart

    chart = _chart(card)
    assert chart is not None and chart["scale"] == "log_tails"
    assert chart["before"].count("M") >= 15 and chart["outside"]
