"""Headless Chromium for looking at an HTML report: open it, time it, watch it.

The browser tests (tests/e2e) and the report benchmark (bench/report_methods.py)
share it. Debian's ``chromium``, driven by playwright (the ``dev`` extra); never
``playwright install`` (it downloads a browser): ``make browser`` installs
Debian's ``chromium`` when it is missing. Without it :func:`chromium_path`
raises, so the browser tests fail rather than skip. Chromium's profile and
caches go to temporary folders; every non-local request is blocked.

Not imported by ``nanclean``; imports playwright only when a browser starts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nanclean.errors import MissingDependencyError

__all__ = ["Watch", "browser", "chromium_path", "open_ms", "page", "wide_frame"]

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
_LOCAL = ("file:", "data:", "about:", "blob:")


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise MissingDependencyError(
            "Chromium is not installed: the browser tests need Debian's `chromium` on "
            "the PATH. Run `make browser` (it runs apt-get install chromium), never "
            "`playwright install`."
        )
    return path


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium with its own profile, config and cache folders."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with tempfile.TemporaryDirectory(prefix="nanclean-chromium-") as tmp:
        env: dict[str, str | float | bool] = {
            **os.environ,
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
            "HOME": tmp,
        }
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=executable, args=ARGS, env=env)
            try:
                yield b
            finally:
                b.close()


@dataclass
class Watch:
    """What a page did: dialogs, requests beyond local files, console errors."""

    dialogs: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def page(
    b: Any, *, width: int = 1280, height: int = 900
) -> Iterator[tuple[Any, Watch]]:
    """A page that records dialogs and errors and blocks every non-local request."""
    context = b.new_context(viewport={"width": width, "height": height})
    watch = Watch()
    p = context.new_page()

    def dialog(d: Any) -> None:
        watch.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(_LOCAL):
            r.continue_()
        else:
            watch.remote.append(url)
            r.abort()

    p.on("dialog", dialog)
    p.on("pageerror", lambda e: watch.errors.append(str(e)))
    p.on(
        "console", lambda m: watch.errors.append(m.text) if m.type == "error" else None
    )
    p.on(
        "request",
        lambda r: None if r.url.startswith(_LOCAL) else watch.remote.append(r.url),
    )
    context.route("**/*", route)
    try:
        yield p, watch
    finally:
        context.close()


def open_ms(p: Any, path: Path) -> float:
    """Open a local file; the load time in ms (navigation start → load event end)."""
    started = time.perf_counter()
    p.goto(path.as_uri(), wait_until="load")
    wall = (time.perf_counter() - started) * 1000
    nav = p.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n ? n.loadEventEnd - n.startTime : null; }"
    )
    return float(nav) if nav else wall


def wide_frame() -> Any:
    """2,000 rows × 500 columns with two +inf cells and one outlier: the wide
    report that the browser test opens and the report benchmark times."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(4)
    columns = {f"sensor_{i:03d}": rng.uniform(1, 2, 2_000) for i in range(500)}
    columns["sensor_042"][[5, 50]] = np.inf
    columns["sensor_314"][7] = 1e12
    return pl.DataFrame(columns)
