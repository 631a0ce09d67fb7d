"""The audit report at scale (issue 6): size of the HTML and its load time in Chromium.

Two reports: ``nanclean.clean`` of the benchmark data (N × 50) and of a wide
frame (2,000 rows × 500 columns). Each HTML file is opened in headless Chromium
(Debian's ``chromium``, driven by playwright) ``repeats`` times in a fresh page;
the load time is the navigation's ``loadEventEnd``. Target: at most 2 MB and
under 2 s to open for 1M × 50.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

import nanclean
from nanclean.report.browser import browser, open_ms, wide_frame

__all__ = ["measure", "wide_frame"]


def measure(frames: dict[str, pl.DataFrame], repeats: int) -> dict[str, dict[str, Any]]:
    """Per frame: HTML bytes, seconds to render it, and Chromium load times in ms."""
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="nanclean-bench-") as tmp:
        paths = {}
        for name, frame in frames.items():
            report = nanclean.clean(frame).report
            started = time.perf_counter()
            html = report.to_html()
            render = time.perf_counter() - started
            path = Path(tmp) / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            paths[name] = path
            out[name] = {"bytes": path.stat().st_size, "render_s": render}
        with browser() as b:
            for name, path in paths.items():
                out[name]["load_ms"] = [_load_ms(b, path) for _ in range(repeats)]
    return out


def _load_ms(b: Any, path: Path) -> float:
    """``path``'s load time in a fresh page (nothing cached from the last load)."""
    page = b.new_page(viewport={"width": 1280, "height": 900})
    try:
        return open_ms(page, path)
    finally:
        page.close()
