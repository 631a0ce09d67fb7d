"""The sample_data report in headless Chromium: visible, working, offline.

Load times are measured and printed (run with ``-s`` to see them), never
asserted: the machine is noisy. Screenshots go to the test's tmp folder and,
for people, to ``tests/e2e/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import nanclean as nc
from nanclean.report.browser import browser, open_ms, page, wide_frame

from . import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chromium() -> Any:
    with browser() as b:
        yield b


def _keep(shot: Path, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / name)


def test_sample_report_in_chromium(
    chromium: Any, tmp_path: Path, record_property: Any
) -> None:
    result = nc.clean(
        ROOT / "sample_data" / "ecommerce.csv",
        config=ROOT / "sample_data" / "ecommerce.toml",
    )
    assert result.report.target == "churned" and result.report.loss == "bce"
    html = tmp_path / "audit.html"
    result.report.to_html(html)
    with page(chromium) as (p, watch):
        load_ms = open_ms(p, html)
        print(
            f"\nsample report: {html.stat().st_size / 1024:.0f} KB, loaded in {load_ms:.0f} ms"
        )
        record_property("load_ms", round(load_ms))
        # the verdict, a histogram, the findings table: visible
        verdict = p.locator("#verdict")
        assert verdict.is_visible()
        assert (
            "After cleaning: safe to train in float32 and float16"
            in verdict.inner_text()
        )
        chart = p.locator("svg.chart").first
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50
        assert p.locator("svg.chart path.a").count() >= 7  # after-histograms drawn
        table = p.locator("table.findings")
        assert table.is_visible()
        rows = table.locator("tbody tr")
        assert rows.count() == len(result.report.findings) == 11
        assert "suspected_denominator" in table.inner_text()
        # the inline script runs (allowed by its hash in the CSP): filter, sort
        p.fill("input.findings-filter", "gmv_per_order")
        assert p.locator("table.findings tbody tr:visible").count() == 4
        assert p.inner_text(".findings-shown") == "4 of 11 shown"
        p.fill("input.findings-filter", "")
        p.uncheck("input.sev-toggle[value=error]")
        assert p.locator("table.findings tbody tr:visible").count() == 4
        p.check("input.sev-toggle[value=error]")
        p.click("table.findings th:has-text('Count')")
        first = p.locator("table.findings tbody tr").first.locator("td").nth(3)
        assert first.get_attribute("data-v") == "1"
        # a column link opens its card
        p.click("table.findings a.to-column >> nth=0")
        assert p.locator("details.card#col-2").get_attribute("open") is not None
        shot = tmp_path / "report.png"
        p.goto(html.as_uri())
        p.screenshot(path=str(shot), full_page=True)
        p.set_viewport_size({"width": 1280, "height": 900})
        p.screenshot(path=str(tmp_path / "report-top.png"))
        _keep(shot, "report.png")
        _keep(tmp_path / "report-top.png", "report-top.png")
        assert watch.remote == [], f"the report requested {watch.remote}"
        assert watch.dialogs == [] and watch.errors == []


def test_wide_report_stays_usable(
    chromium: Any, tmp_path: Path, record_property: Any
) -> None:
    html = tmp_path / "wide.html"
    nc.clean(wide_frame()).report.to_html(html)
    with page(chromium) as (p, watch):
        load_ms = open_ms(p, html)
        print(
            f"\n500-column report: {html.stat().st_size / 1e6:.2f} MB, loaded in {load_ms:.0f} ms"
        )
        record_property("wide_load_ms", round(load_ms))
        cards = p.locator("details.card")
        assert cards.count() == 500
        assert p.locator("details.card[open]").count() == 0  # collapsed
        p.check("input.columns-flagged")
        assert p.inner_text(".columns-shown") == "2 of 500 shown"
        p.uncheck("input.columns-flagged")
        p.fill("input.columns-filter", "sensor_31")
        assert p.inner_text(".columns-shown") == "10 of 500 shown"
        p.click("button[data-cards=open]")
        assert p.locator("details.card[open]").count() == 10
        assert p.locator("details.card[open] svg.chart").first.is_visible()
        p.screenshot(path=str(tmp_path / "wide.png"))
        _keep(tmp_path / "wide.png", "wide.png")
        assert watch.remote == [] and watch.dialogs == [] and watch.errors == []


def test_network_requests_would_be_caught(chromium: Any, tmp_path: Path) -> None:
    """The guard works: a page that does reach out is seen (and blocked)."""
    probe = tmp_path / "probe.html"
    probe.write_text('<img src="https://example.invalid/x.png"><p>probe</p>')
    with page(chromium) as (p, watch):
        p.goto(probe.as_uri())
        assert watch.remote and watch.remote[0].startswith("https://example.invalid/")
