"""Findings and actions from Python: tables, printed summaries, the Plan's repr,
and row labels of actions (issue 14, items 2 and 3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import ConfigError
from nanclean.findings import ActionKind, FindingKind


def test_findings_table_has_one_row_per_finding(ecommerce_scan: nc.AuditReport) -> None:
    table = ecommerce_scan.to_polars()
    assert table.columns == [
        "severity",
        "kind",
        "column",
        "count",
        "fraction",
        "first_rows",
        "rows_total",
        "message",
    ]
    assert table.height == len(ecommerce_scan.findings)
    for row, f in zip(
        table.iter_rows(named=True), ecommerce_scan.findings, strict=True
    ):
        assert (row["severity"], row["kind"], row["column"]) == (
            f.severity.value,
            f.kind.value,
            f.column,
        )
        assert row["count"] == f.count and row["message"] == f.message
        assert row["first_rows"] == f.rows[:5] and row["rows_total"] == len(f.rows)
    # filtering from Python: the +inf cells of the ratio column
    inf = table.filter(pl.col("kind") == "pos_inf")
    assert inf["column"].to_list() == ["gmv_per_order"]
    assert inf["first_rows"].to_list() == [[17, 503, 2920]]


def test_actions_table_and_pandas_match_polars(ecommerce_clean: nc.CleanResult) -> None:
    report = ecommerce_clean.report
    actions = report.to_polars("actions")
    assert actions.columns == [
        "kind",
        "column",
        "count",
        "first_rows",
        "rows_total",
        "description",
    ]
    assert actions.height == len(report.actions)
    dropped = actions.filter(pl.col("kind") == ActionKind.ROWS_DROPPED.value).row(
        0, named=True
    )
    assert dropped["first_rows"] == [777] and dropped["column"] == "churned"
    assert "dropped 1 row" in dropped["description"]
    frame = report.to_pandas("actions")
    assert isinstance(frame, pd.DataFrame)
    assert frame["kind"].tolist() == actions["kind"].to_list()
    assert frame["count"].tolist() == actions["count"].to_list()
    findings = report.to_pandas()
    assert findings["kind"].tolist() == [f.kind.value for f in report.findings]
    assert report.to_polars("actions", first=1)["first_rows"].list.len().max() == 1


def test_a_scan_has_an_empty_actions_table(ecommerce_scan: nc.AuditReport) -> None:
    actions = ecommerce_scan.to_polars("actions")
    assert actions.height == 0 and "description" in actions.columns


def test_unknown_table_is_refused(ecommerce_scan: nc.AuditReport) -> None:
    with pytest.raises(ConfigError, match=r"what='rows' .* 'findings' or 'actions'"):
        ecommerce_scan.to_polars("rows")  # type: ignore[arg-type]


def test_tables_speak_in_index_labels_of_any_type() -> None:
    df = pd.DataFrame(
        {"x": [1.0, np.inf, 3.0, np.nan], "y": [0.0, 1.0, 0.0, 1.0]},
        index=["a", 7, "c", "d"],
    )
    report = nc.clean(df, target="y", loss="bce").report
    findings = report.to_polars()
    assert findings.schema["first_rows"] == pl.List(pl.String)
    assert findings.filter(pl.col("kind") == "pos_inf")["first_rows"].to_list() == [
        ["7"]
    ]
    by_kind = {
        r["kind"]: r["first_rows"]
        for r in report.to_polars("actions").iter_rows(named=True)
    }
    assert by_kind["inf_clipped"] == ["7"] and by_kind["imputed"] == ["d"]


def test_actions_give_rows_as_labels_and_positions() -> None:
    df = pd.DataFrame(
        {"x": [1.0, 2.0, np.inf, np.nan, 5.0], "y": [0.0, 1.0, 0.0, 1.0, 0.0]},
        index=[100, 101, 102, 103, 104],
    )
    report = nc.clean(df, target="y", loss="bce").report
    clipped = next(a for a in report.actions if a.kind is ActionKind.INF_CLIPPED)
    assert clipped.rows == [102]  # the caller's index label
    assert clipped.positions.tolist() == [2]  # its 0-based position
    assert clipped.row_ids is clipped.positions  # the old name, same array
    imputed = next(a for a in report.actions if a.kind is ActionKind.IMPUTED)
    assert imputed.rows == [103] and imputed.positions.tolist() == [3]
    inf = report.filter(kind=FindingKind.POS_INF)[0]
    assert inf.rows == [102] and inf.positions.tolist() == [2]


def test_print_report_shows_counts_verdict_and_top_findings(
    ecommerce_scan: nc.AuditReport,
) -> None:
    text = str(ecommerce_scan)
    lines = text.splitlines()
    assert lines[0].startswith("nanclean scan of file ")
    assert lines[0].endswith("ecommerce.csv'")
    s = ecommerce_scan.summary()
    assert f"{s['error']} error, {s['warning']} warning, {s['info']} info" in text
    assert "float32: ✗ not safe" in text and "float16: ✗ not safe" in text
    assert "suspected_denominator" in text and "17, 503, 2920" in text
    # short: at most ten findings, then where the rest are
    assert "… and 1 more findings" in text and "report.to_polars()" in text
    assert "\x1b[" not in text  # plain text, no terminal colour codes
    assert repr(ecommerce_scan).startswith("AuditReport(11 findings")


def test_print_result_shows_the_report_and_what_changed(
    ecommerce_clean: nc.CleanResult,
) -> None:
    text = str(ecommerce_clean)
    assert text.startswith("nanclean clean of ")
    assert "cleaned output  float32: ✓ safe   float16: ✓ safe" in text
    assert "What clean changed" in text and "5,000 → 4,999 rows" in text
    assert "dropped 1 row (invalid label)" in text
    assert "7 columns scaled (robust)." in text


def test_plan_repr_has_one_line_per_column(ecommerce_clean: nc.CleanResult) -> None:
    plan = ecommerce_clean.plan
    lines = repr(plan).splitlines()
    assert lines[0] == (
        "Plan(7 input → 8 output columns, dtype=float32, target='churned', loss='bce')"
    )
    assert len(lines) == 1 + len(plan.columns)
    gmv = plan.column("gmv")
    line = next(x for x in lines if x.strip().startswith("'gmv' "))
    assert f"median {gmv.fill:.4g}" in line
    assert f"[{gmv.outlier_low:.4g}, {gmv.outlier_high:.4g}]" in line
    assert f"(x − {gmv.center:.4g}) / {gmv.scale_by:.4g}" in line


def test_plan_repr_lists_dropped_and_encoded_columns() -> None:
    df = pl.DataFrame(
        {
            "x": [1.0, 2.0, 3.0, 4.0],
            "city": ["a", "b", "a", "c"],
            "note": ["p", "q", "r", "s"],
        }
    )
    plan = nc.clean(df, config={"non_numeric": "ordinal"}).plan
    text = repr(plan)
    assert "'city'" in text and "encoded ordinal, 3 categories" in text
    dropped = nc.clean(df).plan
    assert "'city'" in repr(dropped) and "dropped (" in repr(dropped)


def test_info_findings_are_one_line_a_kind_in_the_terminal(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    columns = {f"tiny_{i:02d}": rng.normal(size=200) * 1e-6 for i in range(11)}
    columns["x"] = rng.normal(size=200)
    columns["x"][[3, 9]] = [np.inf, np.nan]
    frame = pl.DataFrame(columns)
    report = nc.scan(frame)
    assert len(report.filter(kind=FindingKind.FP16_UNDERFLOW)) == 11
    lines = str(report).splitlines()
    grouped = [line for line in lines if "fp16_underflow" in line]
    assert len(grouped) == 1
    assert "11 columns: 'tiny_00', 'tiny_01', 'tiny_02' … and 8 more" in grouped[0]
    assert grouped[0].split("│")[3].strip() == f"{11 * 200:,}"  # the total count
    assert any("pos_inf" in line for line in lines)
    assert "more findings" not in str(report)  # 13 findings fit in 3 lines
    # the command line prints the same grouped table
    path = tmp_path / "tiny.parquet"
    frame.write_parquet(path)
    from typer.testing import CliRunner

    from nanclean.cli import app

    out = CliRunner().invoke(app, ["scan", str(path), "--fail-on", "never"]).stdout
    assert sum("fp16_underflow" in line for line in out.splitlines()) == 1
    assert "11 columns" in out
