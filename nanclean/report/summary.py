"""Stage 1 of the report: an AuditReport → a plain, JSON-able summary dict.

The HTML renderer (:mod:`nanclean.report.html`) reads only this dict, never the
report, and computes no statistic of its own (the two-stage design of skrub's
TableReport). Everything here is deterministic: the same report gives the same
summary, except for the run time, which is included only when asked for.

What the summary holds
----------------------
- ``verdict`` and ``fingerprint``: from :mod:`nanclean.report.verdict`.
- ``findings``: every finding with its first rows (label and value) and, per
  finding, at most ``max_rows`` row labels and the number left out.
- ``columns``: one card per column: statistics before and after, histograms
  before and after on the same axis (the output is mapped back to input units
  with the Plan's center and scale), the clip bounds, the actions and the plan.
- ``actions``, ``config``, ``plan``: what clean did and with which settings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from nanclean.dtypes import DTYPES
from nanclean.findings import Action, Finding, FindingKind, Severity
from nanclean.plan import SQUASH_BOUND, ColumnPlan, Plan
from nanclean.report.model import SCHEMA_VERSION, AuditReport, ColumnStats
from nanclean.report.strict_json import json_safe
from nanclean.report.text import describe_action, format_number, format_value, plural
from nanclean.report.verdict import (
    DRIFT,
    EXACT_FIELDS,
    fingerprint,
    run_info,
    verdict,
    versions,
)

__all__ = ["HTML_MAX_ROWS", "group_info", "summarize"]

#: Row labels shown per finding / action in HTML (the JSON report has them all).
HTML_MAX_ROWS = 200
#: Example (label, value) pairs shown per finding.
EXAMPLES = 5

# What the drift section lists: new data against the fitted contract.
_DRIFT_KINDS = DRIFT | {FindingKind.EXTRA_COLUMN}
_STAT_FIELDS = (*EXACT_FIELDS, "q01", "q25", "median", "q75", "q99", "mad")
# Statistics that move with the data (x · scale + center) and with its spread (x · scale).
_LOCATION = ("min", "q01", "q25", "median", "q75", "q99", "max", "mean")
_SPREAD = ("std", "mad")


def summarize(
    report: AuditReport, *, max_rows: int = HTML_MAX_ROWS, timestamp: bool = False
) -> dict[str, Any]:
    """The plain summary of ``report`` that the HTML template renders.

    Parameters
    ----------
    report : AuditReport
        A scan's or a clean's report.
    max_rows : int, default=200
        Row labels kept per finding and per action (the rest are counted).
    timestamp : bool, default=False
        Include the time of rendering and the run time. Off by default so that
        the same input and config give byte-identical output.
    """
    plan = report.plan
    plan_columns = {c.name: c for c in plan.columns} if plan else {}
    cleaned = bool(report.after)
    findings = [_finding(f, max_rows) for f in report.findings]
    cards = _columns(report, plan_columns, plan)
    anchors = {c["name"]: c["anchor"] for c in cards}
    for f in findings:
        f["anchor"] = anchors.get(f["column"])
    as_dict = {id(f): d for f, d in zip(report.findings, findings, strict=True)}
    drift = [f for f in report.findings if f.kind in _DRIFT_KINDS]
    table = _table_entries(
        [f for f in report.findings if f.kind not in _DRIFT_KINDS], as_dict
    )
    actions = [_action(a, max_rows) for a in _ordered_actions(report)]
    for a in actions:
        a["anchor"] = anchors.get(a["column"])
    inp = report.input
    out = report.output
    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "mode": "clean" if cleaned else "scan",
        "title": _title(inp),
        "input": {
            "kind": inp.get("kind"),
            "source": inp.get("source"),
            "path": inp.get("path"),
            "n_rows": inp.get("n_rows"),
            "n_columns": inp.get("n_columns"),
        },
        "output": (
            {
                "n_rows": out.get("n_rows"),
                "n_columns": out.get("n_columns"),
                "dtype": out.get("dtype"),
                "rows_dropped": out.get("rows_dropped"),
            }
            if cleaned
            else None
        ),
        "target": report.target,
        "loss": report.loss,
        "verdict": verdict(report),
        "severity_counts": report.summary(),
        "fingerprint": fingerprint(report),
        "versions": versions(report),
        "run": run_info(report) if timestamp else None,
        "findings": findings,
        "table": table,
        "table_findings": len(report.findings) - len(drift),
        "drift": _drift(report, [as_dict[id(f)] for f in drift]),
        "kinds": sorted({f["kind"] for f in findings}),
        "columns": cards,
        "added_columns": _added_columns(report),
        "actions": actions,
        "config": report.config,
        "config_changed": _config_changed(report.config),
        "plan": plan.to_dict() if plan else None,
        "max_rows": max_rows,
        "incidents": [_incident(i, max_rows) for i in report.incidents],
    }
    return json_safe(summary)  # type: ignore[no-any-return]


# --- findings and actions ----------------------------------------------------------


def _table_entries(
    findings: list[Finding], as_dict: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows of the findings table: one finding, or a group of info findings
    of one kind (``group``: its id, the columns, the total count, the members)."""
    entries: list[dict[str, Any]] = []
    for i, group in enumerate(group_info(findings)):
        members = [as_dict[id(f)] for f in group]
        if len(group) == 1:
            entries.append({"group": None, "finding": members[0]})
            continue
        entries.append(
            {
                "group": f"g{i}",
                "kind": group[0].kind.value,
                "severity": group[0].severity.value,
                "columns": [f.column for f in group],
                "count": sum(int(f.count) for f in group),
                "members": members,
            }
        )
    return entries


def _drift(
    report: AuditReport, findings: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The drift section of a report on new data: its own verdict and findings.

    None for a scan or a clean that fitted its plan (nothing to drift from).
    """
    if not findings and not report.output.get("drift_checked"):
        return None
    columns = list(dict.fromkeys(f["column"] for f in findings))
    if not findings:
        headline = "No drift: the new data stays within what training saw."
    else:
        headline = (
            f"Drift in {plural(len(columns), 'column')}: the new data goes beyond "
            "what training saw; the plan repaired it as it would training data."
        )
    return {
        "status": "caution" if findings else "safe",
        "headline": headline,
        "columns": columns,
        "findings": findings,
        "entries": [{"group": None, "finding": f} for f in findings],
    }


def group_info(findings: Sequence[Finding]) -> list[list[Finding]]:
    """The findings in order, info-level ones of one kind gathered into one entry.

    Info findings are harmless as they are (an ``fp16_underflow`` when training
    in float32, say), and often the same kind in many columns; shown one line a
    kind, they no longer crowd out the errors and warnings. Each entry is a
    list: one finding, or every info finding of one kind (at the position of
    the first) when there are several.
    """
    entries: list[list[Finding]] = []
    groups: dict[FindingKind, list[Finding]] = {}
    for f in findings:
        if f.severity is not Severity.INFO:
            entries.append([f])
        elif f.kind in groups:
            groups[f.kind].append(f)
        else:
            groups[f.kind] = [f]
            entries.append(groups[f.kind])
    return entries


def _finding(f: Finding, max_rows: int) -> dict[str, Any]:
    shown = f.row_ids[:max_rows]
    pair = None
    if "denominator" in f.details:
        pair = {
            "numerator": f.details.get("numerator"),
            "denominator": f.details["denominator"],
        }
    return {
        "kind": f.kind.value,
        "column": f.column,
        "severity": f.severity.value,
        "severity_rank": f.severity.rank,
        "count": int(f.count),
        "fraction": float(f.fraction),
        "message": f.message,
        "examples": [
            {"label": label, "value": value, "display": format_value(value)}
            for label, value in f.examples[:EXAMPLES]
        ],
        "rows": f.labels(shown),
        "rows_total": len(f.row_ids),
        "rows_more": len(f.row_ids) - len(shown),
        "details": f.details,
        "pair": pair,
    }


def _ordered_actions(report: AuditReport) -> list[Action]:
    """Actions grouped by column, in column order (stable within a column)."""
    order = {c: i for i, c in enumerate(_column_order(report))}
    return sorted(report.actions, key=lambda a: order.get(a.column, len(order)))


def _action(a: Action, max_rows: int) -> dict[str, Any]:
    shown = a.row_ids[:max_rows]
    return {
        "kind": a.kind.value,
        "column": a.column,
        "count": int(a.count),
        "rows": a.labels(shown),
        "rows_total": len(a.row_ids),
        "rows_more": len(a.row_ids) - len(shown),
        "details": a.details,
        "text": describe_action(a),
    }


def _incident(data: dict[str, Any], max_rows: int) -> dict[str, Any]:
    """A training incident (the guard's JSON) with its rows capped like a finding's."""
    rows = list(data.get("rows") or [])
    keys = ("kind", "where", "step", "epoch", "batch", "how", "cause", "fix", "action")
    return {
        **{k: data.get(k) for k in keys},
        "rows": rows[:max_rows],
        "rows_total": len(rows),
        "rows_more": max(len(rows) - max_rows, 0),
    }


# --- column cards -----------------------------------------------------------------


def _column_order(report: AuditReport) -> list[str]:
    names = list(report.input.get("columns", {}))
    names += [c for c in report.columns if c not in names]
    return names


def _columns(
    report: AuditReport,
    plan_columns: dict[str, ColumnPlan],
    plan: Plan | None,
) -> list[dict[str, Any]]:
    dtypes = report.input.get("columns", {})
    by_column: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_column.setdefault(f.column, []).append(f)
    actions: dict[str, list[Action]] = {}
    for a in report.actions:
        actions.setdefault(a.column, []).append(a)
    dropped = plan.dropped if plan else {}
    ratios = {c.name: c.ratio for c in plan_columns.values() if c.ratio} | {
        k: list(v) for k, v in report.config.get("ratios", {}).items()
    }
    cards = []
    for i, name in enumerate(_column_order(report)):
        before = report.columns.get(name)
        after = report.after.get(name)
        cp = plan_columns.get(name)
        fs = by_column.get(name, [])
        worst = max((f.severity for f in fs), key=lambda s: s.rank, default=None)
        role = before.role if before else "non_numeric"
        if name == report.target:
            role = "target"
        elif name in ratios or name not in dtypes:
            role = "derived"
        after_stats, units = _after_in_input_units(after, cp, before)
        cards.append(
            {
                "index": i,
                "anchor": f"col-{i}",
                "name": name,
                "dtype": dtypes.get(name, before.dtype if before else ""),
                "role": role,
                "numeric": before is not None,
                "findings": [
                    {
                        "kind": f.kind.value,
                        "severity": f.severity.value,
                        "count": f.count,
                    }
                    for f in fs
                ],
                "n_findings": len(fs),
                "worst": worst.value if worst else None,
                "before": _stats(before),
                "after": after_stats,
                "after_units": units,
                "after_dtype": after.dtype if after else None,
                "histogram": _histograms(before, after, cp),
                "actions": [
                    {"kind": a.kind.value, "count": a.count, "text": describe_action(a)}
                    for a in actions.get(name, [])
                ],
                "plan": _plan_lines(cp) if cp else [],
                "ratio": ratios.get(name),
                "dropped": dropped.get(name),
                "in_output": name in report.after,
            }
        )
    return cards


def _stats(s: ColumnStats | None) -> dict[str, Any] | None:
    if s is None:
        return None
    out: dict[str, Any] = {k: getattr(s, k) for k in _STAT_FIELDS}
    out["estimated"] = s.estimated
    return out


def _after_in_input_units(
    after: ColumnStats | None,
    cp: ColumnPlan | None,
    before: ColumnStats | None = None,
) -> tuple[dict[str, Any] | None, str]:
    """The output statistics mapped back through the scaling (x · s + c).

    The output is stored in the training dtype, so a value mapped back differs
    from the input by its rounding (0 comes back as 6.4e-7 in float32): a
    statistic within that rounding of its input value is shown as the input
    value, so that only real changes (clipping, imputation) stand out.
    """
    stats = _stats(after)
    if stats is None:
        return None, "input"
    if cp is None:
        return stats, "input" if after and after.role == "target" else "output"
    if cp.scale == "squash" and not cp.unscaled:
        return stats, "output"  # a squash is not linear: means do not map back
    for k in _LOCATION:
        if stats[k] is not None:
            stats[k] = cp.unscale_number(stats[k])
    for k in _SPREAD:
        if stats[k] is not None:
            stats[k] = stats[k] * abs(cp.scale_by)
    if before is not None and after is not None:
        eps = _resolution(after.dtype)
        for k in (*_LOCATION, *_SPREAD):
            a, b = stats[k], getattr(before, k)
            if a is None or b is None or not math.isfinite(b):
                continue
            if abs(a - b) <= 2 * eps * (max(abs(a), abs(b)) + abs(cp.center)):
                stats[k] = b
    return stats, "input"


def _resolution(dtype: str) -> float:
    """The machine epsilon of an output dtype (``Float32`` → 1.19e-7)."""
    name = dtype.lower()
    return DTYPES[name].eps if name in DTYPES else DTYPES["float32"].eps


def _histograms(
    before: ColumnStats | None, after: ColumnStats | None, cp: ColumnPlan | None
) -> dict[str, Any] | None:
    hb = before.histogram if before else None
    ha = after.histogram if after else None
    if hb is None and ha is None:
        return None
    if ha is not None and cp is not None:
        # the scaling is monotone: the edges map back one by one
        squash = cp.scale == "squash"
        ha = dict(ha, symlog_scale=None) if squash else dict(ha)
        ha["edges"] = [cp.unscale_number(e) for e in ha["edges"]]
        if ha.get("symlog_scale"):
            ha["symlog_scale"] = ha["symlog_scale"] * abs(cp.scale_by)
    bounds = None
    if cp and cp.outlier_low is not None and cp.outlier_high is not None:
        bounds = {
            "low": cp.outlier_low,
            "high": cp.outlier_high,
            "action": cp.outlier_action,
            "method": cp.outlier_method,
        }
    return {
        "before": hb,
        "after": ha,
        "bounds": bounds,
        "sampled": bool(before.estimated) if before else False,
    }


def _plan_lines(cp: ColumnPlan) -> list[str]:
    """The column's plan in a few short lines (the full Plan is in the JSON)."""
    lines = []
    if cp.ratio:
        num, den = cp.ratio
        lines.append(f"derive: {num} / {den}, zero denominator → {cp.ratio_on_zero}")
    lines.append(
        f"missing → {cp.impute}"
        + (f" ({format_number(cp.fill)})" if cp.fill is not None else "")
    )
    inf = []
    for sign, policy, bound in (
        ("+inf", cp.pos_inf, cp.inf_high),
        ("-inf", cp.neg_inf, cp.inf_low),
    ):
        inf.append(
            f"{sign} → {policy}"
            + (f" ({format_number(bound)})" if policy == "clip" else "")
        )
    lines.append(", ".join(inf))
    if cp.outlier_low is not None:
        lines.append(
            f"outliers ({cp.outlier_method}) → {cp.outlier_action} "
            f"[{format_number(cp.outlier_low)}, "
            f"{format_number(cp.outlier_high)}]"
        )
    else:
        lines.append(f"outliers: {cp.outlier_method}, no bounds")
    center, scale = format_number(cp.center), format_number(cp.scale_by)
    if cp.unscaled:
        lines.append(
            f"not scaled ({cp.unscaled}): x − {center}"
            if cp.center
            else f"not scaled ({cp.unscaled})"
        )
    elif cp.scale == "squash":
        lines.append(
            f"scale (squash): z / √(1 + (z/{format_number(SQUASH_BOUND)})²), "
            f"z = (x − {center}) / {scale}"
        )
    elif cp.scale != "none":
        lines.append(f"scale ({cp.scale}): (x − {center}) / {scale}")
    else:
        lines.append("scale: none")
    return lines


def _added_columns(report: AuditReport) -> list[dict[str, Any]]:
    """Output columns that are not input columns (indicators, one-hot, ...)."""
    known = set(_column_order(report))
    return [
        {"name": s.name, "dtype": s.dtype, "min": s.min, "max": s.max, "mean": s.mean}
        for name, s in report.after.items()
        if name not in known
    ]


def _config_changed(config: dict[str, Any]) -> dict[str, Any]:
    from nanclean.config import CleanConfig

    defaults = CleanConfig().to_dict()
    return {k: v for k, v in config.items() if defaults.get(k, object()) != v}


# --- text helpers -------------------------------------------------------------------


def _title(inp: dict[str, Any]) -> str:
    """The file name of a file input, else the input's description."""
    path = inp.get("path")
    return PurePath(path).name if path else str(inp.get("source") or "data")
