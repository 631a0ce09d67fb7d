"""The HTML report: one self-contained, deterministic, escaped file that scales."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import nanclean as nc
from nanclean.report.html import render_html
from nanclean.report.plots import histogram_chart
from nanclean.report.summary import HTML_MAX_ROWS

MB = 1024 * 1024


def _script(html: str) -> str:
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 1
    return scripts[0]


def test_one_self_contained_file(ecommerce_clean: nc.CleanResult) -> None:
    html = ecommerce_clean.report.to_html()
    assert html.startswith("<!DOCTYPE html>")
    for external in (
        "<link",
        " src=",
        "@import",
        "url(",
        "http://",
        "https://",
        "//cdn",
    ):
        assert external not in html
    assert "<style>" in html
    assert html.count("<svg") == 8  # one histogram per numeric column
    # the Content Security Policy allows exactly the inline script, no network
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    digest = hashlib.sha256(_script(html).encode()).digest()
    assert f"'sha256-{base64.b64encode(digest).decode()}'" in csp.group(1)
    assert "default-src 'none'" in csp.group(1)


def test_header_findings_cards_actions(ecommerce_clean: nc.CleanResult) -> None:
    html = ecommerce_clean.report.to_html()
    assert "After cleaning: safe to train in float32 and float16." in html
    assert "7 errors" in html and "3 warnings" in html and "1 info" in html
    assert "5000</b> → <b>4999" in html
    assert "fingerprint" in html and "pandera" in html
    assert html.count('<tr data-severity="') == 11
    assert "suspected_denominator" in html
    assert "denominator <code>orders</code>" in html  # the ratio pair
    assert html.count('<details class="card ') == 8
    assert "clipped 1 outlier to [-732.6, 1041]" in html
    assert "imputed 3 missing cells with the median 0.257" in html
    assert "dropped 1 row (invalid label)" in html
    assert "Cleaner.from_plan" in html  # the plan, with how to reuse it
    assert "run time" not in html


def test_scan_report_says_nothing_was_changed(ecommerce_scan: nc.AuditReport) -> None:
    html = ecommerce_scan.to_html()
    assert "Not safe to train." in html
    assert "none: a scan changes nothing" in html


def test_byte_identical_unless_timestamp(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    pl.DataFrame(
        {"x": [1.0, None, 3.0, 1e12, 2.0, 2.5], "y": [0, 1, 0, 1, 2, 0]}
    ).write_csv(path)
    first = nc.clean(path, target="y", loss="bce").report.to_html()
    second = nc.clean(path, target="y", loss="bce").report.to_html()
    assert first == second
    stamped = nc.clean(path, target="y", loss="bce").report.to_html(timestamp=True)
    assert "rendered <b>" in stamped and "run time" in stamped


def test_to_html_writes_the_file(
    tmp_path: Path, ecommerce_scan: nc.AuditReport
) -> None:
    path = tmp_path / "audit.html"
    text = ecommerce_scan.to_html(path)
    assert path.read_text(encoding="utf-8") == text


def test_fragment_for_jupyter(ecommerce_clean: nc.CleanResult) -> None:
    for fragment in (
        ecommerce_clean._repr_html_(),
        ecommerce_clean.report._repr_html_(),
    ):
        assert fragment.startswith('<div class="nc nb"')  # the notebook view
        assert "<html" not in fragment and "<!DOCTYPE" not in fragment
        assert "<style>" in fragment and "<script>" in fragment
    # the notebook view: collapsed cards, a pointer to the full report
    assert 'class="card' in fragment and " open>" not in fragment
    assert 'result.report.to_html("audit.html")' in ecommerce_clean._repr_html_()
    assert 'report.to_html("audit.html")' in fragment
    assert 'id="actions"' not in fragment
    page = render_html(ecommerce_clean.report, fragment=True)
    assert page.startswith('<div class="nc"') and 'id="actions"' in page


PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'><svg onload=alert(1)>",
    "</style><script>alert(1)</script>",
    "{{ 7 * 7 }}",
]


_OUR_TAGS = {
    *("html", "head", "meta", "title", "style", "body", "div", "header", "h1", "h2"),
    *("h3", "h4", "p", "section", "span", "code", "b", "ul", "li", "input", "label"),
    *("button", "table", "thead", "tbody", "tr", "th", "td", "a", "br", "details"),
    *("summary", "svg", "line", "path", "text", "sup", "dl", "dt", "dd", "pre"),
    *("footer", "script", "small"),
}


class _Tags(HTMLParser):
    """Every tag and attribute as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.handlers: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.handlers += [k for k, _ in attrs if k.startswith("on")]
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src", "action")]


def test_data_is_escaped() -> None:
    n = 200
    rng = np.random.default_rng(1)
    columns = {p: rng.normal(size=n) for p in PAYLOADS}
    columns[PAYLOADS[0]][3] = np.inf
    strings = [str(v) for v in rng.normal(size=n)]
    strings[5] = PAYLOADS[1]
    columns["text <b>"] = strings
    html = nc.clean(pl.DataFrame(columns)).report.to_html()
    assert html.count("<script") == 1  # ours
    for raw in ("<img", "<svg onload", "</style><script"):
        assert raw not in html
    tags = _Tags()
    tags.feed(html)
    assert not tags.handlers  # no on*= attribute anywhere
    assert tags.names <= _OUR_TAGS  # no <img>, <iframe>, <a href=javascript:> ...
    assert not [v for v in tags.hrefs if not v.startswith("#col-")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7 * 7 }}" in html  # shown as written, never evaluated
    assert "text &lt;b&gt;" in html


def test_rows_per_finding_are_capped_in_html() -> None:
    x = np.ones(5_000)
    x[::2] = np.nan
    html = nc.scan(pl.DataFrame({"x": x, "z": np.arange(5_000.0)})).to_html()
    assert f"first {HTML_MAX_ROWS} of 2500" in html
    assert "… and 2300 more (all in the JSON report)" in html
    assert "396, 398 … and 2300 more" in html and ", 400" not in html


def test_histogram_chart_uses_log_tails_for_extreme_ranges() -> None:
    edges = [float(e) for e in np.geomspace(1, 1e12, 31)]
    before = {"scale": "symlog", "edges": edges, "counts": [900] + [0] * 28 + [1]}
    after = {"scale": "linear", "edges": [1.0, 50.0, 100.0], "counts": [600, 301]}
    chart = histogram_chart(before, after, bounds=(0.0, 100.0), core=[1.0, 90.0])
    assert chart is not None
    assert chart["scale"] == "log_tails"
    assert len(chart["breaks"]) == 1
    assert chart["outside"]  # the 1e12 bin, beyond the upper bound
    assert [m["side"] for m in chart["markers"]] == ["high"]
    assert chart["ticks"][-1]["label"] == "1e12"
    # a plain range keeps a linear axis and no breaks
    plain = histogram_chart(after, None)
    assert plain is not None and plain["scale"] == "linear" and not plain["breaks"]


def test_constant_column_has_a_visible_bar() -> None:
    chart = histogram_chart(
        {"scale": "linear", "edges": [3.3, 3.3], "counts": [10]}, None
    )
    assert chart is not None and chart["before"].startswith("M")


@pytest.fixture(scope="module")
def million_by_fifty() -> pl.DataFrame:
    """1M rows × 50 columns with findings of every size (some in every row)."""
    rng = np.random.default_rng(0)
    n = 1_000_000
    cols = {}
    for i in range(50):
        x = rng.normal(0, 1, n) * 10.0 ** (i % 7)  # 1e5, 1e6: fp16 overflow
        if i % 5 == 0:
            x[rng.choice(n, 5_000, replace=False)] = np.nan
        if i % 7 == 0:
            x[rng.choice(n, 300, replace=False)] = np.inf
        if i % 3 == 0:
            x[rng.choice(n, 50, replace=False)] = 1e12
        cols[f"feature_{i:02d} with a longer name"] = x
    cols["y"] = (rng.uniform(size=n) < 0.3).astype(float)
    return pl.DataFrame(cols)


def test_html_of_a_million_rows_by_fifty_columns_is_small(
    million_by_fifty: pl.DataFrame,
) -> None:
    for report in (
        nc.scan(million_by_fifty, target="y", loss="bce"),
        nc.clean(million_by_fifty, target="y", loss="bce").report,
    ):
        assert sum(f.count for f in report.findings) > 10_000_000  # rows galore
        size = len(report.to_html().encode("utf-8"))
        print(f"HTML for 1M × 50 ({len(report.actions)} actions): {size / MB:.2f} MB")
        assert size <= 2 * MB


def test_wide_tables_start_collapsed() -> None:
    rng = np.random.default_rng(2)
    df = pl.DataFrame({f"c{i:03d}": rng.normal(size=300) for i in range(500)})
    df = df.with_columns(
        pl.when(pl.col("c007") > 1).then(None).otherwise(pl.col("c007")).alias("c007")
    )
    html = nc.clean(df).report.to_html()
    cards = re.findall(r'<details class="card [^"]*"[^>]*>', html)
    assert len(cards) == 500
    assert not any(" open" in c for c in cards)
    assert 'class="columns-filter"' in html and 'class="columns-flagged"' in html
    print(f"HTML for 300 rows × 500 columns: {len(html.encode()) / MB:.2f} MB")
    assert len(html.encode()) <= 6 * MB
