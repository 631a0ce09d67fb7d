"""Stage 2 of the report: the summary dict → ONE self-contained HTML file.

A Jinja2 template (``templates/report.html.j2``) with autoescaping renders the
plain summary of :mod:`nanclean.report.summary`. The file has inline CSS,
inline SVG histograms and one small inline script (sorting and filtering the
findings table and the column cards); no CDN, no web font, no request of any
kind. Everything that comes from the data — column names, values, row labels,
file names, messages — goes through autoescaping. In a full page a Content
Security Policy allows only that one script (by its SHA-256) and no network
at all, so even a bug in the escaping could not run injected code.

The output is deterministic: the same report gives byte-identical HTML unless
``timestamp=True``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from nanclean.report.plots import histogram_chart
from nanclean.report.summary import HTML_MAX_ROWS, summarize
from nanclean.report.text import format_number, format_value, plural

if TYPE_CHECKING:
    from nanclean.report.model import AuditReport

__all__ = ["render_html", "render_notebook", "render_summary"]

#: Above this many columns the column cards start collapsed.
OPEN_CARDS_UP_TO = 30
#: Rows of the findings table in the notebook view (the full report has all).
NOTEBOOK_FINDINGS = 20
#: Row labels listed per finding in the notebook view.
NOTEBOOK_MAX_ROWS = 50


def render_html(
    report: AuditReport, *, fragment: bool = False, timestamp: bool = False
) -> str:
    """The report as one self-contained HTML document (or a fragment for Jupyter).

    Parameters
    ----------
    report : AuditReport
    fragment : bool, default=False
        Return a ``<div>`` (with its scoped style and script) to embed in a
        page or a notebook, instead of a whole document.
    timestamp : bool, default=False
        Show when the report was rendered and how long the run took. Off by
        default so that the same input and config give byte-identical HTML.
    """
    return render_summary(
        summarize(report, max_rows=HTML_MAX_ROWS, timestamp=timestamp),
        fragment=fragment,
    )


def render_notebook(report: AuditReport, *, name: str = "report") -> str:
    """The notebook view: a fragment that fits a cell.

    The verdict, the drift (on new data), the first :data:`NOTEBOOK_FINDINGS`
    rows of the findings table (filterable), the column cards collapsed, and a
    line on how to write the full report (``name`` is what the user holds,
    e.g. ``result.report``). Escaped and offline like the full report.
    """
    return render_summary(
        summarize(report, max_rows=NOTEBOOK_MAX_ROWS),
        fragment=True,
        notebook=name,
    )


def render_summary(
    summary: dict[str, Any], *, fragment: bool = False, notebook: str | None = None
) -> str:
    """Render a summary dict made by :func:`nanclean.report.summary.summarize`.

    With ``notebook`` (the name the full report is reached by) the compact
    notebook view is rendered instead of the full report.
    """
    script = _asset("report.js")
    charts = [_chart(card) for card in summary["columns"]]
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            s=summary,
            charts=charts,
            fragment=fragment or notebook is not None,
            notebook=notebook,
            max_findings=NOTEBOOK_FINDINGS if notebook else None,
            css=Markup(_asset("report.css")),
            script=Markup(script),
            script_hash=_sha256(script),
            open_cards=not notebook and len(summary["columns"]) <= OPEN_CARDS_UP_TO,
            plan_json=_pretty(summary["plan"]) if summary["plan"] else None,
            config_json=_pretty(summary["config"]),
        )
    )


def _chart(card: dict[str, Any]) -> dict[str, Any] | None:
    h = card["histogram"]
    if not h:
        return None
    b = h.get("bounds")
    bounds = (float(b["low"]), float(b["high"])) if b else None
    stats = card["before"] or {}
    core = [_finite(stats.get("q01")), _finite(stats.get("q99"))]
    return histogram_chart(h["before"], h["after"], bounds=bounds, core=core)


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("nanclean.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_number
    env.filters["value"] = format_value
    env.filters["label"] = _label
    env.filters["pct"] = _percent
    env.filters["plural"] = plural
    return env


@functools.cache
def _asset(name: str) -> str:
    return (files("nanclean.report") / "templates" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


def _label(value: Any) -> str:
    """A row label: positions and index labels as they are, strings quoted."""
    return repr(value) if isinstance(value, str) else format_number(value)


def _percent(fraction: Any) -> str:
    f = float(fraction)
    if f == 0:
        return "0%"
    if f < 0.001:
        return "<0.1%"
    return f"{f * 100:.1f}%" if f < 0.1 else f"{f * 100:.0f}%"
