"""The notebook view, grouped info findings, the masonry cards and the drift
section, in headless Chromium (issue 14, items 4 to 6).

The notebook view (``_repr_html_``) is embedded in a page the width of a
Jupyter cell, as Jupyter does: a ``<div>`` inside the page, its own style and
script inline. Screenshots go to the test's tmp folder and, for people, to
``tests/e2e/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import nanclean as nc
from nanclean.report.browser import browser, page

from . import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
XSS = "<img src=x onerror=alert(1)>"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chromium() -> Any:
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def crowded() -> nc.CleanResult:
    """25 columns with one +inf each, 12 columns of values below float16's
    smallest normal (info, one group), and a column named like an attack."""
    rng = np.random.default_rng(7)
    columns: dict[str, np.ndarray] = {}
    for i in range(25):
        x = rng.normal(size=400)
        x[i] = np.inf
        columns[f"ratio_{i:02d}"] = x
    for i in range(12):
        columns[f"tiny_{i:02d}"] = rng.normal(size=400) * 1e-6
    columns[XSS] = rng.normal(size=400)
    columns[XSS][3] = np.nan
    return nc.clean(pl.DataFrame(columns))


def _cell(html: str, path: Path) -> Path:
    """A page holding ``html`` the way a notebook output cell does."""
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        "<div class='output_area' style='width:900px;margin:0 auto'>"
        f"{html}</div></body></html>",
        encoding="utf-8",
    )
    return path


def _keep(shot: Path, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / name)


def _visible_rows(p: Any, table: str = "table.findings") -> int:
    return int(p.locator(f"{table} tbody tr:visible").count())


def test_notebook_view_fits_a_cell(
    chromium: Any, crowded: nc.CleanResult, tmp_path: Path
) -> None:
    report = crowded.report
    assert len(report.filter(kind="pos_inf")) == 25
    assert len(report.filter(kind="fp16_underflow")) == 12
    notebook = _cell(crowded._repr_html_(), tmp_path / "notebook.html")
    full = tmp_path / "full.html"
    report.to_html(full)
    with page(chromium, width=1000, height=900) as (p, watch):
        p.goto(full.as_uri(), wait_until="load")
        full_height = p.evaluate("document.querySelector('.nc').offsetHeight")
        p.goto(notebook.as_uri(), wait_until="load")
        height = p.evaluate("document.querySelector('.nc').offsetHeight")
        print(f"\nnotebook view {height} px tall, the full report {full_height} px")
        assert height < full_height / 3 and height < 1800
        # the verdict
        verdict = p.locator("#verdict")
        assert verdict.is_visible()
        assert "After cleaning: safe to train" in verdict.inner_text()
        # the findings table: the first 20 rows of 27, filterable
        rows = p.locator("table.findings > tbody > tr:not([data-member])")
        assert rows.count() == 20
        assert "The first 20 of 27 rows" in p.inner_text("#findings")
        p.fill("input.findings-filter", "ratio_07")
        assert _visible_rows(p) == 1
        assert p.inner_text(".findings-shown") == "1 of 20 shown"
        p.fill("input.findings-filter", "")
        # collapsed column cards, every one of them
        cards = p.locator("details.card")
        assert cards.count() == 38
        assert p.locator("details.card[open]").count() == 0
        p.locator("details.card > summary").first.click()
        assert p.locator("details.card[open] svg.chart").first.is_visible()
        # how to open the full report
        line = p.locator(".full-report")
        assert line.is_visible()
        assert 'result.report.to_html("audit.html")' in line.inner_text()
        # the column named like an attack is text, nothing ran, nothing loaded
        assert XSS in p.locator("details.card summary .name").last.inner_text()
        shot = tmp_path / "notebook.png"
        p.screenshot(path=str(shot), full_page=True)
        _keep(shot, "notebook_view.png")
        assert watch.dialogs == [] and watch.remote == [] and watch.errors == []
        assert p.evaluate("document.querySelectorAll('.nc img').length") == 0


def test_info_findings_are_one_expandable_row_a_kind(
    chromium: Any, crowded: nc.CleanResult, tmp_path: Path
) -> None:
    full = tmp_path / "full.html"
    crowded.report.to_html(full)
    with page(chromium) as (p, watch):
        p.goto(full.as_uri(), wait_until="load")
        group = p.locator("table.findings tr.group")
        assert group.count() == 1
        assert "fp16_underflow" in group.inner_text()
        assert "12 columns" in group.inner_text()
        members = p.locator("table.findings tr[data-member]")
        assert members.count() == 12
        assert _visible_rows(p) == 27  # 25 + 1 + the group row
        p.click("table.findings button.expand")
        assert p.locator("table.findings tr[data-member]:visible").count() == 12
        assert _visible_rows(p) == 39
        # sorting keeps the members under their group row
        p.click("table.findings th:has-text('Count')")
        order = p.evaluate(
            "Array.from(document.querySelectorAll('table.findings tbody tr'))"
            ".map(r => r.hasAttribute('data-member') ? 'm' :"
            " r.hasAttribute('data-group') ? 'g' : 'f').join('')"
        )
        start = order.index("g")
        assert order[start : start + 13] == "g" + "m" * 12
        # a filter on a member's column shows the group and that member
        p.fill("input.findings-filter", "tiny_05")
        assert p.locator("table.findings tr.group:visible").count() == 1
        assert p.locator("table.findings tr[data-member]:visible").count() == 1
        p.click("table.findings button.expand")  # collapse
        p.fill("input.findings-filter", "")
        assert p.locator("table.findings tr[data-member]:visible").count() == 0
        assert watch.errors == []


def test_cards_are_packed_without_gaps(chromium: Any, tmp_path: Path) -> None:
    result = nc.clean(
        ROOT / "sample_data" / "sensors.parquet",
        config=ROOT / "sample_data" / "sensors.toml",
    )
    full = tmp_path / "sensors.html"
    result.report.to_html(full)
    with page(chromium) as (p, _):
        p.goto(full.as_uri(), wait_until="load")
        boxes = p.evaluate(
            "Array.from(document.querySelectorAll('details.card')).map(c => {"
            " const r = c.getBoundingClientRect();"
            " return [r.left, r.top, r.bottom, r.height]; })"
        )
        heights = {round(h) for *_, h in boxes}
        assert len(heights) > 3  # uneven cards: what a grid would leave gaps under
        columns: dict[int, list[tuple[float, float]]] = {}
        for left, top, bottom, _ in boxes:
            columns.setdefault(round(left), []).append((top, bottom))
        assert len(columns) >= 2
        for stack in columns.values():
            stack.sort()
            for (_, above), (below, _) in itertools.pairwise(stack):
                assert below - above <= 16  # the 14 px gap, nothing more
        shot = tmp_path / "cards.png"
        p.locator("#columns").screenshot(path=str(shot))
        _keep(shot, "cards_masonry.png")


def test_drift_comes_first_with_its_own_verdict(chromium: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    train = pl.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500)})
    # beyond the training range, within the tail fence: drift, not outliers
    new = train.with_columns(pl.col("b") * 5)
    cleaner = nc.Cleaner().fit(train)
    drifted = tmp_path / "drift.html"
    cleaner.transform(new).report.to_html(drifted)
    calm = tmp_path / "calm.html"
    cleaner.transform(train).report.to_html(calm)
    with page(chromium) as (p, _):
        p.goto(drifted.as_uri(), wait_until="load")
        drift = p.locator("#drift")
        assert drift.is_visible()
        assert "caution" in (drift.get_attribute("class") or "")
        assert "Drift in 1 column" in drift.inner_text()
        assert "drift_range" in drift.locator("table").inner_text()
        assert p.evaluate(
            "document.querySelector('#drift').compareDocumentPosition("
            "document.querySelector('#findings')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
        findings = p.locator("#findings").inner_text()
        assert (
            "drift_range" not in findings and "No findings beyond the drift" in findings
        )
        p.goto(calm.as_uri(), wait_until="load")
        assert "No drift" in p.locator("#drift").inner_text()
        assert "safe" in (p.locator("#drift").get_attribute("class") or "")
