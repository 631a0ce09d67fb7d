"""Everything from the data is text: a hostile report opened in headless Chromium.

Column names, string values, row labels (a pandas index) and the file name
carry script and markup payloads. The page must fire no dialog, run no
injected code, create no injected element, and show every name as text —
both the full page (which also has a Content Security Policy) and the
Jupyter fragment on its own (no CSP: only the escaping protects it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import nanclean as nc
from nanclean.report.browser import browser, page
from nanclean.report.html import render_html

pytestmark = pytest.mark.e2e

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'><svg onload=alert(1)>",
    "</style><script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<iframe src=javascript:alert(1)>",
    "{{ 7 * 7 }}",
    "<!--",
]
# Elements the report itself never uses: finding one means an injection worked.
FOREIGN = "img, iframe, object, embed, form, base, link, meta[http-equiv=refresh] ~ *, svg:not(.chart)"


@pytest.fixture(scope="module")
def chromium() -> Any:
    with browser() as b:
        yield b


def _hostile_report(tmp_path: Path) -> tuple[Path, list[str], nc.CleanResult]:
    rng = np.random.default_rng(5)
    n = 120
    data: dict[str, Any] = {}
    for i, p in enumerate(PAYLOADS):
        x = rng.uniform(1, 2, n)
        x[i] = np.inf  # a finding on every hostile column
        data[p] = x
    text = [f"{v:.3f}" for v in rng.uniform(1, 2, n)]
    for i, p in enumerate(PAYLOADS):
        text[10 + i] = p  # unparseable cells: the payload is the shown value
    data["<b>text</b>"] = text
    data["y"] = rng.integers(0, 2, n).astype(float)
    data["y"][3] = 7.0  # a label outside BCE's domain
    index = [f"row{i}" for i in range(n)]
    for i, p in enumerate(PAYLOADS):
        index[i] = f"{p}#{i}"  # hostile row labels
    df = pd.DataFrame(data, index=index)
    path = tmp_path / '"><img src=x onerror=alert(1)>.csv'
    df.to_csv(path, index=False)
    result = nc.clean(df, target="y", loss="bce")
    from_file = nc.scan(path)
    assert any(p in json.dumps(from_file.input) for p in PAYLOADS[1:2])
    html = tmp_path / "hostile.html"
    html.write_text(from_file.to_html(), encoding="utf-8")  # the hostile file name
    return html, list(from_file.input["columns"]), result


def _check(p: Any, watch: Any) -> None:
    assert watch.dialogs == [], f"a dialog fired: {watch.dialogs}"
    assert p.evaluate("() => window.__xss") is None, "injected code ran"
    assert p.locator(FOREIGN).count() == 0, "an injected element exists"
    assert (
        p.evaluate(
            "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
            ".filter(a => a.name.startsWith('on')).length"
        )
        == 0
    ), "an inline event handler exists"
    assert p.locator("script").count() == 1  # ours
    assert p.evaluate(
        "() => [...document.querySelectorAll('a[href]')]"
        ".every(a => a.getAttribute('href').startsWith('#col-'))"
    )
    assert watch.remote == [], f"the page requested {watch.remote}"


def test_hostile_names_and_values_are_shown_as_text(
    chromium: Any, tmp_path: Path
) -> None:
    scan_html, file_columns, result = _hostile_report(tmp_path)
    html = tmp_path / "clean.html"
    result.report.to_html(html)
    for path, columns in (
        (html, list(result.report.input["columns"])),
        (scan_html, file_columns),
    ):
        with page(chromium) as (p, watch):
            p.goto(path.as_uri())
            p.wait_for_timeout(300)  # let any injected handler fire
            _check(p, watch)
            names = p.locator("details.card .name").all_inner_texts()
            assert names == columns  # every name, as text
            assert set(PAYLOADS) <= set(names) or path == scan_html
            if path == html:
                cells = p.locator("table.findings").inner_text()
                # string values and row labels of the findings, as text
                assert repr(PAYLOADS[0]) in cells  # an unparseable cell's value
                assert PAYLOADS[1] + "#1" in cells  # a row label
                # the filter box treats a payload as text too
                p.fill("input.findings-filter", PAYLOADS[0])
                assert p.locator("table.findings tbody tr:visible").count() >= 1
                _check(p, watch)
            else:
                assert p.title().endswith('"><img src=x onerror=alert(1)>.csv')
                assert PAYLOADS[1] in p.locator("header").inner_text()


def test_jupyter_fragment_without_csp(chromium: Any, tmp_path: Path) -> None:
    """The fragment has no CSP of its own: the escaping alone must hold."""
    _, _, result = _hostile_report(tmp_path)
    fragment = render_html(result.report, fragment=True)
    with page(chromium) as (p, watch):
        p.set_content(f"<!DOCTYPE html><html><body>{fragment}</body></html>")
        p.wait_for_timeout(300)
        _check(p, watch)
        assert PAYLOADS[0] in p.locator("details.card .name").all_inner_texts()
        # the fragment's script runs here (no CSP): its filter works
        p.fill("input.columns-filter", "javascript:")
        assert p.inner_text(".columns-shown").startswith("2 of ")
